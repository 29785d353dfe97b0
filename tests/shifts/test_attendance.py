import datetime
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from hours import ledger
from hours.models import ServiceRecord
from shifts.attendance import close_unfinished
from shifts.models import Attendance, ScanEvent, Signup
from shifts.posting import post_attendance
from shifts.scanning import Outcome, record_scan
from tests.factories import ShiftFactory, VolunteerFactory, volunteer_in
from volunteers.cards import card_token
from volunteers.services import reissue_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def shift():
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
    return ShiftFactory(starts_at=start, ends_at=start + datetime.timedelta(minutes=150), capacity=10)


def on_roster(shift):
    volunteer = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    return volunteer


def scan(shift, volunteer, at, event_id=None, **options):
    return record_scan(
        shift=shift,
        token=card_token(volunteer),
        client_event_id=event_id or f"e-{random.random()}",
        at=at,
        by=None,
        **options,
    )


def test_first_scan_checks_in_the_next_checks_out_and_time_is_credited(shift):
    volunteer = on_roster(shift)
    assert scan(shift, volunteer, shift.starts_at - datetime.timedelta(minutes=5)).outcome == Outcome.CHECKED_IN
    result = scan(shift, volunteer, shift.ends_at + datetime.timedelta(minutes=3))
    assert result.outcome == Outcome.CHECKED_OUT and volunteer.real_name in result.message
    attendance = Attendance.objects.get()
    assert (attendance.status, attendance.credited_minutes) == (Attendance.Status.PRESENT, 150)


def test_a_second_read_within_the_teams_repeat_window_is_a_repeat_not_a_check_out(shift):
    volunteer = on_roster(shift)
    scan(shift, volunteer, shift.starts_at)
    assert scan(shift, volunteer, shift.starts_at + datetime.timedelta(minutes=2)).outcome == Outcome.REPEAT
    # Kept all the same: an earlier read from an offline phone may yet arrive.
    assert ScanEvent.objects.count() == 2
    assert Attendance.objects.get().status == Attendance.Status.CHECKED_IN


def test_a_replayed_event_id_repeats_the_first_answer_and_writes_nothing(shift):
    volunteer = on_roster(shift)
    first = scan(shift, volunteer, shift.starts_at, event_id="phone-1-0001")
    again = scan(shift, volunteer, shift.starts_at + datetime.timedelta(minutes=30), event_id="phone-1-0001")
    assert again.outcome == first.outcome == Outcome.CHECKED_IN
    assert again.at == first.at
    assert ScanEvent.objects.count() == 1


def test_a_batch_sent_twice_and_shuffled_gives_the_same_result(shift):
    people = [on_roster(shift) for _ in range(3)]
    batch = []
    for number, person in enumerate(people):
        batch.append((person, shift.starts_at + datetime.timedelta(minutes=number), f"b-{number}-in"))
        batch.append((person, shift.ends_at, f"b-{number}-out"))
    for person, at, event_id in batch:
        scan(shift, person, at, event_id, kind="in" if event_id.endswith("in") else "out")
    before = sorted(Attendance.objects.values_list("volunteer_id", "credited_minutes", "status"))
    shuffled = batch[:]
    random.Random(5).shuffle(shuffled)
    for person, at, event_id in shuffled:
        scan(shift, person, at, event_id, kind="in" if event_id.endswith("in") else "out")
    assert sorted(Attendance.objects.values_list("volunteer_id", "credited_minutes", "status")) == before
    assert ScanEvent.objects.count() == 6


def all_at_once(count: int, send) -> list:
    """send(0), …, send(count - 1) on as many threads, let go together; their answers in order."""
    barrier = threading.Barrier(count)

    def together(number):
        try:
            barrier.wait()
            return send(number)
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(together, range(count)))


