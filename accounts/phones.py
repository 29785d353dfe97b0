"""Mainland mobile numbers: one normal form (+86 and eleven digits) and one mask."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
SEPARATORS = re.compile(r"[\s\-()]")


def normalise_phone(raw: str) -> str:
    """Return the E.164 form (+8613800000001) of a mainland mobile number.

    Accepts the eleven-digit form people write, with spaces or dashes, and the
    86 / +86 / 0086 prefixes. Raises ValidationError for anything else.
    """
    # NFKC turns the full-width digits of Chinese input methods into ASCII.
    digits = SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw or "")))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not MAINLAND_MOBILE.match(digits):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number, e.g. 13800000000."),
            code="invalid_phone",
        )
    return f"+86{digits}"


def national_phone(phone: str) -> str:
    """+8613800000001 -> 13800000001 (how people read and write it)."""
    return phone[3:] if phone and phone.startswith("+86") else (phone or "")


def spaced_phone(phone: str) -> str:
    """+8613800138000 -> 138 0013 8000: how a mainland number is read out and checked."""
    national = national_phone(phone)
    if len(national) == 11 and national.isdigit():
        return f"{national[:3]} {national[3:7]} {national[7:]}"
    return national


def mask_phone(phone: str) -> str:
    """138****1234: enough to tell people apart, not enough to call them."""
    national = national_phone(phone)
    if len(national) < 7:
        return "*" * len(national)
    return f"{national[:3]}****{national[-4:]}"
