"""Spreadsheet cells written from user text must never become formulas."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """User text as a plain text cell. Text that a spreadsheet would read as a formula
    gets a leading apostrophe, the guard OWASP recommends against formula injection."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
