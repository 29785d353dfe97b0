"""A person's attendance at a shift: credited minutes, status and review flags (DESIGN
rules 1–6), worked out again from all of the person's reads and the leader's mend
whenever one of them changes, together with the person's other attendances not yet in
the ledger (crediting.credit_volunteer): no result depends on the order in which scans
arrived. Scanning, the leader's marks and mends, shift edits and posting all go through here.

Locks are always taken in one order: the shift, the volunteer(s) in pk order, their
attendances, the offices (in the ledger). Whoever changes attendance holds its
volunteer's lock, so two phones scanning one person at two shifts take turns.
"""

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from hours import ledger
from hours.models import intervals_to_json
from shifts.crediting import (
    Attending,
    Busy,
    Credit,
    Mend,
    Read,
    Review,
    Schedule,
    credit,
    credit_volunteer,
    pairs_of,
)
from shifts.models import Attendance, ScanEvent, Shift, Signup
from volunteers.models import Volunteer


def schedule_of(shift: Shift) -> Schedule:
    team = shift.team
    return Schedule(
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        unit_minutes=team.rounding_minutes,
        checkin_opens=datetime.timedelta(minutes=team.checkin_opens_minutes),
        checkout_closes=datetime.timedelta(minutes=team.checkout_closes_minutes),
        break_starts_at=shift.break_starts_at,
        break_ends_at=shift.break_ends_at,
        is_service=shift.is_service,
        repeat_window=datetime.timedelta(minutes=team.repeat_window_minutes),
    )


CREDIT_FIELDS = ["status", "credited_minutes", "review_reasons", "review_state", "served", "updated_at"]

# The fields of a shift that its people's credited time follows from.
CREDITED_FROM = frozenset({"starts_at", "ends_at", "break_starts_at", "break_ends_at", "is_service"})

# Attendances further apart than this share no time and no calendar day: worked out apart.
NEARBY = datetime.timedelta(days=2)


# Every scan takes this lock: plain SQL, as the ORM would spend more on building the query
# than the database on running it.
LOCK_VOLUNTEERS_SQL = f"SELECT id FROM {Volunteer._meta.db_table} WHERE id IN ({{}}) ORDER BY id FOR UPDATE"  # noqa: S608


def lock_volunteers(volunteer_ids: Iterable[int]) -> None:
    """Lock the volunteers' rows, in pk order. A database without row locks (SQLite) lets
    one writer in at a time anyway."""
    ids = sorted(set(volunteer_ids))
    if not ids or not connection.features.has_select_for_update:
        return
    with connection.cursor() as cursor:
        cursor.execute(LOCK_VOLUNTEERS_SQL.format(", ".join(["%s"] * len(ids))), ids)


def mend_of(attendance: Attendance) -> Mend | None:
    return Mend(attendance.mended_in, attendance.mended_out) if attendance.is_mended else None


def reads_of(events: Iterable[tuple[str, datetime.datetime, str]]) -> tuple[Read, ...]:
    return tuple(Read(kind, at, key) for kind, at, key in events)


