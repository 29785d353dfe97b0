"""`{% icon "home" %}`: one Tabler icon, inlined so it takes the text's colour and needs no request."""

import functools
import re

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

ICON_DIR = settings.BASE_DIR / "static" / "vendor" / "tabler-icons"
_OPENING_TAG = re.compile(r"<svg\b[^>]*>", re.S)


@functools.cache
def _icon_body(name: str) -> str:
    """The drawing inside the vendored file's <svg> element (the file's own attributes are replaced)."""
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise template.TemplateSyntaxError(f"Bad icon name: {name!r}")
    source = (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")
    return _OPENING_TAG.sub("", source, count=1).replace("</svg>", "").strip()


@register.simple_tag
def icon(name: str, css_class: str = ""):
    """Decorative: the words beside an icon say what it means, so screen readers skip it."""
    return format_html(
        '<svg class="icon{}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" '
        'aria-hidden="true" focusable="false">{}</svg>',
        f" {css_class}" if css_class else "",
        mark_safe(_icon_body(name)),  # noqa: S308 - a file we vendored, never user input
    )
