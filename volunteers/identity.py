"""Resident ID numbers (GB 11643-1999): check digit, birth date, gender, mask."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalise_resident_id(raw: str) -> str:
    """Upper-case, spaces removed, validated: format, birth date and check digit."""
    value = re.sub(r"\s", "", str(raw or "")).upper()
    if not RESIDENT_ID.match(value):
        raise ValidationError(_("A resident ID number has 18 characters: 17 digits and a digit or X."), code="format")
    try:
        birth_date_from_id(value)
    except ValueError:
        message = _("The birth date inside this ID number is not a real date.")
        raise ValidationError(message, code="birth_date") from None
    if check_char(value[:17]) != value[17]:
        raise ValidationError(_("The last character of this ID number does not match (check digit)."), code="check")
    return value


def birth_date_from_id(value: str) -> datetime.date:
    born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    if born.year < 1900 or born > datetime.date.today():
        raise ValueError("birth date out of range")
    return born


def gender_from_id(value: str) -> str:
    """The 17th digit is odd for men, even for women."""
    return "male" if int(value[16]) % 2 else "female"


def mask_id_number(value: str) -> str:
    """410102********123X: the region and the last four, nothing that dates or places a person.

    Shorter numbers (passports, permits) keep only the first character and the last two.
    """
    if not value:
        return ""
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) <= 3:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 3) + value[-2:]
