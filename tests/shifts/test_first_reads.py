"""A person's first read at a shift writes their attendance row and its first event together
(shifts.first_reads): on PostgreSQL in one statement, with no lock, and with no transaction of
its own outside one."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shifts.first_reads import save_with_first_event
from shifts.models import Attendance, ScanEvent, Signup
from shifts.scanning import Outcome, record_scan
from tests.factories import ShiftFactory, VolunteerFactory, volunteer_in
from volunteers.cards import card_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def shift():
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=20)
    return ShiftFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=50)


def on_roster(shift):
    volunteer = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    return volunteer


def scan(shift, volunteer, event_id, minutes_ago=1):
    at = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=minutes_ago)
    return record_scan(shift=shift, token=card_token(volunteer), client_event_id=event_id, at=at, by=None)


def test_a_first_check_in_writes_the_attendance_and_its_event(shift):
    anna = on_roster(shift)

    result = scan(shift, anna, "first")

    assert result.outcome == Outcome.CHECKED_IN
    attendance = Attendance.objects.get(shift=shift, volunteer=anna)
    assert (attendance.credited_minutes, attendance.is_walk_in) == (0, False)
    event = ScanEvent.objects.get(client_event_id="first")
    assert event.attendance == attendance
    assert event.received_at is not None and event.outcome == Outcome.CHECKED_IN


def test_a_second_copy_of_the_attendance_row_writes_no_event(shift):
    anna = on_roster(shift)
    scan(shift, anna, "first")

    with pytest.raises(IntegrityError), transaction.atomic():
        save_with_first_event(
            Attendance(shift=shift, volunteer=anna), ScanEvent(client_event_id="second", kind="in", at=timezone.now())
        )

    assert not ScanEvent.objects.filter(client_event_id="second").exists()


def test_an_event_id_used_before_writes_no_attendance(shift):
    anna, ben = on_roster(shift), on_roster(shift)
    scan(shift, anna, "first")

    with pytest.raises(IntegrityError), transaction.atomic():
        save_with_first_event(
            Attendance(shift=shift, volunteer=ben), ScanEvent(client_event_id="first", kind="in", at=timezone.now())
        )

    assert not Attendance.objects.filter(volunteer=ben).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement on PostgreSQL only")
def test_on_postgresql_a_first_check_in_is_one_write_with_no_lock(shift):
    anna = on_roster(shift)

    with CaptureQueriesContext(connection) as queries:
        scan(shift, anna, "first")

    statements = [query["sql"].upper() for query in queries]
    assert [sql for sql in statements if "INSERT" in sql] == [next(sql for sql in statements if "INSERT" in sql)]
    assert not any("FOR UPDATE" in sql for sql in statements)


def test_a_later_read_is_recorded_on_the_same_row(shift):
    anna = on_roster(shift)
    scan(shift, anna, "in", minutes_ago=15)

    result = scan(shift, anna, "out", minutes_ago=1)

    assert result.outcome == Outcome.CHECKED_OUT
    assert ScanEvent.objects.filter(attendance__volunteer=anna).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_phones_reading_the_same_card_at_once_make_one_attendance():
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=20)
    shift = ShiftFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    anna = on_roster(shift)
    phones = 6
    together = threading.Barrier(phones)

    def read(number):
        try:
            together.wait()
            return scan(shift, anna, f"phone-{number}", minutes_ago=10 - number).outcome
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=phones) as pool:
        outcomes = list(pool.map(read, range(phones)))

    assert Attendance.objects.filter(shift=shift, volunteer=anna).count() == 1
    assert ScanEvent.objects.filter(attendance__volunteer=anna).count() == phones
    assert all(outcome != Outcome.NOT_ON_ROSTER for outcome in outcomes)


def test_a_stranger_is_still_refused(shift):
    stranger = VolunteerFactory()

    assert scan(shift, stranger, "x").outcome == Outcome.NOT_ON_ROSTER
    assert not Attendance.objects.filter(volunteer=stranger).exists()
