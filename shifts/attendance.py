"""A person's attendance at a shift: credited minutes, status and review flags, worked
out again from all their check-in and check-out events whenever one is added or the
shift's times change. Scanning, the leader's marks and posting all go through here.
"""

import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from hours import ledger
from shifts.crediting import Credit, Schedule, credit
from shifts.models import Attendance, ScanEvent, Shift, Signup


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
    )


CREDIT_FIELDS = ["status", "credited_minutes", "review_reasons", "review_state", "updated_at"]


# The fields of a shift that its people's credited time follows from.
CREDITED_FROM = frozenset({"starts_at", "ends_at", "break_starts_at", "break_ends_at", "is_service"})


def recredit(shift: Shift) -> int:
    """After the leader changed the shift's times, break or kind: everyone's time not yet
    in the ledger, worked out again (the ledger's records are corrected there, rule 9).
    Returns how many people's time was worked out."""
    attendances = list(
        Attendance.objects.select_for_update()
        .filter(shift=shift)
        .exclude(review_state=Attendance.Review.POSTED)
        .select_related("volunteer")
    )
    for attendance in attendances:
        evaluate(attendance, shift)
    # Worked out from the scans alone, someone who never signed out reads as checked in.
    close_unfinished(shift)
    return len(attendances)


def evaluate(attendance: Attendance, shift: Shift) -> Credit:
    """Recompute credited minutes, status and review flags from the events, and save them."""
    schedule = schedule_of(shift)
    if attendance.status in (Attendance.Status.ON_LEAVE, Attendance.Status.ABSENT) and not attendance.events.exists():
        return credit([], schedule)
    result = apply_credit(attendance, schedule, list(attendance.events.values_list("kind", "at")))
    attendance.save(update_fields=CREDIT_FIELDS)
    return result


def apply_credit(attendance: Attendance, schedule: Schedule, events: list[tuple[str, datetime.datetime]]) -> Credit:
    """Set credited minutes, status and review flags from all the person's (kind, at) events."""
    # Not yet saved, the row has no record to leave out of the ledger's answers.
    key = source_key(attendance) if attendance.pk is not None else ""
    # The ledger is asked only once a check-out closes a pair: a check-in alone credits
    # nothing, and check-ins are most of a busy scanner's work.
    # A meeting or duty (rule 6) credits nothing, so it has no day total or overlap to judge either.
    has_closed_pair = any(kind == ScanEvent.Kind.OUT for kind, _at in events)
    if not has_closed_pair or not schedule.is_service:
        result = credit(events, schedule)
    else:
        day = timezone.localdate(schedule.starts_at)
        result = credit(
            events,
            schedule,
            other_credited=ledger.credited_intervals(attendance.volunteer, schedule.starts_at, exclude_key=key),
            day_minutes_elsewhere=ledger.minutes_on(attendance.volunteer, day, exclude_key=key)
            + _unposted_minutes_on(attendance, day),
        )
    set_credit(attendance, result)
    return result


def _unposted_minutes_on(attendance: Attendance, day: datetime.date) -> int:
    """Minutes credited to the person on `day` at other shifts and not yet in the ledger.
    Rule 4 judges the whole day: two shifts of five hours each, both waiting to be
    posted, must not both post by themselves."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return (
        Attendance.objects.filter(
            volunteer=attendance.volunteer,
            shift__starts_at__gte=start,
            shift__starts_at__lt=start + datetime.timedelta(days=1),
            # Time that will never post does not count: cancelled shifts, meetings and duty.
            shift__is_cancelled=False,
            shift__is_service=True,
            credited_minutes__gt=0,
        )
        .exclude(shift_id=attendance.shift_id)
        .exclude(review_state=Attendance.Review.POSTED)
        .aggregate(total=Sum("credited_minutes"))["total"]
        or 0
    )


def set_credit(attendance: Attendance, result: Credit) -> None:
    """The status, credited minutes and review flags that a crediting result gives (unsaved)."""
    if result.not_signed_out:
        attendance.status = Attendance.Status.CHECKED_IN
    elif result.late:
        attendance.status = Attendance.Status.LATE
    elif result.left_early:
        attendance.status = Attendance.Status.LEFT_EARLY
    else:
        attendance.status = Attendance.Status.PRESENT
    attendance.credited_minutes = result.minutes
    attendance.review_reasons = [str(reason) for reason in result.review]
    if attendance.review_state != Attendance.Review.POSTED:
        attendance.review_state = Attendance.Review.NEEDS_REVIEW if result.needs_review else Attendance.Review.OPEN


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
    with transaction.atomic():
        changed = Attendance.objects.filter(shift=shift, status=Attendance.Status.CHECKED_IN).update(
            status=Attendance.Status.NOT_SIGNED_OUT, credited_minutes=0, review_state=review
        )
        seen = Attendance.objects.filter(shift=shift).values("volunteer_id")
        absent = Signup.objects.confirmed().filter(shift=shift).exclude(volunteer_id__in=seen)
        Attendance.objects.bulk_create(
            Attendance(shift=shift, volunteer_id=signup.volunteer_id, status=Attendance.Status.ABSENT)
            for signup in absent
        )
    return changed
