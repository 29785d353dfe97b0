"""Working days in mainland China, for the 10-working-day posting limit (DESIGN rule 7).

Weekends, public holidays and the weekends swapped into working days (调休) come from
`chinesecalendar`, which carries the State Council's schedule up to its release. For a
year it does not know yet, Monday to Friday count, until the package is updated.
"""

import datetime
import functools
import logging

import chinese_calendar

logger = logging.getLogger(__name__)


@functools.cache
def _warn_unknown_year(year: int) -> None:
    logger.warning(
        "chinesecalendar %s has no holidays for %s: counting Monday to Friday. Update the pinned package.",
        chinese_calendar.__version__,
        year,
    )


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _warn_unknown_year(day.year)
        return day.weekday() < 5


def working_days_after(day: datetime.date, today: datetime.date) -> int:
    """Working days after `day` up to and including `today`."""
    return sum(is_working_day(day + datetime.timedelta(days=offset)) for offset in range(1, (today - day).days + 1))
