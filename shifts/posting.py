"""Finished attendance goes to the ledger: the leader's confirmation of the sheet, and
the cron run that posts what needs no review (rule 7: within 10 working days).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from hours import ledger, requests
from hours.models import BackfillRequest, ServiceRecord, intervals_from_json
from shifts.attendance import close_unfinished, lock_volunteers, schedule_of, source_key
from shifts.crediting import Review
from shifts.models import Attendance, AttendanceMend, Shift
from shifts.reviews import review_labels
from shifts.workdays import working_days_after
from volunteers.models import Volunteer

POSTING_WORKING_DAYS = 10


def service_of(shift: Shift, responsible: str, served: list | None = None) -> ledger.Service:
    """What the ledger keeps of a shift: its own copy, true even when the shift is later
    edited; with `served` (an attendance's), the time the person actually served."""
    return ledger.Service(
        served=tuple(intervals_from_json(pair) for pair in served or []),
        office=shift.team.office,
        team=shift.team,
        service_date=timezone.localdate(shift.starts_at),
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        break_minutes=schedule_of(shift).break_length // datetime.timedelta(minutes=1),
        activity=shift.title,
        place=shift.place,
        content=shift.content,
        responsible_person=responsible,
    )


@transaction.atomic
def post_attendance(
    *, shift: Shift, by: User | None, include_reviewed: bool = False, now: datetime.datetime | None = None
) -> list[ServiceRecord]:
    """Post one record per credited person of a finished shift, in one transaction.

    Without `include_reviewed` (the cron run) only attendance that needs no review
    is posted; the leader's confirmation (`include_reviewed`) posts the rest too,
    except people not signed out, whose time the leader must set first. The whole
    sheet goes to the ledger as one batch, judged person by person by its rules.
    A meeting or duty (rule 6) posts nothing, even time credited before it was marked so.
    """
    shift = Shift.objects.select_related("team__office").select_for_update().get(pk=shift.pk)
    lock_volunteers(Attendance.objects.filter(shift=shift).values_list("volunteer_id", flat=True))
    close_unfinished(shift, now)
    if not shift.is_service:
        return []
    states = [Attendance.Review.OPEN, Attendance.Review.NEEDS_REVIEW] if include_reviewed else [Attendance.Review.OPEN]
    rows = list(
        Attendance.objects.select_for_update()
        .filter(shift=shift, credited_minutes__gt=0)
        .exclude(review_state=Attendance.Review.POSTED)
        .exclude(status=Attendance.Status.NOT_SIGNED_OUT)
        .select_related("volunteer")
        .order_by("pk")
    )
    # Time entered after the fact posts only once the office approved its backfill, whose
    # record carries the attendance's key: the ledger then hands that record back.
    approved = set(
        ServiceRecord.objects.filter(source_key__in=[source_key(row) for row in rows if row.entered_late]).values_list(
            "source_key", flat=True
        )
    )
    due = [row for row in rows if (source_key(row) in approved if row.entered_late else row.review_state in states)]
    responsible = by.volunteer.real_name if by is not None and hasattr(by, "volunteer") else ""
    results = ledger.post_records(
        [
            ledger.Posting(
                volunteer=attendance.volunteer,
                service=service_of(shift, responsible, attendance.served),
                minutes=attendance.credited_minutes,
                kind=ServiceRecord.Kind.ATTENDANCE,
                source_key=source_key(attendance),
                recorded_by=by,
            )
            for attendance in due
        ]
    )
    set_posting_results(due, results, timezone.now())
    Attendance.objects.bulk_update(due, POSTING_FIELDS)
    return [result for result in results if not isinstance(result, ValidationError)]


POSTING_FIELDS = ["posted_record", "review_state", "review_reasons", "updated_at"]


def set_posting_results(
    attendances: list[Attendance], results: list[ServiceRecord | ValidationError], at: datetime.datetime
) -> None:
    """What the ledger said of each person's posting, on their attendance (unsaved)."""
    for attendance, result in zip(attendances, results, strict=True):
        if isinstance(result, ValidationError):
            # An overlap with a record posted since this time was worked out (rule 5): the
            # leader decides, and the row says why it waits.
            attendance.review_state = Attendance.Review.NEEDS_REVIEW
            if Review.OVERLAP not in attendance.review_reasons:
                attendance.review_reasons = [*attendance.review_reasons, str(Review.OVERLAP)]
        else:
            attendance.posted_record = result
            attendance.review_state = Attendance.Review.POSTED
            attendance.review_reasons = [
                reason for reason in attendance.review_reasons if reason != Review.AWAITING_OFFICE
            ]
        # Bulk updates leave auto_now fields alone.
        attendance.updated_at = at


def posting_open(shift: Shift, today: datetime.date | None = None) -> bool:
    """Rule 7: a record is made within 10 working days of the shift's end; later is a backfill."""
    today = today or timezone.localdate()
    return working_days_after(timezone.localdate(shift.ends_at), today) <= POSTING_WORKING_DAYS


@dataclass(frozen=True)
class Waiting:
    volunteer: Volunteer
    reason: str


@dataclass(frozen=True)
class Confirmation:
    posted: list[ServiceRecord]
    waiting: list[Waiting]


def waiting_on(shift: Shift, leave_out: set[int] = frozenset()) -> list[Waiting]:
    """People of a sheet whose time is not in the ledger yet and needs the leader."""
    if not shift.is_service:
        return []  # rule 6: no time of a meeting or duty goes to the ledger
    rows = (
        Attendance.objects.filter(shift=shift)
        .exclude(review_state=Attendance.Review.POSTED)
        .filter(
            Q(status=Attendance.Status.CHECKED_IN)
            | Q(review_state=Attendance.Review.NEEDS_REVIEW)
            | Q(credited_minutes__gt=0)
        )
        .select_related("volunteer")
        .order_by("volunteer__name_pinyin", "volunteer__real_name", "pk")
    )
    waiting = []
    for attendance in rows:
        if attendance.volunteer_id in leave_out:
            continue
        if attendance.status == Attendance.Status.CHECKED_IN:
            reason = _("still checked in")
        else:
            reason = "; ".join(review_labels(attendance.review_reasons)) or _("overlaps another credited record")
        waiting.append(Waiting(attendance.volunteer, reason))
    return waiting


def confirm_sheet(*, shift: Shift, by: User, now: datetime.datetime | None = None) -> Confirmation:
    """The leader confirms the attendance sheet of a finished shift: everything credited
    is posted, reviewed items included; what still waits is named."""
    now = now or timezone.now()
    if shift.is_cancelled:
        raise ValidationError(_("This shift has been cancelled"))
    if now < shift.ends_at:
        raise ValidationError(_("The shift has not ended yet: confirm the sheet afterwards."))
    if not posting_open(shift, timezone.localdate(now)):
        raise ValidationError(
            _(
                "More than %(days)d working days have passed since this shift: "
                "the time can only be added as a backfill, approved by the office."
            )
            % {"days": POSTING_WORKING_DAYS}
        )
    refused = send_late_entries(shift=shift, by=by)
    posted = post_attendance(shift=shift, by=by, include_reviewed=True, now=now)
    return Confirmation(posted, refused + waiting_on(shift, leave_out={waiting.volunteer.pk for waiting in refused}))


def send_late_entries(*, shift: Shift, by: User) -> list[Waiting]:
    """Time the leader entered by hand for a shift created after it ended goes to the
    office as a backfill (rule 8), once; returns those the office could not be asked about."""
    rows = list(
        Attendance.objects.filter(shift=shift, entered_late=True, credited_minutes__gt=0)
        .exclude(review_state=Attendance.Review.POSTED)
        .select_related("volunteer__user", "shift__team__office")
    )
    keys = [source_key(row) for row in rows]
    sent = set(
        BackfillRequest.objects.filter(source_key__in=keys)
        .exclude(state=BackfillRequest.State.REFUSED)
        .values_list("source_key", flat=True)
    )
    # The latest mend's reason (later rows win in the dict).
    mends = AttendanceMend.objects.filter(attendance__in=rows).order_by("at", "pk")
    reasons = dict(mends.values_list("attendance_id", "reason"))
    refused = []
    for row in rows:
        if source_key(row) in sent:
            continue
        why = reasons.get(row.pk) or _("marked present by hand")
        try:
            with transaction.atomic():
                requests.ask_backfill(
                    team=shift.team,
                    volunteer=row.volunteer,
                    by=by,
                    starts_at=shift.starts_at,
                    ends_at=shift.ends_at,
                    activity=shift.title,
                    place=shift.place,
                    content=shift.content,
                    break_minutes=schedule_of(shift).break_length // datetime.timedelta(minutes=1),
                    minutes=row.credited_minutes,
                    reason=_("Entered on the sheet after the shift: %(reason)s") % {"reason": why},
                    source_key=source_key(row),
                )
        except ValidationError as error:
            refused.append(Waiting(row.volunteer, error.messages[0]))
    return refused


@dataclass
class PostingRun:
    shifts: int = 0
    records: int = 0
    not_signed_out: int = 0
    waiting: int = 0
    too_old: int = 0


def post_finished_shifts(*, now: datetime.datetime | None = None) -> PostingRun:
    """The cron run: every finished shift whose check-out window has closed and that
    has something to post or to close. Safe to repeat: posting is idempotent, and what
    needs review waits for the leader. Shifts that ended more than 10 working days ago
    are counted, not posted (rule 7: their time can only come in as a backfill)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # The longest check-out window a team may set is far below a day. Ten working days
    # span at most about 24 calendar days (the Spring Festival's nine days off plus
    # weekends); three times as many leaves room, and posting_open() decides each shift.
    oldest = now - datetime.timedelta(days=POSTING_WORKING_DAYS * 3 + 4)
    at_shift = Attendance.objects.filter(shift=OuterRef("pk"))
    to_close = at_shift.filter(status=Attendance.Status.CHECKED_IN)
    to_post = at_shift.filter(review_state=Attendance.Review.OPEN, credited_minutes__gt=0)
    # Time entered after the fact, whose backfill the office may have approved since.
    to_link = at_shift.filter(entered_late=True, credited_minutes__gt=0).exclude(review_state=Attendance.Review.POSTED)
    shifts = (
        Shift.objects.live()
        .filter(ends_at__lt=now)
        # A meeting or duty (rule 6) posts nothing: only its people still checked in are closed.
        .filter(Exists(to_close) | Q(Exists(to_post) | Exists(to_link), is_service=True))
        .select_related("team__office")
        .order_by("ends_at", "pk")
    )
    run = PostingRun()
    for shift in shifts:
        if now <= schedule_of(shift).checkout_until:
            continue
        if shift.ends_at < oldest or not posting_open(shift, today):
            run.too_old += 1
            continue
        run.shifts += 1
        run.not_signed_out += close_unfinished(shift, now)
        run.records += len(post_attendance(shift=shift, by=None, now=now))
        run.waiting += Attendance.objects.filter(shift=shift, review_state=Attendance.Review.NEEDS_REVIEW).count()
    return run
