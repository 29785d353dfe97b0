"""Whole minutes, as people read them: hours to two decimal places.

The ledger holds whole minutes. Every figure shown in hours (pages, messages, lists,
certificates, the workbook) is the minutes divided by 60 to two decimal places, with the
zeros after the point dropped on pages: 90 minutes is 1.5 h, 50 minutes 0.83 h, 1 minute
0.02 h. Whole minutes never fall halfway between two hundredths of an hour, so how halves
round never arises. The workbook keeps the exact quotient in its cells and shows it to the
same two places (WORKBOOK_FORMAT): a column's SUM in Excel then equals its total row.
"""

from decimal import Decimal

WORKBOOK_FORMAT = "0.00"
# DESIGN rule 4: a day's credited total above this goes to review instead of posting by
# itself, whether the time came from a shift or from a resident's request.
LONG_DAY_MINUTES = 8 * 60
_HUNDREDTH = Decimal("0.01")


def hours(minutes: int) -> Decimal:
    """1.5 for 90 minutes, 2 for 120, 0.83 for 50: renders as it reads, and sorts and adds as a number."""
    text = f"{(Decimal(minutes) / 60).quantize(_HUNDREDTH):f}"
    return Decimal(text.rstrip("0").rstrip(".") if "." in text else text)


def exact_hours(minutes: int) -> float:
    """The value of a workbook cell, shown there to two places by WORKBOOK_FORMAT."""
    return minutes / 60