@pytest.mark.django_db(transaction=True)
def test_the_same_event_sent_concurrently_is_recorded_once(shift):
    volunteer = on_roster(shift)

    outcomes = all_at_once(8, lambda _: scan(shift, volunteer, shift.starts_at, event_id="same-event").outcome)

    assert set(outcomes) == {Outcome.CHECKED_IN}
    assert ScanEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_phones_scanning_one_person_at_once_check_them_in_once(shift):
    volunteer = on_roster(shift)

    outcomes = all_at_once(6, lambda phone: scan(shift, volunteer, shift.starts_at, event_id=f"phone-{phone}").outcome)

    # One of them made the attendance row; the others found it. Each read is kept, and
    # among reads at one moment the first by id checks in, the rest are repeats.
    assert set(outcomes) <= {Outcome.CHECKED_IN, Outcome.REPEAT}
    assert Attendance.objects.count() == 1
    assert ScanEvent.objects.count() == 6
    attendance = Attendance.objects.get()
    assert (attendance.status, attendance.credited_minutes) == (Attendance.Status.CHECKED_IN, 0)


@pytest.mark.parametrize("change", ["card replaced", "shift cancelled", "time in the future", "time outside"])
def test_a_resent_event_gets_its_first_answer_whatever_changed_since(shift, change):
    volunteer = on_roster(shift)
    token = card_token(volunteer)
    first = record_scan(shift=shift, token=token, client_event_id="sent-twice", at=shift.starts_at, by=None)
    at = shift.starts_at
    if change == "card replaced":
        reissue_card(volunteer=volunteer)
    elif change == "shift cancelled":
        shift.is_cancelled = True
        shift.save(update_fields=["is_cancelled"])
    elif change == "time in the future":
        at = timezone.now() + datetime.timedelta(hours=1)
    else:
        at = shift.starts_at - datetime.timedelta(hours=2)

    again = record_scan(shift=shift, token=token, client_event_id="sent-twice", at=at, by=None)

    assert first.outcome == Outcome.CHECKED_IN
    assert (again.outcome, again.at, again.volunteer) == (first.outcome, first.at, volunteer)
    assert ScanEvent.objects.count() == 1


@pytest.mark.parametrize("status", [s for s in Signup.Status if s != Signup.Status.CONFIRMED])
def test_only_a_confirmed_signup_puts_a_card_on_the_roster(shift, status):
    volunteer = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=status)

    assert scan(shift, volunteer, shift.starts_at).outcome == Outcome.NOT_ON_ROSTER
    assert not Attendance.objects.exists()


def test_a_cancelled_shift_takes_no_scans(shift):
    volunteer = on_roster(shift)
    shift.is_cancelled = True
    shift.save(update_fields=["is_cancelled"])

    result = scan(shift, volunteer, shift.starts_at)

    assert result.outcome == Outcome.CANCELLED_SHIFT and not result.outcome.ok
    assert not Attendance.objects.exists()
    assert not ScanEvent.objects.exists()


@pytest.mark.parametrize(
    ("token", "outcome"),
    [("not a card", Outcome.BAD_CARD), ("V1-1-AAAAAAAA", Outcome.BAD_CARD)],
)
def test_bad_cards_are_refused(shift, token, outcome):
    result = record_scan(shift=shift, token=token, client_event_id="x", at=shift.starts_at, by=None)
    assert result.outcome == outcome and result.message
    assert not ScanEvent.objects.exists()


def test_an_old_card_and_strangers_and_far_future_scans_are_refused(shift):
    volunteer = on_roster(shift)
    old = card_token(volunteer)
    reissue_card(volunteer=volunteer)
    result = record_scan(shift=shift, token=old, client_event_id="old", at=shift.starts_at, by=None)
    assert result.outcome == Outcome.REVOKED_CARD
    assert scan(shift, VolunteerFactory(), shift.starts_at).outcome == Outcome.NOT_ON_ROSTER
    future = timezone.now() + datetime.timedelta(hours=1)
    assert scan(shift, volunteer, future).outcome == Outcome.FUTURE
    assert scan(shift, volunteer, shift.starts_at - datetime.timedelta(hours=2)).outcome == Outcome.OUTSIDE_WINDOW
    assert not ScanEvent.objects.exists()


