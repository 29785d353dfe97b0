"""A database made before the ledger moved into hours/ upgrades in place: every row, key,
constraint and (on PostgreSQL) the append-only trigger come through.

The database is taken back to the migrations as they stood before the move, filled
through the models of that time, then migrated forward; it is left at the latest state.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

# Every app of ours as it stood just before the move.
BEFORE_THE_MOVE = [
    ("accounts", "0002_notification"),
    ("teams", "0004_office_star_thresholds"),
    ("volunteers", "0009_backfill_break"),
    ("shifts", "0005_shift_breaks_and_service"),
    ("hours", None),
]
LEDGER_MODELS = [
    "ServiceRecord",
    "CorrectionRequest",
    "BackfillRequest",
    "MonthClose",
    "ExportLog",
    "Certificate",
    "Honour",
]
MARCH = datetime.date(2026, 3, 1)


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def seed(apps) -> None:
    """What a community office would have: records posted from a shift, a reversal and its
    correction, requests, a closed month, an export, a certificate and an honour."""
    Office, Team, TeamKind = (apps.get_model("teams", name) for name in ("Office", "Team", "TeamKind"))
    User = apps.get_model("accounts", "User")
    Volunteer = apps.get_model("volunteers", "Volunteer")
    ServiceRecord = apps.get_model("volunteers", "ServiceRecord")
    Shift, Attendance = apps.get_model("shifts", "Shift"), apps.get_model("shifts", "Attendance")
    office = Office.objects.create(name="阳光社区", kind="community")
    team = Team.objects.create(
        office=office, name="银龄互助", code="silver", kind=TeamKind.objects.get_or_create(name="银龄")[0]
    )
    staff = User.objects.create(phone="+8613800000001", is_staff=True)
    people = [
        Volunteer.objects.create(user=User.objects.create(phone=f"+86139000000{n:02d}"), real_name=f"志愿者{n}")
        for n in range(3)
    ]
    starts_at = timezone.make_aware(datetime.datetime(2026, 3, 2, 9))
    shift = Shift.objects.create(
        team=team,
        title="长者食堂助餐",
        capacity=10,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        signup_closes_at=starts_at,
        cancel_deadline=starts_at,
    )

    def record(volunteer, key, minutes, kind="attendance", **fields):
        return ServiceRecord.objects.create(
            volunteer=volunteer,
            office=office,
            team=team,
            service_date=starts_at.date(),
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=3),
            activity="长者食堂助餐",
            minutes=minutes,
            kind=kind,
            source_key=key,
            reported_month=MARCH,
            **fields,
        )

    for volunteer in people:
        attendance = Attendance.objects.create(shift=shift, volunteer=volunteer, credited_minutes=180)
        posted = record(volunteer, f"attendance:{attendance.pk}", 180)
        Attendance.objects.filter(pk=attendance.pk).update(posted_record=posted, review_state="posted")
    first = ServiceRecord.objects.order_by("pk").first()
    record(first.volunteer, "reversal:1", -180, kind="reversal", reverses=first, approved_by=staff)
    record(first.volunteer, "correction:1", 150, kind="correction", approved_by=staff)
    apps.get_model("volunteers", "CorrectionRequest").objects.create(
        record=ServiceRecord.objects.get(source_key="correction:1"),
        requested_by=first.volunteer.user,
        requested_minutes=160,
        reason="签退晚了",
    )
    apps.get_model("volunteers", "BackfillRequest").objects.create(
        volunteer=people[1],
        office=office,
        team=team,
        service_date=starts_at.date(),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        activity="独居老人探访",
        minutes=120,
        reason="纸质签到表",
        requested_by=staff,
    )
    apps.get_model("volunteers", "MonthClose").objects.create(office=office, month=MARCH, closed_by=staff, snapshot={})
    apps.get_model("volunteers", "ExportLog").objects.create(user=staff, office=office, month=MARCH)
    apps.get_model("volunteers", "Certificate").objects.create(
        volunteer=people[2],
        office=office,
        number="C-2026-0001",
        verify_code="v" * 32,
        issued_by=staff,
        period_from=MARCH,
        period_to=datetime.date(2026, 3, 31),
        total_minutes_period=180,
        total_minutes_all=180,
    )
    apps.get_model("volunteers", "Honour").objects.create(
        volunteer=people[2], office=office, title="star", period="2026-03", awarded_by=staff
    )


def figures(apps, app_label: str) -> dict:
    ServiceRecord = apps.get_model(app_label, "ServiceRecord")
    Attendance = apps.get_model("shifts", "Attendance")
    return {
        "counts": {name: apps.get_model(app_label, name).objects.count() for name in LEDGER_MODELS},
        "minutes": ServiceRecord.objects.aggregate(total=Sum("minutes"))["total"],
        "per_volunteer": sorted(
            ServiceRecord.objects.values_list("volunteer_id")
            .annotate(total=Sum("minutes"))
            .values_list("volunteer_id", "total")
        ),
        "reversals": sorted(ServiceRecord.objects.filter(reverses__isnull=False).values_list("pk", "reverses_id")),
        "posted": sorted(
            Attendance.objects.filter(posted_record__isnull=False).values_list("pk", "posted_record__minutes")
        ),
    }


def test_a_ledger_from_before_the_move_upgrades_in_place_with_every_row_and_rule():
    targets = latest()
    before = migrate(BEFORE_THE_MOVE).loader.project_state(BEFORE_THE_MOVE[:4]).apps
    try:
        seed(before)
        expected = figures(before, "volunteers")
    finally:
        after = migrate(targets).loader.project_state(targets).apps

    assert figures(after, "hours") == expected
    assert expected["counts"]["ServiceRecord"] == 5 and expected["minutes"] == 3 * 180 - 180 + 150

    from hours.models import MonthClose, ServiceRecord  # the models of today, on the upgraded tables

    assert ServiceRecord._meta.db_table == "hours_servicerecord"
    record = ServiceRecord.objects.order_by("pk").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecord.objects.create(**{**_fields(record), "source_key": record.source_key})
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthClose.objects.create(office_id=record.office_id, month=MARCH, snapshot={})
    if connection.vendor == "postgresql":
        for statement in ("UPDATE hours_servicerecord SET minutes = 1", "DELETE FROM hours_servicerecord"):
            with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert ServiceRecord.objects.aggregate(total=Sum("minutes"))["total"] == expected["minutes"]


def _fields(record) -> dict:
    return {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if not field.primary_key and field.attname != "reverses_id"
    }
