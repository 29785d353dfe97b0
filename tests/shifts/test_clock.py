"""Typed clock times placed around a shift that may run past midnight."""

import datetime

import pytest
from django.utils import timezone

from shifts.views_attendance import on_shift_day
from tests.factories import ShiftFactory

pytestmark = pytest.mark.django_db

SHANGHAI = timezone.get_default_timezone()


def moment(day: int, hhmm: str) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date(2027, 3, day), datetime.time.fromisoformat(hhmm), tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("starts", "ends", "typed", "placed"),
    [
        (moment(6, "09:00"), moment(6, "12:00"), "08:40", moment(6, "08:40")),
        (moment(6, "09:00"), moment(6, "12:00"), "12:30", moment(6, "12:30")),
        (moment(6, "22:00"), moment(7, "02:00"), "23:30", moment(6, "23:30")),
        (moment(6, "22:00"), moment(7, "02:00"), "01:15", moment(7, "01:15")),
        # Check-in opens at 23:40 the evening before a shift from 00:10.
        (moment(7, "00:10"), moment(7, "04:00"), "23:50", moment(6, "23:50")),
        (moment(7, "00:10"), moment(7, "04:00"), "03:00", moment(7, "03:00")),
    ],
)
def test_a_typed_time_is_the_first_at_or_after_check_in_opens(starts, ends, typed, placed):
    shift = ShiftFactory(starts_at=starts, ends_at=ends)
    assert on_shift_day(shift, datetime.time.fromisoformat(typed)) == placed