def times_of(
    attendance: Attendance, shift: Shift, events: Iterable[tuple[str, datetime.datetime, str]]
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The first sign-in and last sign-out that the reads (or the leader's mend) make."""
    reads = reads_of(events)
    pairs, lone_out = pairs_of(reads, schedule_of(shift), mend_of(attendance))
    if not pairs:
        last_out = max((read.at for read in reads), default=None) if lone_out and not attendance.is_mended else None
        return None, attendance.mended_out if attendance.is_mended else last_out
    return pairs[0].checked_in, pairs[-1].checked_out


def credit_alone(attendance: Attendance, shift: Shift, reads: Iterable[Read]) -> Credit:
    """The credit from this attendance's own reads and mend, before any other time is taken out."""
    return credit(reads, schedule_of(shift), mend=mend_of(attendance))


def recredit_volunteer(volunteer_id: int, around: Shift, now: datetime.datetime | None = None) -> list[Attendance]:
    """Every attendance of the volunteer not yet in the ledger, at live shifts near `around`,
    worked out again together (rules 1–6), and saved where it changed. The caller holds
    the volunteer's lock. Returns the attendances worked out."""
    now = now or timezone.now()
    attendances = list(
        Attendance.objects.select_for_update(of=("self",))
        .filter(
            volunteer_id=volunteer_id,
            shift__is_cancelled=False,
            shift__starts_at__lt=around.ends_at + NEARBY,
            shift__ends_at__gt=around.starts_at - NEARBY,
        )
        .exclude(review_state=Attendance.Review.POSTED)
        .select_related("shift__team")
        .order_by("pk")
    )
    events: dict[int, list[tuple[str, datetime.datetime, str]]] = {}
    rows = ScanEvent.objects.filter(attendance__in=attendances).values_list(
        "attendance_id", "kind", "at", "client_event_id"
    )
    for attendance_id, kind, at, key in rows:
        events.setdefault(attendance_id, []).append((kind, at, key))
    # Rows with neither (marked on leave or absent, or never scanned) stay as they were marked.
    worked = [row for row in attendances if row.pk in events or row.is_mended]
    if not worked:
        return []
    first = min(row.shift.starts_at for row in worked)
    last = max(row.shift.ends_at for row in worked)
    in_ledger = ledger.credited_around(volunteer_id, first, last)
    results = credit_volunteer(
        [
            Attending(
                ident=row.pk,
                schedule=schedule_of(row.shift),
                reads=reads_of(events.get(row.pk, [])),
                mend=mend_of(row),
                activity=row.shift.title,
                tiebreak=row.shift_id,
            )
            for row in worked
        ],
        posted=[Busy(start, end, activity) for start, end, activity in in_ledger.intervals],
        posted_minutes_by_day=in_ledger.minutes_by_day,
        tz=timezone.get_current_timezone(),
    )
    changed = []
    for row in worked:
        before = [getattr(row, name) for name in CREDIT_FIELDS[:-1]]
        set_credit(row, results[row.pk], schedule_of(row.shift), now)
        if [getattr(row, name) for name in CREDIT_FIELDS[:-1]] != before:
            changed.append(row)
    if changed:
        now_saved = timezone.now()
        for row in changed:
            row.updated_at = now_saved
        Attendance.objects.bulk_update(changed, CREDIT_FIELDS)
    return worked


def recredit(shift: Shift) -> int:
    """After the leader changed the shift's times, break or kind: everyone's time not yet
    in the ledger, worked out again (the ledger's records are corrected there, rule 9).
    The caller holds the shift's lock. Returns how many people's time was worked out."""
    volunteer_ids = list(
        Attendance.objects.filter(shift=shift)
        .exclude(review_state=Attendance.Review.POSTED)
        .values_list("volunteer_id", flat=True)
    )
    lock_volunteers(volunteer_ids)
    for volunteer_id in sorted(volunteer_ids):
        recredit_volunteer(volunteer_id, shift)
    # Worked out from the scans alone, someone who never signed out reads as checked in.
    close_unfinished(shift)
    return len(volunteer_ids)


def review_entries(result: Credit) -> list:
    """The reasons to show the leader: codes, and for an overlap what it overlaps."""
    entries: list = []
    for reason in result.review:
        if reason == "overlap":
            entries += [
                {
                    "code": str(reason),
                    "activity": busy.activity,
                    "from": busy.starts_at.isoformat(),
                    "to": busy.ends_at.isoformat(),
                }
                for busy in result.overlaps
            ]
        else:
            entries.append(str(reason))
    return entries


def set_credit(
    attendance: Attendance, result: Credit, schedule: Schedule | None = None, now: datetime.datetime | None = None
) -> None:
    """The status, credited minutes, served time and review flags a crediting result gives (unsaved)."""
    if attendance.is_mended and attendance.mended_in is None and attendance.mended_out is None:
        attendance.status = Attendance.Status.ABSENT
    elif result.not_signed_out:
        window_closed = schedule is not None and (now or timezone.now()) > schedule.checkout_until
        attendance.status = Attendance.Status.NOT_SIGNED_OUT if window_closed else Attendance.Status.CHECKED_IN
    elif result.no_sign_in:
        attendance.status = Attendance.Status.NO_SIGN_IN
    elif result.late:
        attendance.status = Attendance.Status.LATE
    elif result.left_early:
        attendance.status = Attendance.Status.LEFT_EARLY
    else:
        attendance.status = Attendance.Status.PRESENT
    attendance.credited_minutes = result.minutes
    attendance.served = intervals_to_json(result.served)
    attendance.review_reasons = review_entries(result)
    if attendance.entered_late and result.minutes:
        attendance.review_reasons.append(str(Review.AWAITING_OFFICE))
    if attendance.review_state != Attendance.Review.POSTED:
        waits = bool(attendance.review_reasons)
        attendance.review_state = Attendance.Review.NEEDS_REVIEW if waits else Attendance.Review.OPEN


def source_key(attendance: Attendance) -> str:
    return f"attendance:{attendance.pk}"


def close_unfinished(shift: Shift, now: datetime.datetime | None = None) -> int:
    """After the check-out window: anyone still checked in becomes "not signed out"
    (credited 0, for the leader), and signed-up people never scanned become absent."""
    now = now or timezone.now()
    if now <= schedule_of(shift).checkout_until:
        return 0
    # At a meeting or duty (rule 6) there is no time to credit, so nothing waits for the leader.
    review = Attendance.Review.NEEDS_REVIEW if shift.is_service else Attendance.Review.OPEN
    reasons = ["not_signed_out"] if shift.is_service else []
    with transaction.atomic():
        changed = Attendance.objects.filter(shift=shift, status=Attendance.Status.CHECKED_IN).update(
            status=Attendance.Status.NOT_SIGNED_OUT, credited_minutes=0, review_state=review, review_reasons=reasons
        )
        seen = Attendance.objects.filter(shift=shift).values("volunteer_id")
        absent = Signup.objects.confirmed().filter(shift=shift).exclude(volunteer_id__in=seen)
        Attendance.objects.bulk_create(
            Attendance(shift=shift, volunteer_id=signup.volunteer_id, status=Attendance.Status.ABSENT)
            for signup in absent
        )
    return changed
