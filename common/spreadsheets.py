"""Spreadsheet cells written from user text: never a formula, never a character a workbook cannot hold."""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """User text as a plain text cell. Control characters a workbook cannot hold (a name
    pasted with a stray \x07) are dropped; text that a spreadsheet would read as a formula
    gets a leading apostrophe, the guard OWASP recommends against formula injection."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
