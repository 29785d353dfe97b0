"""`manage.py post_attendance`: the cron run (shifts/management/commands/post_attendance.py)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from hours.models import ServiceRecord
from shifts.marks import mark_present
from shifts.models import Attendance, Shift, Signup
from shifts.posting import post_finished_shifts
from shifts.scanning import record_event
from tests.factories import ShiftFactory, volunteer_in

pytestmark = pytest.mark.django_db


def finished(hours_ago=3.0, **options):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=hours_ago)
    return ShiftFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=10, **options)


def attend(shift, checked_out="end"):
    volunteer = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    out = {"end": shift.ends_at, "short": shift.starts_at + datetime.timedelta(minutes=30), None: None}[checked_out]
    now = shift.starts_at if out is None else None  # marked while the shift ran
    mark_present(shift=shift, volunteer=volunteer, checked_in=shift.starts_at, checked_out=out, by=None, now=now)
    return volunteer


def run() -> str:
    out = io.StringIO()
    call_command("post_attendance", stdout=out)
    return out.getvalue()


def test_posts_what_needs_no_review_closes_the_rest_and_is_idempotent():
    shift = finished()
    on_time = attend(shift)
    attend(shift, checked_out="short")
    never_out = attend(shift, checked_out=None)

    output = run()

    assert output.startswith("已检查班次：1 个。记入台账：1 条。未签退：1 人。待队长审核：2 人。")
    assert ServiceRecord.objects.get().volunteer == on_time
    assert Attendance.objects.get(volunteer=never_out).status == Attendance.Status.NOT_SIGNED_OUT
    assert run().startswith("已检查班次：0 个。记入台账：0 条。")
    assert ServiceRecord.objects.count() == 1


def test_shifts_whose_check_out_window_is_open_wait():
    shift = finished(hours_ago=2.5)  # ended half an hour ago; check-out closes an hour after the end
    attend(shift)
    assert run().startswith("已检查班次：0 个。")
    assert not ServiceRecord.objects.exists()
    later = timezone.now() + datetime.timedelta(hours=1)
    assert post_finished_shifts(now=later).records == 1


def test_shifts_older_than_ten_working_days_are_left_for_backfill():
    old = finished(hours_ago=24 * 28)  # more than 10 working days whatever the holidays
    volunteer = volunteer_in(old.team)
    Signup.objects.create(shift=old, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    for at in (old.starts_at, old.ends_at):  # scanned at the time, never sent on
        record_event(shift=old, volunteer=volunteer, client_event_id=f"old-{at:%H%M}", at=at, by=None)
    cancelled = finished()
    attend(cancelled)
    cancelled.is_cancelled = True
    cancelled.save()

    output = run()

    assert "结束已超过 10 个工作日、未处理的班次：1 个。其时长只能通过补录添加。" in output
    assert not ServiceRecord.objects.exists()


def _day_of_two_shifts(hours: tuple[int, int]):
    """One volunteer at a morning and an afternoon shift of the same team, two days ago."""
    day = timezone.localdate() - datetime.timedelta(days=2)
    morning_start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(7, 0)))
    afternoon_start = morning_start + datetime.timedelta(hours=hours[0], minutes=30)
    morning = ShiftFactory(starts_at=morning_start, ends_at=morning_start + datetime.timedelta(hours=hours[0]))
    afternoon = ShiftFactory(
        team=morning.team, starts_at=afternoon_start, ends_at=afternoon_start + datetime.timedelta(hours=hours[1])
    )
    volunteer = volunteer_in(morning.team)
    for shift in (morning, afternoon):
        Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    return morning, afternoon, volunteer


def _present(shift, volunteer):
    mark_present(shift=shift, volunteer=volunteer, checked_in=shift.starts_at, checked_out=shift.ends_at, by=None)
    return Attendance.objects.get(shift=shift, volunteer=volunteer)


@pytest.mark.parametrize("morning_posted_first", [False, True])
def test_a_day_above_eight_hours_waits_for_review_even_when_nothing_is_posted_yet(morning_posted_first):
    morning, afternoon, volunteer = _day_of_two_shifts(hours=(5, 5))
    _present(morning, volunteer)
    if morning_posted_first:
        post_finished_shifts()
    afternoon_attendance = _present(afternoon, volunteer)

    post_finished_shifts()

    assert afternoon_attendance.review_reasons == ["long_day"]
    assert Attendance.objects.get(pk=afternoon_attendance.pk).review_state == Attendance.Review.NEEDS_REVIEW
    if morning_posted_first:
        assert list(ServiceRecord.objects.values_list("team_id", "minutes")) == [(morning.team_id, 300)]
    else:
        # Neither is in the ledger yet: the day is worked out whole, so both wait for the
        # leader, whichever was marked first (rule 4).
        assert Attendance.objects.get(shift=morning).review_reasons == ["long_day"]
        assert not ServiceRecord.objects.exists()


def test_a_day_of_eight_hours_or_less_posts_by_itself():
    morning, afternoon, volunteer = _day_of_two_shifts(hours=(4, 4))
    _present(morning, volunteer)
    _present(afternoon, volunteer)

    post_finished_shifts()

    assert sorted(ServiceRecord.objects.values_list("minutes", flat=True)) == [240, 240]


@pytest.mark.parametrize("elsewhere", ["cancelled", "meeting"])
def test_time_that_will_never_post_does_not_count_towards_the_day(elsewhere):
    morning, afternoon, volunteer = _day_of_two_shifts(hours=(5, 5))
    _present(morning, volunteer)
    if elsewhere == "cancelled":
        Shift.objects.filter(pk=morning.pk).update(is_cancelled=True)
    else:
        Shift.objects.filter(pk=morning.pk).update(is_service=False)

    assert _present(afternoon, volunteer).review_reasons == []
