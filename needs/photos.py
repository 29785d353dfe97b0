"""Residents' photos: checked, re-encoded without EXIF (no location), kept out of public paths."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PHOTOS = 3
LONGEST_SIDE = 1280


def max_bytes() -> int:
    return getattr(settings, "NEEDS_PHOTO_MAX_BYTES", 5 * 1024 * 1024)


def clean_photo(upload) -> bytes:
    """The photo as a fresh JPEG: only its pixels survive (no EXIF, GPS or comments), turned
    upright and at most LONGEST_SIDE px. Refuses anything too large or not a photo."""
    if upload.size > max_bytes():
        raise ValidationError(
            _("A photo may be at most %(mb)d MB.") % {"mb": max_bytes() // (1024 * 1024)}, code="too_large"
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Send a JPEG, PNG or WebP photo."), code="type")
            # A huge canvas in a small file would take the server's memory: refuse before decoding.
            if probe.width * probe.height > 40_000_000:
                raise ValidationError(_("This photo is too large."), code="too_large")
            image = ImageOps.exif_transpose(probe).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(_("Send a JPEG, PNG or WebP photo."), code="type") from error
    image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()


def store(name: str, data: bytes) -> str:
    return default_storage.save(name, ContentFile(data))


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as file:
        return file.read()


def delete(name: str) -> None:
    """Remove a stored photo for good: moderation does not keep what it took down."""
    if name:
        default_storage.delete(name)
