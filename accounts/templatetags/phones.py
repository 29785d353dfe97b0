from django import template

from accounts.phones import spaced_phone as spaced

register = template.Library()


@register.filter
def spaced_phone(phone: str) -> str:
    return spaced(phone or "")
