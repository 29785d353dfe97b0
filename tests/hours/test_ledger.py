import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification
from hours import ledger, months
from hours.models import ServiceRecord
from tests.factories import TeamFactory, UserFactory, VolunteerFactory, volunteer_in

pytestmark = pytest.mark.django_db

START = datetime.datetime(2027, 3, 6, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def service(team, starts_at=START, minutes=150):
    return ledger.Service(
        office=team.office,
        team=team,
        service_date=starts_at.date(),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        activity="独居老人探访",
        place="阳光社区",
    )


def posting(volunteer, team, key, starts_at=START, minutes=150):
    return ledger.Posting(
        volunteer=volunteer,
        service=service(team, starts_at),
        minutes=minutes,
        kind=ServiceRecord.Kind.ATTENDANCE,
        source_key=key,
        recorded_by=None,
    )


def post(volunteer, team, key="attendance:1", minutes=150, starts_at=START):
    """One posting on its own, through post_record: a refusal raises."""
    return ledger.post_record(**vars(posting(volunteer, team, key, starts_at, minutes)))


def test_posting_the_same_source_twice_gives_one_record():
    volunteer, team = VolunteerFactory(), TeamFactory()
    assert post(volunteer, team) == post(volunteer, team)
    assert ServiceRecord.objects.count() == 1


def test_two_credited_records_may_not_overlap():
    volunteer, team = VolunteerFactory(), TeamFactory()
    post(volunteer, team)
    with pytest.raises(ValidationError):
        post(volunteer, team, key="attendance:2", starts_at=START + datetime.timedelta(hours=1))
    post(volunteer, team, key="attendance:3", starts_at=START + datetime.timedelta(minutes=150))
    assert ServiceRecord.objects.count() == 2


def test_records_cannot_be_changed_or_deleted_through_the_orm():
    record = post(VolunteerFactory(), TeamFactory())
    record.minutes = 600
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        ServiceRecord.objects.filter(pk=record.pk).update(minutes=600)
    with pytest.raises(PermissionError):
        ServiceRecord.objects.all().delete()
    assert ServiceRecord.objects.get().minutes == 150


def test_the_database_refuses_raw_updates_and_deletes_on_sqlite_and_postgresql():
    """The append-only guard is the database's own: a PostgreSQL trigger, SQLite triggers."""
    record = post(VolunteerFactory(), TeamFactory())
    for statement in (
        "UPDATE hours_servicerecord SET minutes = 600 WHERE id = %s",
        "DELETE FROM hours_servicerecord WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [record.pk])
    assert ServiceRecord.objects.get().minutes == 150


def test_no_orm_back_door_rewrites_a_record():
    record = post(VolunteerFactory(), TeamFactory())
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        ServiceRecord._base_manager.filter(pk=record.pk).update(minutes=600)
    copy = ServiceRecord(**{field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields})
    copy.minutes = 600
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        ServiceRecord._base_manager.bulk_create(
            [copy], update_conflicts=True, unique_fields=["id"], update_fields=["minutes"]
        )
    assert ServiceRecord.objects.get().minutes == 150


def test_people_in_the_ledger_are_deactivated_never_deleted():
    staff = UserFactory()
    record = ledger.post_record(
        volunteer=VolunteerFactory(),
        service=ledger.Service(
            office=TeamFactory().office,
            team=None,
            service_date=START.date(),
            starts_at=None,
            ends_at=None,
            activity="x",
        ),
        minutes=60,
        kind=ServiceRecord.Kind.BACKFILL,
        source_key="backfill:x",
        recorded_by=staff,
        approved_by=staff,
    )
    with pytest.raises(ProtectedError), transaction.atomic():
        staff.delete()
    record.refresh_from_db()
    assert (record.recorded_by, record.approved_by) == (staff, staff)


def test_a_correction_reverses_and_posts_the_right_value_with_who_and_why():
    volunteer, team = VolunteerFactory(), TeamFactory()
    record = post(volunteer, team)
    staff = UserFactory()
    reversal, replacement = ledger.correct_record(record=record, minutes=120, reason="签退时间记错", by=staff)
    assert (reversal.minutes, reversal.reverses, reversal.recorded_by) == (-150, record, staff)
    assert (replacement.minutes, replacement.kind, replacement.reason) == (120, "correction", "签退时间记错")
    assert ledger.totals(volunteer, today=START.date())["all_time"] == 120
    assert list(ledger.credited(volunteer)) == [replacement]
    with pytest.raises(ValidationError):
        ledger.correct_record(record=record, minutes=100, reason="again", by=staff)
    with pytest.raises(ValidationError):
        ledger.correct_record(record=replacement, minutes=500, reason="too long", by=staff)
    with pytest.raises(ValidationError):
        ledger.correct_record(record=replacement, minutes=60, reason=" ", by=staff)


def test_totals_add_up_by_month_and_year():
    volunteer, team = VolunteerFactory(), TeamFactory()
    post(volunteer, team, key="a", starts_at=START)
    post(volunteer, team, key="b", starts_at=START - datetime.timedelta(days=40))
    post(volunteer, team, key="c", starts_at=START - datetime.timedelta(days=400))
    totals = ledger.totals(volunteer, today=START.date())
    assert totals == {"all_time": 450, "year": 300, "month": 150}


# ---------------------------------------------------------------- a batch


def test_a_batch_judges_each_posting_in_order_as_if_posted_alone():
    volunteer, other, team = VolunteerFactory(), VolunteerFactory(), TeamFactory()
    first = post(volunteer, team, key="attendance:1")
    later = START + datetime.timedelta(days=1)

    results = ledger.post_records(
        [
            posting(volunteer, team, "attendance:1"),  # posted before: the first record
            posting(volunteer, team, "attendance:2", starts_at=START + datetime.timedelta(hours=1)),  # overlaps it
            posting(volunteer, team, "attendance:3", starts_at=later),
            posting(volunteer, team, "attendance:4", starts_at=later + datetime.timedelta(minutes=30)),  # overlaps 3
            posting(other, team, "attendance:5", starts_at=later),  # someone else at the same time
            posting(volunteer, team, "attendance:3", starts_at=later),  # twice in the batch: one record
            posting(volunteer, team, "attendance:6", starts_at=later + datetime.timedelta(days=1), minutes=0),
            posting(volunteer, team, "attendance:2", starts_at=later + datetime.timedelta(days=2)),  # no clash now
        ]
    )

    assert results[0] == first
    refused = [index for index, result in enumerate(results) if isinstance(result, ValidationError)]
    assert refused == [1, 3, 6]
    assert results[5] == results[2]
    assert set(ServiceRecord.objects.values_list("source_key", flat=True)) == {
        "attendance:1",
        "attendance:2",
        "attendance:3",
        "attendance:5",
    }
    assert ServiceRecord.objects.get(source_key="attendance:2").starts_at == later + datetime.timedelta(days=2)
    assert all(result.pk for result in results if isinstance(result, ServiceRecord))


def test_post_record_refuses_what_the_batch_refuses():
    volunteer, team = VolunteerFactory(), TeamFactory()
    with pytest.raises(ValidationError):
        post(volunteer, team, minutes=0)
    assert not ServiceRecord.objects.exists()


def test_a_batch_reports_records_of_a_closed_month_in_the_next_open_one():
    volunteer, team = VolunteerFactory(), TeamFactory()
    march, april = datetime.date(2027, 3, 1), datetime.date(2027, 4, 1)
    months.close_month(office=team.office, month=march, by=None, today=datetime.date(2027, 4, 20))

    ledger.post_records(
        [
            posting(volunteer, team, "a", starts_at=START),
            posting(volunteer, team, "b", starts_at=START + datetime.timedelta(days=30)),
        ]
    )

    reported = dict(ServiceRecord.objects.values_list("source_key", "reported_month"))
    assert reported == {"a": april, "b": april}
    assert ServiceRecord.objects.get(source_key="a").service_date == datetime.date(2027, 3, 6)


def test_a_star_is_told_by_the_posting_of_the_batch_that_crosses_it():
    team = TeamFactory()
    team.office.star_thresholds = [5, 10]
    team.office.save()
    volunteer = volunteer_in(team)
    post(volunteer, team, key="before", starts_at=START - datetime.timedelta(days=7), minutes=240)

    ledger.post_records(
        [posting(volunteer, team, f"attendance:{day}", START + datetime.timedelta(days=day)) for day in range(4)]
    )

    told = list(Notification.objects.filter(user=volunteer.user).order_by("pk").values_list("message", flat=True))
    assert len(told) == 2  # 4 h → 6.5 h crosses 5 h; 9 h → 11.5 h crosses 10 h
    assert "★★" not in told[0] and "★★" in told[1]


@pytest.mark.parametrize(("size", "people"), [(2, 2), (40, 10)])
def test_a_batch_asks_a_fixed_number_of_queries_however_many_postings_and_people(size, people):
    team = TeamFactory()
    volunteers = [volunteer_in(team) for _ in range(people)]
    postings = [
        posting(volunteers[number % people], team, f"attendance:{number}", START + datetime.timedelta(days=number))
        for number in range(size)
    ]
    with CaptureQueriesContext(connection) as queries:
        results = ledger.post_records(postings)
    assert all(isinstance(result, ServiceRecord) for result in results)
    # The savepoint and its release, the office and volunteer locks, the known keys, the
    # credited intervals, the closed months, the insert, the totals and the home offices;
    # and what follows the ledger (civic's points: the offices' points rules, none here).
    assert len(queries) == 11


@pytest.mark.parametrize("returns_rows", [True, False])
def test_the_records_of_a_batch_come_back_with_their_keys(monkeypatch, returns_rows):
    # SQLite before 3.35 gives back no keys from a bulk insert; callers link records by key.
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", returns_rows)
    volunteer, team = VolunteerFactory(), TeamFactory()
    results = ledger.post_records(
        [posting(volunteer, team, f"attendance:{day}", START + datetime.timedelta(days=day)) for day in range(3)]
    )
    assert [result.pk for result in results] == list(
        ServiceRecord.objects.order_by("starts_at").values_list("pk", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_two_offices_posting_one_person_at_the_same_moment_credit_only_one():
    """Rule 5 under concurrency: on PostgreSQL the volunteer's row lock makes the second
    batch see the first one's record; on SQLite the IMMEDIATE transactions queue them."""
    volunteer = VolunteerFactory()
    teams = [TeamFactory(), TeamFactory()]  # two communities
    assert teams[0].office_id != teams[1].office_id
    together = threading.Barrier(len(teams))

    def post_from(team):
        try:
            together.wait()
            return ledger.post_records([posting(volunteer, team, f"attendance:{team.pk}")])[0]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(teams)) as pool:
        results = list(pool.map(post_from, teams))

    assert sorted(type(result).__name__ for result in results) == ["ServiceRecord", "ValidationError"]
    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 1
