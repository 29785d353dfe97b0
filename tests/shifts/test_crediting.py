"""DESIGN rules 1–5, table by table."""

import datetime

import pytest

from shifts.crediting import Review, Schedule, credit, pair_up

DAY = datetime.date(2027, 3, 6)
TZ = datetime.timezone(datetime.timedelta(hours=8))


def t(hhmm: str, day_offset: int = 0) -> datetime.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.datetime.combine(DAY + datetime.timedelta(days=day_offset), datetime.time(hours, minutes), TZ)


MORNING = Schedule(t("09:00"), t("11:30"))  # 150 minutes, unit 30


def events(*spec: str):
    """ "in 08:50", "out 11:35" ... → (kind, at) pairs."""
    return [(kind, t(at)) for kind, at in (item.split() for item in spec)]


@pytest.mark.parametrize(
    ("scans", "minutes", "review", "late", "left_early"),
    [
        # on time: the overlap with 09:00–11:30, never more than the scheduled length
        (("in 08:45", "out 11:40"), 150, [], False, False),
        (("in 09:00", "out 11:30"), 150, [], False, False),
        # late by 25 min: 125 served, rounded down to 120
        (("in 09:25", "out 11:30"), 120, [], True, False),
        # left early: 09:00–10:40 = 100 → 90, which is 60% of 150 exactly: no review
        (("in 09:00", "out 10:40"), 90, [], False, True),
        # below 60%: 09:00–10:20 = 80 → 60 < 90 → review
        (("in 09:00", "out 10:20"), 60, [Review.SHORT], False, True),
        # two pairs (a break in the middle): 60 + 60 = 120
        (("in 09:00", "out 10:00", "in 10:30", "out 11:30"), 120, [], False, False),
        # a repeated check-in keeps the first time
        (("in 09:00", "in 09:40", "out 11:30"), 150, [], False, False),
        # no check-out: credited 0 and waits for the leader, never credited in full
        (("in 09:00",), 0, [Review.NOT_SIGNED_OUT], False, False),
        # a check-out with nothing to close credits nothing
        (("out 11:30",), 0, [], False, False),
        # just under a unit: 29 minutes round down to 0
        (("in 11:01", "out 11:30"), 0, [Review.SHORT], True, False),
    ],
)
def test_credited_minutes(scans, minutes, review, late, left_early):
    result = credit(events(*scans), MORNING)
    assert result.minutes == minutes
    assert result.review == review
    assert (result.late, result.left_early) == (late, left_early)


@pytest.mark.parametrize(("unit", "minutes"), [(15, 135), (30, 120), (60, 120)])
def test_rounding_follows_the_teams_unit(unit, minutes):
    schedule = Schedule(t("09:00"), t("11:30"), unit_minutes=unit)
    assert credit(events("in 09:00", "out 11:19"), schedule).minutes == minutes


def test_a_shift_past_midnight_counts_across_the_date_line():
    night = Schedule(t("22:00"), t("02:00", day_offset=1))
    scans = [("in", t("21:50")), ("out", t("02:10", day_offset=1))]
    assert credit(scans, night).minutes == 240


def test_an_eight_hour_day_goes_to_review():
    assert credit(events("in 09:00", "out 11:30"), MORNING, day_minutes_elsewhere=330).review == []
    assert credit(events("in 09:00", "out 11:30"), MORNING, day_minutes_elsewhere=331).review == [Review.LONG_DAY]


def test_overlap_with_another_credited_record_goes_to_review():
    other = [(t("11:00"), t("12:00"))]
    assert credit(events("in 09:00", "out 11:30"), MORNING, other_credited=other).review == [Review.OVERLAP]
    touching = [(t("11:30"), t("12:00"))]
    assert credit(events("in 09:00", "out 11:40"), MORNING, other_credited=touching).review == []


@pytest.mark.parametrize(
    ("at", "checkin", "checkout"),
    [
        ("08:29", False, False),
        ("08:30", True, True),
        ("11:30", True, True),
        ("11:31", False, True),
        ("12:30", False, True),
        ("12:31", False, False),
    ],
)
def test_check_in_and_out_windows(at, checkin, checkout):
    assert MORNING.accepts_checkin(t(at)) is checkin
    assert MORNING.accepts_checkout(t(at)) is checkout


def test_pairs_are_made_in_time_order_whatever_order_the_scans_arrive_in():
    shuffled = events("out 11:30", "in 10:30", "out 10:00", "in 09:00")
    assert [(p.checked_in, p.checked_out) for p in pair_up(shuffled)] == [
        (t("09:00"), t("10:00")),
        (t("10:30"), t("11:30")),
    ]