@pytest.mark.parametrize(
    ("kind", "edge", "minutes", "outcome"),
    [
        ("in", "start", -31, Outcome.OUTSIDE_WINDOW),
        ("in", "start", -30, Outcome.CHECKED_IN),
        ("in", "end", 0, Outcome.CHECKED_IN),
        ("in", "end", 1, Outcome.OUTSIDE_WINDOW),
        ("out", "end", 60, Outcome.CHECKED_OUT),
        ("out", "end", 61, Outcome.OUTSIDE_WINDOW),
    ],
)
def test_scans_are_taken_only_within_the_teams_windows(kind, edge, minutes, outcome):
    """Rule 2 through the scanner: check-in from 30 minutes before the start until the end,
    check-out until 60 minutes after the end (the team's defaults)."""
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=6)
    shift = ShiftFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    volunteer = on_roster(shift)
    if kind == "out":
        scan(shift, volunteer, shift.starts_at, kind="in")
    at = (shift.starts_at if edge == "start" else shift.ends_at) + datetime.timedelta(minutes=minutes)

    result = scan(shift, volunteer, at, kind=kind)

    assert result.outcome == outcome
    assert ScanEvent.objects.filter(at=at).exists() == (outcome != Outcome.OUTSIDE_WINDOW)


def test_a_walk_in_member_is_added_at_the_venue(shift):
    member = volunteer_in(shift.team)
    assert scan(shift, member, shift.starts_at).outcome == Outcome.NOT_ON_ROSTER
    assert scan(shift, member, shift.starts_at, walk_in=True).outcome == Outcome.CHECKED_IN
    assert Attendance.objects.get().is_walk_in


def test_posting_writes_one_record_per_person_once(shift):
    on_time, short, never_out = on_roster(shift), on_roster(shift), on_roster(shift)
    no_show = on_roster(shift)
    scan(shift, on_time, shift.starts_at, kind="in")
    scan(shift, on_time, shift.ends_at, kind="out")
    scan(shift, short, shift.starts_at, kind="in")
    scan(shift, short, shift.starts_at + datetime.timedelta(minutes=40), kind="out")
    scan(shift, never_out, shift.starts_at, kind="in")
    after_window = shift.ends_at + datetime.timedelta(minutes=61)

    posted = post_attendance(shift=shift, by=None, now=after_window)
    assert [record.volunteer for record in posted] == [on_time]
    assert posted[0].minutes == 150 and posted[0].activity == shift.title
    assert post_attendance(shift=shift, by=None, now=after_window) == []
    assert ServiceRecord.objects.count() == 1

    statuses = dict(Attendance.objects.values_list("volunteer_id", "status"))
    assert statuses[never_out.pk] == Attendance.Status.NOT_SIGNED_OUT
    assert statuses[no_show.pk] == Attendance.Status.ABSENT

    confirmed = post_attendance(shift=shift, by=None, include_reviewed=True, now=after_window)
    assert [record.volunteer for record in confirmed] == [short]
    assert confirmed[0].minutes == 30
    assert ledger.totals(on_time)["all_time"] == 150


def test_nothing_is_closed_before_the_check_out_window_ends(shift):
    volunteer = on_roster(shift)
    scan(shift, volunteer, shift.starts_at, kind="in")
    assert close_unfinished(shift, now=shift.ends_at + datetime.timedelta(minutes=59)) == 0
    assert Attendance.objects.get().status == Attendance.Status.CHECKED_IN


def test_an_event_id_used_at_another_shift_reveals_nothing_of_it(shift):
    volunteer = on_roster(shift)
    scan(shift, volunteer, shift.starts_at, event_id="shared-id")
    other = ShiftFactory(starts_at=shift.starts_at, ends_at=shift.ends_at)
    stranger = on_roster(other)
    result = scan(other, stranger, other.starts_at, event_id="shared-id")
    assert result.outcome == Outcome.BAD_CARD and result.volunteer is None
    assert ScanEvent.objects.count() == 1
