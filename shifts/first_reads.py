"""A person's first read at a shift: their attendance row and its first scan event, written
together. It is most of what a scanner writes (benchmarks/scan.py).

On PostgreSQL the two rows go in one statement, a data-modifying WITH, which is atomic by
itself: one round trip instead of four (BEGIN, two INSERTs, COMMIT). Elsewhere, both are
saved in the caller's transaction; SQLite's round trips are in-process and cheap.
"""

from contextlib import nullcontext

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery

from shifts.models import Attendance, ScanEvent

NEW_ATTENDANCE = "new_attendance"
NEW_ATTENDANCE_ID = RawSQL("(SELECT id FROM new_attendance)", ())


def in_one_statement() -> bool:
    return connection.vendor == "postgresql"


def transaction_for(lone_check_in: bool):
    """What a read's writes run in. A lone first check-in written in one statement needs
    no transaction of its own; inside someone else's, it still takes a savepoint, so that a
    refused copy leaves theirs usable. Anything else runs in a transaction."""
    if lone_check_in and in_one_statement() and not connection.in_atomic_block:
        return nullcontext()
    return transaction.atomic()


def _insert_sql(obj, returning: bool = False) -> tuple[str, tuple]:
    model = type(obj)
    fields = [field for field in model._meta.local_concrete_fields if not field.primary_key]
    query = InsertQuery(model)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(connection=connection)
    if returning:
        compiler.returning_fields = [model._meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, tuple(params)


def save_with_first_event(attendance: Attendance, event: ScanEvent) -> None:
    """Insert a new attendance row and the event that makes it. A copy of either that is
    already there (the unique shift and person, or event id) raises IntegrityError with
    nothing written, as two saves in one transaction would."""
    if not in_one_statement():
        attendance.save()
        event.attendance = attendance
        event.save()
        return
    attendance_sql, attendance_params = _insert_sql(attendance, returning=True)
    event.attendance_id = NEW_ATTENDANCE_ID
    event_sql, event_params = _insert_sql(event)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {NEW_ATTENDANCE} AS ({attendance_sql}) {event_sql} RETURNING id, attendance_id",
            attendance_params + event_params,
        )
        event.pk, attendance.pk = cursor.fetchone()
    attendance._state.adding = event._state.adding = False
    event.attendance = attendance
