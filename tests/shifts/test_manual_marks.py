"""The leader's marks: present with times, mended times for someone scanned (whatever
the scans say), on leave and absent, walk-ins (shifts/marks.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hours.models import ServiceRecord
from shifts.marks import mark_absence, mark_present, mend, set_times
from shifts.models import Attendance, AttendanceMend, ScanEvent, Signup
from shifts.posting import confirm_sheet, post_attendance
from tests.factories import ShiftFactory, VolunteerFactory, volunteer_in

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def shift():
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=4)
    return ShiftFactory(starts_at=start, ends_at=start + datetime.timedelta(minutes=150), capacity=10)


@pytest.fixture
def leader(shift):
    return volunteer_in(shift.team, role="leader").user


def on_roster(shift):
    volunteer = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    return volunteer


@pytest.mark.parametrize(
    ("arrive", "leave", "status", "minutes", "review"),
    [
        (-5, 155, Attendance.Status.PRESENT, 150, []),
        (25, 150, Attendance.Status.LATE, 120, []),
        (0, 100, Attendance.Status.LEFT_EARLY, 90, []),
        (0, 60, Attendance.Status.LEFT_EARLY, 60, ["short"]),
    ],
)
def test_marking_present_credits_the_times_given(shift, leader, arrive, leave, status, minutes, review):
    volunteer = on_roster(shift)

    attendance = mark_present(
        shift=shift,
        volunteer=volunteer,
        checked_in=shift.starts_at + arrive * MINUTE,
        checked_out=shift.starts_at + leave * MINUTE,
        by=leader,
    )

    attendance.refresh_from_db()
    assert (attendance.status, attendance.credited_minutes, attendance.review_reasons) == (status, minutes, review)
    events = list(attendance.events.values_list("kind", "method", "by"))
    assert events == [("in", "manual", leader.pk), ("out", "manual", leader.pk)]
    assert all(
        event_id.startswith("manual-") for event_id in ScanEvent.objects.values_list("client_event_id", flat=True)
    )


@pytest.mark.parametrize(
    ("arrive", "leave", "message"),
    [
        (-45, 150, "Check-in must be between"),
        (0, 250, "Check-out must be between"),
        (60, 30, "Check-out must be after check-in"),
    ],
)
def test_times_outside_the_windows_are_refused_and_nothing_is_written(shift, leader, arrive, leave, message):
    volunteer = on_roster(shift)

    with pytest.raises(ValidationError, match=message):
        mark_present(
            shift=shift,
            volunteer=volunteer,
            checked_in=shift.starts_at + arrive * MINUTE,
            checked_out=shift.starts_at + leave * MINUTE,
            by=leader,
        )

    assert not Attendance.objects.exists() and not ScanEvent.objects.exists()


def test_a_finished_shift_needs_the_check_out_time_and_future_times_are_refused(leader):
    shift = ShiftFactory(starts_at=timezone.now() - datetime.timedelta(hours=1), capacity=3)
    volunteer = on_roster(shift)
    with pytest.raises(ValidationError, match="still to come"):
        mark_present(
            shift=shift,
            volunteer=volunteer,
            checked_in=shift.starts_at,
            checked_out=shift.ends_at,
            by=leader,
        )
    ended = ShiftFactory(starts_at=timezone.now() - datetime.timedelta(hours=5), capacity=3)
    with pytest.raises(ValidationError, match="give the check-out time"):
        mark_present(shift=ended, volunteer=on_roster(ended), checked_in=ended.starts_at, checked_out=None, by=leader)
    # A running shift: present from now on, checked out later.
    attendance = mark_present(shift=shift, volunteer=volunteer, checked_in=shift.starts_at, checked_out=None, by=leader)
    assert attendance.status == Attendance.Status.CHECKED_IN


def test_someone_not_on_the_roster_is_refused_unless_added_as_a_walk_in(shift, leader):
    member = volunteer_in(shift.team)
    times = {"checked_in": shift.starts_at, "checked_out": shift.ends_at, "by": leader}

    with pytest.raises(ValidationError, match="not on the roster"):
        mark_present(shift=shift, volunteer=member, **times)
    with pytest.raises(ValidationError, match="not an active member"):
        mark_present(shift=shift, volunteer=VolunteerFactory(), walk_in=True, **times)
    attendance = mark_present(shift=shift, volunteer=member, walk_in=True, **times)

    assert attendance.is_walk_in and attendance.credited_minutes == 150


def test_someone_on_the_roster_added_as_a_walk_in_is_not_a_walk_in(shift, leader):
    volunteer = on_roster(shift)
    attendance = mark_present(
        shift=shift, volunteer=volunteer, checked_in=shift.starts_at, checked_out=shift.ends_at, by=leader, walk_in=True
    )
    assert not attendance.is_walk_in


def test_not_signed_out_is_mended_by_giving_the_check_out_time_with_a_reason(shift, leader):
    volunteer = on_roster(shift)
    mark_present(
        shift=shift, volunteer=volunteer, checked_in=shift.starts_at, checked_out=None, by=leader, now=shift.starts_at
    )
    after_window = shift.ends_at + datetime.timedelta(minutes=61)
    post_attendance(shift=shift, by=None, now=after_window)
    attendance = Attendance.objects.get()
    assert attendance.status == Attendance.Status.NOT_SIGNED_OUT

    times = {"shift": shift, "volunteer": volunteer, "checked_in": shift.starts_at, "by": leader}
    with pytest.raises(ValidationError, match="after check-in"):
        mend(**times, checked_out=shift.starts_at - 5 * MINUTE, reason="忘记签退")
    with pytest.raises(ValidationError, match="Say why"):
        mend(**times, checked_out=shift.ends_at - 20 * MINUTE, reason="  ")
    mend(**times, checked_out=shift.ends_at - 20 * MINUTE, reason="忘记签退")

    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.LEFT_EARLY
    assert (attendance.credited_minutes, attendance.review_state) == (120, Attendance.Review.OPEN)
    assert ScanEvent.objects.count() == 1  # the scans stay as they were
    kept = AttendanceMend.objects.get()
    assert (kept.reason, kept.by, kept.checked_out) == ("忘记签退", leader, shift.ends_at - 20 * MINUTE)


def test_the_leader_mends_any_unposted_row_whatever_the_scans_say(shift, leader):
    """Scans that make no sense (a check-out first, two check-ins) are set right by a mend;
    a later mend is the latest word, and clearing both times makes the person absent."""
    volunteer = on_roster(shift)
    late = shift.starts_at + 100 * MINUTE
    mark_present(shift=shift, volunteer=volunteer, checked_in=late, checked_out=None, by=leader, now=late)
    set_times(
        shift=shift,
        volunteer=volunteer,
        checked_in=shift.starts_at,
        checked_out=shift.ends_at,
        reason="第一次扫码没扫上",
        by=leader,
    )
    assert Attendance.objects.get().credited_minutes == 150
    mend(shift=shift, volunteer=volunteer, checked_in=None, checked_out=None, reason="其实没来", by=leader)
    attendance = Attendance.objects.get()
    assert (attendance.status, attendance.credited_minutes) == (Attendance.Status.ABSENT, 0)
    assert AttendanceMend.objects.count() == 2


def test_someone_with_scans_is_not_marked_present_again(shift, leader):
    volunteer = on_roster(shift)
    times = {"checked_in": shift.starts_at, "checked_out": shift.ends_at, "by": leader}
    mark_present(shift=shift, volunteer=volunteer, **times)

    with pytest.raises(ValidationError, match="already has check-in records"):
        mark_present(shift=shift, volunteer=volunteer, **times)
    assert ScanEvent.objects.count() == 2


@pytest.mark.parametrize("status", [Attendance.Status.ON_LEAVE, Attendance.Status.ABSENT])
def test_on_leave_and_absent_credit_nothing(shift, leader, status):
    volunteer = on_roster(shift)

    attendance = mark_absence(shift=shift, volunteer=volunteer, status=status, by=leader)

    assert (attendance.status, attendance.credited_minutes) == (status, 0)
    after_window = shift.ends_at + datetime.timedelta(minutes=61)
    assert post_attendance(shift=shift, by=leader, include_reviewed=True, now=after_window) == []
    assert Attendance.objects.get().status == status


def test_absent_before_the_start_is_refused_but_on_leave_is_not(leader):
    shift = ShiftFactory()
    volunteer = on_roster(shift)
    with pytest.raises(ValidationError, match="before the shift starts"):
        mark_absence(shift=shift, volunteer=volunteer, status=Attendance.Status.ABSENT, by=leader)
    mark_absence(shift=shift, volunteer=volunteer, status=Attendance.Status.ON_LEAVE, by=leader)
    assert Attendance.objects.get().status == Attendance.Status.ON_LEAVE


def test_posted_attendance_cannot_be_re_marked_and_the_ledger_is_untouched(shift, leader):
    volunteer = on_roster(shift)
    mark_present(shift=shift, volunteer=volunteer, checked_in=shift.starts_at, checked_out=shift.ends_at, by=leader)
    result = confirm_sheet(shift=shift, by=leader)
    assert [record.minutes for record in result.posted] == [150]

    for mark in (
        lambda: mark_absence(shift=shift, volunteer=volunteer, status=Attendance.Status.ABSENT, by=leader),
        lambda: mark_present(
            shift=shift, volunteer=volunteer, checked_in=shift.starts_at, checked_out=shift.ends_at, by=leader
        ),
    ):
        with pytest.raises(ValidationError, match="already in the ledger"):
            mark()
    assert ServiceRecord.objects.get().minutes == 150
    assert Attendance.objects.get().status == Attendance.Status.PRESENT


def test_confirming_names_who_still_waits(shift, leader):
    on_time, never_out = on_roster(shift), on_roster(shift)
    mark_present(shift=shift, volunteer=on_time, checked_in=shift.starts_at, checked_out=shift.ends_at, by=leader)
    mark_present(
        shift=shift, volunteer=never_out, checked_in=shift.starts_at, checked_out=None, by=leader, now=shift.starts_at
    )

    result = confirm_sheet(shift=shift, by=leader)

    assert [record.volunteer for record in result.posted] == [on_time]
    assert result.posted[0].responsible_person == leader.volunteer.real_name
    assert [(item.volunteer, item.reason) for item in result.waiting] == [(never_out, "Not signed out")]


def test_a_sheet_is_not_confirmed_before_the_end_or_after_ten_working_days(leader):
    running = ShiftFactory(starts_at=timezone.now() - datetime.timedelta(minutes=30))
    with pytest.raises(ValidationError, match="not ended yet"):
        confirm_sheet(shift=running, by=leader)
    # 28 days hold more than 10 working days whatever the holidays (Spring Festival included).
    old = ShiftFactory(starts_at=timezone.now() - datetime.timedelta(days=28))
    with pytest.raises(ValidationError, match="backfill"):
        confirm_sheet(shift=old, by=leader)
