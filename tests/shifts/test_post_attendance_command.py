"""`manage.py post_attendance`: the cron run (shifts/management/commands/post_attendance.py)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from shifts.attendance import mark_present, post_finished_shifts
from shifts.models import Attendance, Signup
from tests.factories import ShiftFactory, volunteer_in
from volunteers.models import ServiceRecord

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

    assert output.startswith("1 shifts checked: 1 records posted, 1 people not signed out, 2 waiting")
    assert ServiceRecord.objects.get().volunteer == on_time
    assert Attendance.objects.get(volunteer=never_out).status == Attendance.Status.NOT_SIGNED_OUT
    assert run().startswith("0 shifts checked: 0 records posted")
    assert ServiceRecord.objects.count() == 1


def test_shifts_whose_check_out_window_is_open_wait():
    shift = finished(hours_ago=2.5)  # ended half an hour ago; check-out closes an hour after the end
    attend(shift)
    assert run().startswith("0 shifts checked")
    assert not ServiceRecord.objects.exists()
    later = timezone.now() + datetime.timedelta(hours=1)
    assert post_finished_shifts(now=later).records == 1


def test_shifts_older_than_ten_working_days_are_left_for_backfill():
    old = finished(hours_ago=24 * 28)  # more than 10 working days whatever the holidays
    attend(old)
    cancelled = finished()
    attend(cancelled)
    cancelled.is_cancelled = True
    cancelled.save()

    output = run()

    assert "1 shifts ended more than 10 working days ago" in output and "backfill" in output
    assert not ServiceRecord.objects.exists()
