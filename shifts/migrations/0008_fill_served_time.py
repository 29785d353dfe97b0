"""Existing attendance and its ledger records get the time served, worked out from the
scans as they were kept (each already a check-in or a check-out): the pairs, clipped to
the shift, the break taken out. A correction's record takes the served time of the record
it corrects. Backfills, and records with no attendance behind them, keep it empty: the
ledger then takes their scheduled from–to as the time they hold (ServiceRecord.served_intervals).

On PostgreSQL the ledger's append-only trigger is lifted for this one update, which only
fills the new column; no minute, date or key changes.
"""

from django.db import migrations

TRIGGER = "hours_servicerecord_append_only"


def _served(events, shift):
    pairs, open_since = [], None
    for kind, at in sorted(events, key=lambda event: event[1]):
        if kind == "in" and open_since is None:
            open_since = at
        elif kind == "out" and open_since is not None:
            pairs.append((open_since, at))
            open_since = None
    served = []
    for checked_in, checked_out in pairs:
        start, end = max(checked_in, shift.starts_at), min(checked_out, shift.ends_at)
        if end <= start:
            continue
        if shift.break_starts_at is None or shift.break_ends_at is None:
            served.append((start, end))
            continue
        served += [
            part
            for part in ((start, min(end, shift.break_starts_at)), (max(start, shift.break_ends_at), end))
            if part[0] < part[1]
        ]
    return [[start.isoformat(), end.isoformat()] for start, end in sorted(served)]


def fill(apps, schema_editor):
    Attendance = apps.get_model("shifts", "Attendance")
    ScanEvent = apps.get_model("shifts", "ScanEvent")
    ServiceRecord = apps.get_model("hours", "ServiceRecord")
    attendances = Attendance.objects.filter(credited_minutes__gt=0).select_related("shift")
    events = {}
    for attendance_id, kind, at in ScanEvent.objects.filter(attendance__in=attendances).values_list(
        "attendance_id", "kind", "at"
    ):
        events.setdefault(attendance_id, []).append((kind, at))
    on_postgresql = schema_editor.connection.vendor == "postgresql"
    if on_postgresql:
        schema_editor.execute(f"ALTER TABLE hours_servicerecord DISABLE TRIGGER {TRIGGER}")
    try:
        for attendance in attendances.iterator(chunk_size=2000):
            served = _served(events.get(attendance.pk, []), attendance.shift)
            Attendance.objects.filter(pk=attendance.pk).update(served=served)
            if attendance.posted_record_id is not None:
                ServiceRecord.objects.filter(pk=attendance.posted_record_id).update(served=served)
        for correction in ServiceRecord.objects.filter(source_key__startswith="correction:"):
            original = ServiceRecord.objects.filter(pk=int(correction.source_key.split(":")[1])).first()
            if original is not None and original.served:
                ServiceRecord.objects.filter(pk=correction.pk).update(served=original.served)
    finally:
        if on_postgresql:
            schema_editor.execute(f"ALTER TABLE hours_servicerecord ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("shifts", "0007_mends_and_served_time"),
        ("hours", "0003_served_time"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
