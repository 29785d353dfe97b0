"""Hours follow from the set of reads (DESIGN rule 1), never from the order or batches in
which they arrive: property-based, through the same service the scanner endpoint calls,
on whichever database the suite runs on.

One person at one or two shifts of a morning (09:00–12:00, and 11:00–14:00, which
overlaps it). Random reads, automatic or of a chosen kind, at random minutes around
them; sent once in time order, and once in a random order split between two phones
that send in batches. The attendance (status, minutes, flags, time served) and, once
both sheets are confirmed, the ledger's rows must be the same.
"""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hours.models import ServiceRecord
from shifts.models import Attendance, Signup
from shifts.posting import post_attendance
from shifts.scanning import record_event
from tests.factories import ShiftFactory, TeamFactory, UserFactory, volunteer_in

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
DAY = datetime.datetime(2026, 11, 2, tzinfo=SHANGHAI)
EARLIEST, LATEST = 8 * 60 + 20, 15 * 60 + 10  # minutes after midnight: every window and a little beyond
LONG_AFTER = DAY + datetime.timedelta(days=1)


def at(minute: int) -> datetime.datetime:
    return DAY + datetime.timedelta(minutes=minute)


@pytest.fixture
def morning():
    team = TeamFactory()
    volunteer = volunteer_in(team)
    shifts = [
        ShiftFactory(team=team, title="长者食堂助餐", starts_at=at(9 * 60), ends_at=at(12 * 60)),
        ShiftFactory(team=team, title="独居老人探访", starts_at=at(11 * 60), ends_at=at(14 * 60)),
    ]
    for shift in shifts:
        Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    return shifts, volunteer, UserFactory()


read = st.tuples(
    st.integers(min_value=0, max_value=1),  # which shift
    st.integers(min_value=EARLIEST, max_value=LATEST),  # when
    st.sampled_from([None, None, None, "in", "out"]),  # mostly the scanner's automatic mode
)


@st.composite
def deliveries(draw, shifts: int):
    reads = draw(st.lists(read.filter(lambda r: r[0] < shifts), min_size=1, max_size=7))
    order = draw(st.permutations(range(len(reads))))
    phone = draw(st.lists(st.booleans(), min_size=len(reads), max_size=len(reads)))
    batch = draw(st.integers(min_value=1, max_value=3))
    return reads, order, phone, batch


def send(shifts, volunteer, leader, reads, arrival: list[int]) -> None:
    for index in arrival:
        shift_index, minute, kind = reads[index]
        record_event(
            shift=shifts[shift_index],
            volunteer=volunteer,
            client_event_id=f"read-{index}",
            at=at(minute),
            by=leader,
            kind=kind,
            now=LONG_AFTER,
        )


def outcome(shifts, volunteer, leader):
    """The sheets, then the ledger once both sheets are confirmed."""
    sheets = sorted(
        Attendance.objects.filter(volunteer=volunteer).values_list(
            "shift__title", "status", "credited_minutes", "review_reasons", "served"
        )
    )
    for shift in shifts:
        post_attendance(shift=shift, by=leader, include_reviewed=True, now=LONG_AFTER)
    ledger = sorted(ServiceRecord.objects.filter(volunteer=volunteer).values_list("activity", "minutes", "served"))
    return sheets, ledger


def in_batches(order: list[int], phone: list[bool], batch: int) -> list[int]:
    """Two phones, each sending its own reads in batches of `batch`, one phone's batch after the other's."""
    queues = [[index for index in order if phone[index] == side] for side in (False, True)]
    arrival = []
    while any(queues):
        for queue in queues:
            arrival += queue[:batch]
            del queue[:batch]
    return arrival


def check(morning, delivery) -> None:
    shifts, volunteer, leader = morning
    reads, order, phone, batch = delivery
    in_time_order = sorted(range(len(reads)), key=lambda index: (reads[index][1], f"read-{index}"))
    results = []
    for arrival in (in_time_order, in_batches(list(order), phone, batch)):
        with transaction.atomic():
            send(shifts, volunteer, leader, reads, arrival)
            results.append(outcome(shifts, volunteer, leader))
            transaction.set_rollback(True)
    assert results[0] == results[1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(delivery=deliveries(shifts=1))
def test_one_shift_credits_the_same_whatever_the_order_and_batches(morning, delivery):
    check(morning, delivery)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(delivery=deliveries(shifts=2))
def test_two_overlapping_shifts_credit_the_same_whatever_the_order_and_batches(morning, delivery):
    check(morning, delivery)
