import datetime

import chinese_calendar
import pytest

from shifts.workdays import is_working_day, working_days_after


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "today", "expected"),
    [
        ("2026-03-06", "2026-03-06", 0),  # a Friday, the same day
        ("2026-03-06", "2026-03-05", 0),  # today before the day
        ("2026-03-06", "2026-03-09", 1),  # Friday → Monday
        ("2026-03-06", "2026-03-20", 10),  # two ordinary weeks later
        ("2026-03-07", "2026-03-08", 0),  # Saturday → Sunday
        ("2026-09-30", "2026-10-07", 0),  # National Day: 1–7 October are off
        ("2026-09-30", "2026-10-10", 3),  # 8, 9 and Saturday the 10th, worked in lieu (调休)
        ("2026-09-18", "2026-09-21", 2),  # Sunday the 20th is worked in lieu
        ("2026-02-13", "2026-02-27", 5),  # Spring Festival: Saturday the 14th, then 24–27 February
        ("2027-03-05", "2027-03-08", 1),  # a year the calendar does not know yet: Monday to Friday
    ],
)
def test_working_days_after_follow_the_official_calendar(day, today, expected):
    assert working_days_after(_day(day), _day(today)) == expected


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-10-01", False),  # National Day, a Thursday
        ("2026-09-20", True),  # a Sunday worked in lieu
        ("2026-11-30", True),  # an ordinary Monday
        ("2026-11-29", False),  # an ordinary Sunday
        ("2031-01-01", True),  # unknown year: a Wednesday counts
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(_day(day)) is working


def test_a_year_the_calendar_does_not_know_is_logged_once(caplog):
    with caplog.at_level("WARNING", logger="shifts.workdays"):
        is_working_day(_day("2033-05-02"))
        is_working_day(_day("2033-05-03"))
    assert [record.getMessage() for record in caplog.records if "2033" in record.getMessage()] == [
        f"chinesecalendar {chinese_calendar.__version__} has no holidays for 2033: "
        "counting Monday to Friday. Update the pinned package."
    ]
