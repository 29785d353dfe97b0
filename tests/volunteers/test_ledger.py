import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from tests.factories import TeamFactory, UserFactory, VolunteerFactory
from volunteers import ledger
from volunteers.models import ServiceRecord

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


def post(volunteer, team, key="attendance:1", minutes=150, starts_at=START):
    return ledger.post_record(
        volunteer=volunteer,
        service=service(team, starts_at),
        minutes=minutes,
        kind=ServiceRecord.Kind.ATTENDANCE,
        source_key=key,
        recorded_by=None,
    )


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_raw_updates_and_deletes():
    record = post(VolunteerFactory(), TeamFactory())
    for statement in (
        "UPDATE volunteers_servicerecord SET minutes = 600 WHERE id = %s",
        "DELETE FROM volunteers_servicerecord WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [record.pk])
    assert ServiceRecord.objects.get().minutes == 150


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
