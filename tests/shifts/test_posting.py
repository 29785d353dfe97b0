"""Posting a finished sheet to the ledger: the whole sheet as one batch, each person
judged by the ledger's rules (shifts/attendance.py post_attendance, confirm_sheet)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification
from hours import ledger
from hours.models import ServiceRecord
from shifts.marks import mark_present
from shifts.models import Attendance, Signup
from shifts.posting import confirm_sheet, post_attendance, service_of
from tests.factories import ShiftFactory, volunteer_in

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def shift():
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=4)
    return ShiftFactory(starts_at=start, ends_at=start + 150 * MINUTE, capacity=50)


@pytest.fixture
def leader(shift):
    return volunteer_in(shift.team, role="leader").user


def present(shift, leader, minutes=150):
    volunteer = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    mark_present(
        shift=shift,
        volunteer=volunteer,
        checked_in=shift.starts_at,
        checked_out=shift.starts_at + minutes * MINUTE,
        by=leader,
    )
    return volunteer


def elsewhere(volunteer, shift, minutes, key):
    """A credited record of the volunteer's at another shift of the same team."""
    other = ShiftFactory(team=shift.team, starts_at=shift.starts_at, ends_at=shift.starts_at + minutes * MINUTE)
    return ledger.post_record(
        volunteer=volunteer,
        service=service_of(other, ""),
        minutes=minutes,
        kind=ServiceRecord.Kind.ATTENDANCE,
        source_key=key,
        recorded_by=None,
    )


def test_each_person_is_judged_alone_in_the_batch(shift, leader):
    on_time, overlapping, short = present(shift, leader), present(shift, leader), present(shift, leader, minutes=60)
    # The overlapping person's time was credited at another shift meanwhile (rule 5).
    elsewhere(overlapping, shift, 60, "other:1")
    before = timezone.now()

    result = confirm_sheet(shift=shift, by=leader)

    assert [(record.volunteer, record.minutes) for record in result.posted] == [(on_time, 150), (short, 60)]
    rows = {row.volunteer: row for row in Attendance.objects.select_related("posted_record")}
    for person, record in zip((on_time, short), result.posted, strict=True):
        assert rows[person].review_state == Attendance.Review.POSTED
        assert rows[person].posted_record == record
        assert record.responsible_person == leader.volunteer.real_name and record.recorded_by == leader
        assert rows[person].updated_at >= before
    assert rows[overlapping].review_state == Attendance.Review.NEEDS_REVIEW
    assert rows[overlapping].posted_record is None
    assert [(item.volunteer, item.reason) for item in result.waiting] == [(overlapping, "Overlaps another record")]
    # Confirming again posts nothing twice.
    assert confirm_sheet(shift=shift, by=leader).posted == []
    assert ServiceRecord.objects.filter(source_key__startswith="attendance:").count() == 2


def test_the_cron_run_posts_only_what_needs_no_review(shift, leader):
    on_time, short = present(shift, leader), present(shift, leader, minutes=60)

    posted = post_attendance(shift=shift, by=None)

    assert [record.volunteer for record in posted] == [on_time]
    states = dict(Attendance.objects.values_list("volunteer", "review_state"))
    assert states == {on_time.pk: Attendance.Review.POSTED, short.pk: Attendance.Review.NEEDS_REVIEW}


def test_a_star_crossed_by_the_sheet_is_told_once(shift, leader):
    volunteer = present(shift, leader)
    # 99 hours already, in records a month ago.
    for day in range(33):
        starts_at = shift.starts_at - datetime.timedelta(days=30 + day)
        old = ShiftFactory(team=shift.team, starts_at=starts_at, ends_at=starts_at + 180 * MINUTE)
        ledger.post_record(
            volunteer=volunteer,
            service=service_of(old, ""),
            minutes=180,
            kind=ServiceRecord.Kind.ATTENDANCE,
            source_key=f"old:{day}",
            recorded_by=None,
        )
    bystander = present(shift, leader)

    confirm_sheet(shift=shift, by=leader)

    assert Notification.objects.filter(user=volunteer.user, message__contains="★").count() == 1
    assert not Notification.objects.filter(user=bystander.user).exists()


def _confirming_queries(shift, leader, people):
    for _ in range(people):
        present(shift, leader)
    with CaptureQueriesContext(connection) as queries:
        result = confirm_sheet(shift=shift, by=leader)
    assert len(result.posted) == people
    return len(queries)


def test_confirming_a_sheet_costs_the_same_whatever_its_size(leader):
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=4)
    small = ShiftFactory(starts_at=start, ends_at=start + 150 * MINUTE, capacity=50)
    large = ShiftFactory(team=small.team, starts_at=start, ends_at=start + 150 * MINUTE, capacity=50)

    few = _confirming_queries(small, leader, 3)
    many = _confirming_queries(large, leader, 12)

    assert many == few
