"""Records posted before the ledger kept the time served get it from their scans
(shifts 0008): what is known is filled in, the rest is left to the scheduled from–to."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("shifts", "0007_mends_and_served_time"), ("hours", "0003_served_time")]
AFTER = [("shifts", "0008_fill_served_time")]


def migrate(targets):
    """Migrate `targets` only; the models of every app as the database then holds them."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    moved = {app for app, _name in targets}
    others = [node for node in loader.graph.leaf_nodes() if node[0] not in moved]
    return loader.project_state(targets + others).apps


def test_posted_attendance_and_its_correction_get_the_time_served_from_the_scans():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    apps = migrate(BEFORE)
    try:
        Office, Team, TeamKind = (apps.get_model("teams", name) for name in ("Office", "Team", "TeamKind"))
        User, Volunteer = apps.get_model("accounts", "User"), apps.get_model("volunteers", "Volunteer")
        Shift, Attendance = apps.get_model("shifts", "Shift"), apps.get_model("shifts", "Attendance")
        ScanEvent, ServiceRecord = apps.get_model("shifts", "ScanEvent"), apps.get_model("hours", "ServiceRecord")
        office = Office.objects.create(name="阳光社区", kind="community")
        team = Team.objects.create(
            office=office, name="银龄", code="silver", kind=TeamKind.objects.get_or_create(name="银龄")[0]
        )
        volunteer = Volunteer.objects.create(user=User.objects.create(phone="+8613900000001"), real_name="王秀英")
        starts_at = timezone.make_aware(datetime.datetime(2026, 3, 2, 9))
        lunch = (starts_at + datetime.timedelta(hours=3), starts_at + datetime.timedelta(hours=4))
        shift = Shift.objects.create(
            team=team,
            title="长者食堂助餐",
            capacity=10,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=8),
            break_starts_at=lunch[0],
            break_ends_at=lunch[1],
            signup_closes_at=starts_at,
            cancel_deadline=starts_at,
        )
        attendance = Attendance.objects.create(shift=shift, volunteer=volunteer, credited_minutes=330)
        for kind, hours in (("in", -0.5), ("out", 6.5)):
            ScanEvent.objects.create(
                client_event_id=f"{kind}-1",
                attendance=attendance,
                kind=kind,
                at=starts_at + datetime.timedelta(hours=hours),
            )
        fields = {
            "volunteer": volunteer,
            "office": office,
            "team": team,
            "service_date": starts_at.date(),
            "starts_at": starts_at,
            "ends_at": shift.ends_at,
            "activity": shift.title,
            "reported_month": datetime.date(2026, 3, 1),
        }
        record = ServiceRecord.objects.create(
            **fields, minutes=330, kind="attendance", source_key=f"attendance:{attendance.pk}"
        )
        Attendance.objects.filter(pk=attendance.pk).update(posted_record=record, review_state="posted")
        ServiceRecord.objects.create(
            **fields, minutes=-330, kind="correction", source_key=f"reversal:{record.pk}", reverses=record
        )
        ServiceRecord.objects.create(**fields, minutes=300, kind="correction", source_key=f"correction:{record.pk}")
        ServiceRecord.objects.create(**fields, minutes=120, kind="backfill", source_key="backfill:1")
    finally:
        apps = migrate(latest)

    ServiceRecord = apps.get_model("hours", "ServiceRecord")
    served_time = [
        [starts_at, lunch[0]],
        [lunch[1], starts_at + datetime.timedelta(hours=6.5)],
    ]

    def parsed(pairs):
        return [[datetime.datetime.fromisoformat(moment) for moment in pair] for pair in pairs]

    served = {record.source_key: parsed(record.served) for record in ServiceRecord.objects.all()}
    assert served[f"attendance:{attendance.pk}"] == served_time
    assert served[f"correction:{record.pk}"] == served_time
    assert served["backfill:1"] == []  # not known: the scheduled from–to stands for it
    assert parsed(apps.get_model("shifts", "Attendance").objects.get().served) == served_time
