"""DESIGN rules 1–6, table by table."""

import datetime

import pytest

from shifts.crediting import Attending, Busy, Read, Review, Schedule, credit, credit_volunteer, pair_up

DAY = datetime.date(2027, 3, 6)
TZ = datetime.timezone(datetime.timedelta(hours=8))


def t(hhmm: str, day_offset: int = 0) -> datetime.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.datetime.combine(DAY + datetime.timedelta(days=day_offset), datetime.time(hours, minutes), TZ)


MORNING = Schedule(t("09:00"), t("11:30"))  # 150 minutes, unit 30


def events(*spec: str) -> list[Read]:
    """ "in 08:50", "out 11:35" ... → reads with the kinds given."""
    return [Read(kind, t(at), str(number)) for number, (kind, at) in enumerate(item.split() for item in spec)]


def reads(*pairs) -> list[Read]:
    return [Read(kind, at, str(number)) for number, (kind, at) in enumerate(pairs)]


def review_of_the_day(scans: list[Read], schedule: Schedule, minutes_elsewhere: int) -> list[Review]:
    """The review flags with `minutes_elsewhere` already credited that day (rule 4)."""
    attending = Attending(ident=1, schedule=schedule, reads=tuple(scans))
    return credit_volunteer([attending], posted_minutes_by_day={DAY: minutes_elsewhere}, tz=TZ)[1].review


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
        # a check-out with nothing to close credits nothing, and asks for the sign-in
        (("out 11:30",), 0, [Review.NO_SIGN_IN], False, False),
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
    scans = reads(("in", t("21:50")), ("out", t("02:10", day_offset=1)))
    assert credit(scans, night).minutes == 240


def test_an_eight_hour_day_goes_to_review():
    assert review_of_the_day(events("in 09:00", "out 11:30"), MORNING, 330) == []
    assert review_of_the_day(events("in 09:00", "out 11:30"), MORNING, 331) == [Review.LONG_DAY]


def test_overlap_with_another_credited_record_goes_to_review():
    other = [Busy(t("11:00"), t("12:00"), "长者食堂助餐")]
    result = credit(events("in 09:00", "out 11:30"), MORNING, busy=other)
    assert result.review == [Review.OVERLAP] and result.overlaps == other
    assert result.minutes == 120  # the free part, 09:00–11:00
    touching = [Busy(t("11:30"), t("12:00"))]
    assert credit(events("in 09:00", "out 11:40"), MORNING, busy=touching).review == []


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
    assert [(p.checked_in, p.checked_out) for p in pair_up(shuffled, MORNING)[0]] == [
        (t("09:00"), t("10:00")),
        (t("10:30"), t("11:30")),
    ]


# Rule 6: rest and meals are not service time. 09:00–17:00 with lunch 12:00–13:00: 420 minutes net.
LUNCH = Schedule(t("09:00"), t("17:00"), break_starts_at=t("12:00"), break_ends_at=t("13:00"))
SHORT_BY_NET = [Review.SHORT]


@pytest.mark.parametrize(
    ("scans", "minutes", "review", "late", "left_early"),
    [
        # the whole day: the break is left out, whatever the scans say
        (("in 08:50", "out 17:05"), 420, [], False, False),
        (("in 09:00", "out 17:00"), 420, [], False, False),
        # arriving during the break: 12:30–17:00 is 270, less 30 of break = 240, under 60% of 420
        (("in 12:30", "out 17:00"), 240, SHORT_BY_NET, True, False),
        # arriving as the break ends: the afternoon only
        (("in 13:00", "out 17:00"), 240, SHORT_BY_NET, True, False),
        # leaving before the break: 170 → 150
        (("in 09:00", "out 11:50"), 150, SHORT_BY_NET, False, True),
        # leaving during the break and not coming back: 220 less 40 of break = 180
        (("in 09:00", "out 12:40"), 180, SHORT_BY_NET, False, True),
        # signing out for lunch and back in: the pairs span the break, 210 + 255 less 30 + 15
        (("in 09:00", "out 12:30", "in 12:45", "out 17:00"), 420, [], False, False),
        (("in 09:00", "out 12:05", "in 12:55", "out 17:00"), 420, [], False, False),
        # rounding after the break is taken out: 460 less 60 = 400 → 390 (not the cap's 420)
        (("in 09:10", "out 16:50"), 390, [], False, False),
        # the 60% share is of the net 420 (252), not of 480 (288): 330 less 60 = 270 passes
        (("in 09:00", "out 14:30"), 270, [], False, True),
        # 250 less 60 = 190 → 180: short
        (("in 09:00", "out 13:10"), 180, SHORT_BY_NET, False, True),
        # not signed out: still nothing, break or not
        (("in 09:00",), 0, [Review.NOT_SIGNED_OUT], False, False),
    ],
)
def test_the_break_is_not_service_time(scans, minutes, review, late, left_early):
    result = credit(events(*scans), LUNCH)
    assert result.minutes == minutes
    assert result.review == review
    assert (result.late, result.left_early) == (late, left_early)


def test_the_scheduled_length_and_so_the_cap_are_net_of_the_break():
    assert LUNCH.minutes == 420
    assert MORNING.minutes == 150
    # The long-day rule counts the credited (net) time: 420 + 60 is 8 hours exactly.
    assert review_of_the_day(events("in 09:00", "out 17:00"), LUNCH, 60) == []
    assert review_of_the_day(events("in 09:00", "out 17:00"), LUNCH, 61) == [Review.LONG_DAY]


@pytest.mark.parametrize(("unit", "minutes"), [(15, 270), (30, 270), (60, 240)])
def test_rounding_to_the_teams_unit_comes_after_the_break(unit, minutes):
    schedule = Schedule(t("09:00"), t("17:00"), unit, break_starts_at=t("12:00"), break_ends_at=t("13:00"))
    # 09:00–14:40 is 340, less the 60 of break = 280.
    assert credit(events("in 09:00", "out 14:40"), schedule).minutes == minutes


def test_a_break_after_midnight_in_a_night_shift():
    night = Schedule(t("22:00"), t("06:00", day_offset=1), break_starts_at=t("02:00", 1), break_ends_at=t("02:30", 1))
    assert night.minutes == 450
    assert credit(reads(("in", t("21:55")), ("out", t("06:00", day_offset=1))), night).minutes == 450
    # 255 less 15 of break
    assert credit(reads(("in", t("21:55")), ("out", t("02:15", day_offset=1))), night).minutes == 240


# Rule 6: meetings and duty are not volunteer service.
MEETING = Schedule(t("09:00"), t("11:30"), is_service=False)


@pytest.mark.parametrize(
    ("scans", "not_signed_out", "late", "left_early"),
    [
        (("in 08:45", "out 11:40"), False, False, False),
        (("in 09:25", "out 11:30"), False, True, False),
        (("in 09:00", "out 09:30"), False, False, True),  # would be short (rule 4) at a service shift
        (("in 09:00",), True, False, False),  # not signed out: attendance, but nothing to wait for
    ],
)
def test_a_meeting_keeps_attendance_but_credits_nothing_and_needs_no_review(scans, not_signed_out, late, left_early):
    other = [Busy(t("09:00"), t("12:00"))]
    result = credit(events(*scans), MEETING, busy=other)
    assert (result.minutes, result.review) == (0, [])
    assert (result.not_signed_out, result.late, result.left_early) == (not_signed_out, late, left_early)
    assert len(result.pairs) == 1
