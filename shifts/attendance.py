"""Check-in and check-out at the venue, and posting finished attendance to the ledger.

A scan is recorded once per client-made event id: a batch resent after a network
failure, or arriving out of order, gives the same result. Each scan is one short
transaction that locks the attendance row it changes.
"""

import datetime
import enum
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from hours import ledger
from hours.models import ServiceRecord
from shifts.crediting import Credit, Schedule, credit
from shifts.models import Attendance, ScanEvent, Shift, Signup
from shifts.selectors import card_holder_at, shift_to_scan
from shifts.workdays import working_days_after
from teams.models import Membership
from volunteers.cards import verify_card_token

# The same card read again within this time is the same scan, not a check-out.
from volunteers.models import Volunteer

# The same card read again within this time is the same scan, not a check-out.
REPEAT_WINDOW = datetime.timedelta(seconds=10)
# Phones' clocks drift; a scan claiming to be from further ahead is refused.
CLOCK_SKEW = datetime.timedelta(minutes=5)


class Outcome(enum.StrEnum):
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    ALREADY_IN = "already_in"
    REPEAT = "repeat"
    NOT_ON_ROSTER = "not_on_roster"
    BAD_CARD = "bad_card"
    REVOKED_CARD = "revoked_card"
    OUTSIDE_WINDOW = "outside_window"
    FUTURE = "future"
    CANCELLED_SHIFT = "cancelled_shift"
    ALREADY_POSTED = "already_posted"

    @property
    def ok(self) -> bool:
        return self in {Outcome.CHECKED_IN, Outcome.CHECKED_OUT, Outcome.ALREADY_IN, Outcome.REPEAT}


@dataclass(frozen=True)
class ScanResult:
    outcome: Outcome
    volunteer: Volunteer | None = None
    at: datetime.datetime | None = None
    message: str = ""


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


MESSAGES = {
    Outcome.CHECKED_IN: gettext_noop("%(name)s checked in"),
    Outcome.CHECKED_OUT: gettext_noop("%(name)s checked out"),
    Outcome.ALREADY_IN: gettext_noop("%(name)s is already checked in"),
    Outcome.REPEAT: gettext_noop("%(name)s: scanned just now"),
    Outcome.NOT_ON_ROSTER: gettext_noop("%(name)s is not on the roster of this shift"),
    Outcome.BAD_CARD: gettext_noop("This is not a valid volunteer card"),
    Outcome.REVOKED_CARD: gettext_noop("%(name)s's card has been replaced: ask for the new one"),
    Outcome.OUTSIDE_WINDOW: gettext_noop("Outside the check-in and check-out times of this shift"),
    Outcome.FUTURE: gettext_noop("The scanning phone's clock is wrong: the scan is in the future"),
    Outcome.CANCELLED_SHIFT: gettext_noop("This shift has been cancelled"),
    Outcome.ALREADY_POSTED: gettext_noop(
        "%(name)s's time is already in the ledger: ask the office for a correction instead."
    ),
}


def _message(outcome: Outcome, volunteer: Volunteer | None) -> str:
    # Only the one message is translated: a batch of a hundred answers asks for a hundred.
    return _(MESSAGES[outcome]) % {"name": volunteer.real_name if volunteer else ""}


def _result(outcome: Outcome, volunteer: Volunteer | None = None, at=None) -> ScanResult:
    return ScanResult(outcome, volunteer, at, _message(outcome, volunteer))


def _on_roster(shift: Shift, volunteer: Volunteer) -> bool:
    known = getattr(volunteer, "on_roster", None)  # read with the card (record_scan)
    if known is not None:
        return known
    return Signup.objects.confirmed().filter(shift=shift, volunteer=volunteer).exists()


def _may_walk_in(shift: Shift, volunteer: Volunteer) -> bool:
    """Members of the team, and anyone at a public shift, may be added at the venue."""
    return shift.is_public or Membership.objects.active().filter(team=shift.team, user_id=volunteer.user_id).exists()


def record_scan(*, shift: Shift, token: str, client_event_id: str, **event) -> ScanResult:
    """One card read at the venue: the card's volunteer, then as `record_event`
    (the same keyword arguments: at, by, kind, walk_in, method, device, now).
    A replayed event id repeats the first answer."""
    check = verify_card_token(token, lambda volunteer_id: card_holder_at(shift, volunteer_id))
    if not check.ok:
        # Asked after the card, not before: a card replaced since this event was
        # recorded still gets the first answer, and a good card costs no extra query.
        revoked = check.volunteer is not None
        return _unrecorded(
            client_event_id, shift, Outcome.REVOKED_CARD if revoked else Outcome.BAD_CARD, check.volunteer
        )
    return record_event(shift=shift, volunteer=check.volunteer, client_event_id=client_event_id, **event)


def record_pick(*, shift: Shift, volunteer_id: int, client_event_id: str, **event) -> ScanResult:
    """The leader picked the person from the roster on the scanner (no card at hand, or no
    camera): as a card read, recorded as marked by the leader. Only people on the roster
    can be picked, and anyone else is answered without a name: a number is no card, and
    must not tell who it belongs to."""
    volunteer = card_holder_at(shift, volunteer_id)
    if volunteer is None or not volunteer.on_roster:
        return _unrecorded(client_event_id, shift, Outcome.NOT_ON_ROSTER, None)
    return record_event(
        shift=shift, volunteer=volunteer, client_event_id=client_event_id, method=ScanEvent.Method.MANUAL, **event
    )


def _replay(client_event_id: str, shift: Shift) -> ScanResult | None:
    event = ScanEvent.objects.select_related("attendance__volunteer").filter(client_event_id=client_event_id).first()
    if event is None:
        return None
    if event.attendance.shift_id != shift.pk:
        # An id already used at another shift: answer nothing about that shift's people.
        return _result(Outcome.BAD_CARD)
    return _result(Outcome(event.outcome), event.attendance.volunteer, event.at)


def _unrecorded(
    client_event_id: str, shift: Shift, outcome: Outcome, volunteer: Volunteer | None, at=None
) -> ScanResult:
    """An answer that records nothing, unless this event id was recorded before: then the
    first answer again. Accepted scans need no such look-up: the event id's unique
    constraint stops a second copy, and record_event then answers with the first."""
    return _replay(client_event_id, shift) or _result(outcome, volunteer, at)


def record_event(
    *,
    shift: Shift,
    volunteer: Volunteer,
    client_event_id: str,
    at: datetime.datetime,
    by: User | None,
    kind: str | None = None,
    walk_in: bool = False,
    method: str = ScanEvent.Method.SCAN,
    device: str = "",
    now: datetime.datetime | None = None,
) -> ScanResult:
    now = now or timezone.now()
    if at > now + CLOCK_SKEW:
        return _unrecorded(client_event_id, shift, Outcome.FUTURE, volunteer)
    arguments = (shift, volunteer, client_event_id, at, by, kind, walk_in, method, device[:100])
    attempts = 2
    for attempt in range(1, attempts + 1):
        # Read with the card, before this transaction: if another phone makes the row
        # meanwhile, the insert trips the unique constraint and the next attempt looks.
        known_new = attempt == 1 and getattr(volunteer, "has_attendance", None) is False
        try:
            with transaction.atomic():
                return _record_event(*arguments, known_new=known_new)
        except IntegrityError:
            # Another request got in first. Either it recorded this event id (answer as it
            # did), or another phone made this person's attendance row at the same moment:
            # go again, and this time the row is there to lock.
            first = _replay(client_event_id, shift)
            if first is not None:
                return first
            if attempt == attempts:
                raise
    raise RuntimeError("not reached: the last attempt returns or raises")


def _record_event(
    shift, volunteer, client_event_id, at, by, kind, walk_in, method, device, *, known_new=False
) -> ScanResult:
    def unrecorded(outcome: Outcome, answer_at=at) -> ScanResult:
        return _unrecorded(client_event_id, shift, outcome, volunteer, answer_at)

    # The shift as this request loaded it: a cancellation that commits while one scan
    # is being recorded is no different from one that commits just after it.
    if shift.is_cancelled:
        return unrecorded(Outcome.CANCELLED_SHIFT)
    attendance = None
    if not known_new:
        attendance = Attendance.objects.select_for_update().filter(shift=shift, volunteer=volunteer).first()
    if attendance is None:
        allowed = _may_walk_in(shift, volunteer) if walk_in else _on_roster(shift, volunteer)
        if not allowed:
            return unrecorded(Outcome.NOT_ON_ROSTER)
        # Saved below with its first event; a copy made meanwhile by another phone trips
        # the unique constraint, and record_event goes again.
        attendance = Attendance(shift=shift, volunteer=volunteer, is_walk_in=walk_in)
        events = []
    else:
        attendance.volunteer = volunteer
        # Read under the row lock: a copy of this event may have been recorded meanwhile.
        events = list(attendance.events.values_list("client_event_id", "kind", "at", "outcome"))
        for event_id, _kind, event_at, outcome in events:
            if event_id == client_event_id:
                return _result(Outcome(outcome), volunteer, event_at)
        if attendance.review_state == Attendance.Review.POSTED:
            # Rule 9: the ledger holds this time now, and a record is never changed; a
            # later scan would make the sheet disagree with it. The office corrects it.
            return unrecorded(Outcome.ALREADY_POSTED)
    last = events[-1] if events else None  # ordered by (at, pk)
    if kind is None:
        if last is not None and abs(at - last[2]) < REPEAT_WINDOW:
            return unrecorded(Outcome.REPEAT, last[2])
        kind = ScanEvent.Kind.OUT if last is not None and last[1] == ScanEvent.Kind.IN else ScanEvent.Kind.IN
    if kind == ScanEvent.Kind.OUT or any(event[1] == ScanEvent.Kind.OUT for event in events):
        # Time is credited: read the shift again under the row lock. A leader's edit of its
        # times, break or kind that committed after this request read it must count; one
        # still running waits for this row, and works this time out again after.
        shift = shift_to_scan(shift.pk) or shift
    schedule = schedule_of(shift)
    accepted = schedule.accepts_checkin(at) if kind == ScanEvent.Kind.IN else schedule.accepts_checkout(at)
    if not accepted:
        return unrecorded(Outcome.OUTSIDE_WINDOW)
    if kind == ScanEvent.Kind.IN and last is not None and last[1] == ScanEvent.Kind.IN and last[2] <= at:
        outcome = Outcome.ALREADY_IN
    else:
        outcome = Outcome.CHECKED_IN if kind == ScanEvent.Kind.IN else Outcome.CHECKED_OUT
    _apply_credit(
        attendance, schedule, [(event_kind, event_at) for _id, event_kind, event_at, _o in events] + [(kind, at)]
    )
    if attendance.pk is None:
        attendance.save()
    else:
        attendance.save(update_fields=CREDIT_FIELDS)
    ScanEvent.objects.create(
        client_event_id=client_event_id,
        attendance=attendance,
        kind=kind,
        at=at,
        method=method,
        by=by,
        device=device,
        outcome=outcome,
    )
    return _result(outcome, volunteer, at)


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
        _evaluate(attendance, shift)
    # Worked out from the scans alone, someone who never signed out reads as checked in.
    close_unfinished(shift)
    return len(attendances)


def _evaluate(attendance: Attendance, shift: Shift) -> Credit:
    """Recompute credited minutes, status and review flags from the events, and save them."""
    schedule = schedule_of(shift)
    if attendance.status in (Attendance.Status.ON_LEAVE, Attendance.Status.ABSENT) and not attendance.events.exists():
        return credit([], schedule)
    result = _apply_credit(attendance, schedule, list(attendance.events.values_list("kind", "at")))
    attendance.save(update_fields=CREDIT_FIELDS)
    return result


def _apply_credit(attendance: Attendance, schedule: Schedule, events: list[tuple[str, datetime.datetime]]) -> Credit:
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


def service_of(shift: Shift, responsible: str) -> ledger.Service:
    """What the ledger keeps of a shift: its own copy, true even when the shift is later edited."""
    return ledger.Service(
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
    close_unfinished(shift, now)
    if not shift.is_service:
        return []
    states = [Attendance.Review.OPEN, Attendance.Review.NEEDS_REVIEW] if include_reviewed else [Attendance.Review.OPEN]
    due = list(
        Attendance.objects.select_for_update()
        .filter(shift=shift, review_state__in=states, credited_minutes__gt=0)
        .exclude(status=Attendance.Status.NOT_SIGNED_OUT)
        .select_related("volunteer")
        .order_by("pk")
    )
    responsible = by.volunteer.real_name if by is not None and hasattr(by, "volunteer") else ""
    service = service_of(shift, responsible)
    results = ledger.post_records(
        [
            ledger.Posting(
                volunteer=attendance.volunteer,
                service=service,
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


POSTING_FIELDS = ["posted_record", "review_state", "updated_at"]


def set_posting_results(
    attendances: list[Attendance], results: list[ServiceRecord | ValidationError], at: datetime.datetime
) -> None:
    """What the ledger said of each person's posting, on their attendance (unsaved)."""
    for attendance, result in zip(attendances, results, strict=True):
        if isinstance(result, ValidationError):
            # An overlap with another credited record (rule 5): the leader decides.
            attendance.review_state = Attendance.Review.NEEDS_REVIEW
        else:
            attendance.posted_record = result
            attendance.review_state = Attendance.Review.POSTED
        # Bulk updates leave auto_now fields alone.
        attendance.updated_at = at


# ---------------------------------------------------------------- marks by the leader
#
# The leader's marks go through the same events and the same _evaluate as scans, so
# one rule decides late, left early and credited time (rule 1). Posted attendance is
# never re-marked: a posted record is corrected in the ledger (rule 9).

POSTING_WORKING_DAYS = 10


def _manual_event_id() -> str:
    return f"manual-{uuid.uuid4().hex}"


def _clock(at: datetime.datetime) -> str:
    return f"{timezone.localtime(at):%H:%M}"


def _locked_attendance(shift: Shift, volunteer: Volunteer, *, walk_in: bool = False) -> Attendance:
    """The person's attendance row, locked; made when the person is on the roster
    (or, for a walk-in, may be added at the venue)."""
    attendance = Attendance.objects.select_for_update().filter(shift=shift, volunteer=volunteer).first()
    if attendance is not None:
        _refuse_if_posted(attendance, volunteer)
        return attendance
    if _on_roster(shift, volunteer):
        walk_in = False
    elif not walk_in:
        raise ValidationError(_("%(name)s is not on the roster of this shift") % {"name": volunteer.real_name})
    elif not _may_walk_in(shift, volunteer):
        raise ValidationError(
            _("%(name)s is not an active member of this team and cannot be added at the venue.")
            % {"name": volunteer.real_name}
        )
    try:
        with transaction.atomic():
            return Attendance.objects.create(shift=shift, volunteer=volunteer, is_walk_in=walk_in)
    except IntegrityError:
        # A scan made the row meanwhile: use it.
        return Attendance.objects.select_for_update().get(shift=shift, volunteer=volunteer)


def _refuse_if_posted(attendance: Attendance, volunteer: Volunteer) -> None:
    if attendance.review_state == Attendance.Review.POSTED:
        raise ValidationError(_message(Outcome.ALREADY_POSTED, volunteer))


def _lock_shift(shift: Shift) -> Shift:
    # Shift first, then attendance: the order post_attendance locks in, so a mark and a
    # confirmation of the same sheet wait for each other instead of deadlocking.
    return Shift.objects.select_related("team").select_for_update().get(pk=shift.pk)


def _check_times(
    shift: Shift,
    checked_in: datetime.datetime | None,
    checked_out: datetime.datetime | None,
    now: datetime.datetime,
) -> None:
    schedule = schedule_of(shift)
    window = {
        "from": _clock(schedule.checkin_from),
        "until": _clock(schedule.ends_at),
        "out_until": _clock(schedule.checkout_until),
    }
    if checked_in is not None and not schedule.accepts_checkin(checked_in):
        raise ValidationError(_("Check-in must be between %(from)s and %(until)s.") % window)
    if checked_out is not None and not schedule.accepts_checkout(checked_out):
        raise ValidationError(_("Check-out must be between %(from)s and %(out_until)s.") % window)
    if checked_in is not None and checked_out is not None and checked_out <= checked_in:
        raise ValidationError(_("Check-out must be after check-in."))
    for at in (checked_in, checked_out):
        if at is not None and at > now + CLOCK_SKEW:
            raise ValidationError(_("%(time)s is still to come: mark it when it has happened.") % {"time": _clock(at)})


def _add_event(attendance: Attendance, kind: str, at: datetime.datetime, by: User | None) -> None:
    outcome = Outcome.CHECKED_IN if kind == ScanEvent.Kind.IN else Outcome.CHECKED_OUT
    ScanEvent.objects.create(
        client_event_id=_manual_event_id(),
        attendance=attendance,
        kind=kind,
        at=at,
        method=ScanEvent.Method.MANUAL,
        by=by,
        outcome=outcome,
    )


@transaction.atomic
def mark_present(
    *,
    shift: Shift,
    volunteer: Volunteer,
    checked_in: datetime.datetime,
    checked_out: datetime.datetime | None,
    by: User | None,
    walk_in: bool = False,
    now: datetime.datetime | None = None,
) -> Attendance:
    """The leader marks someone present from `checked_in` to `checked_out`; late and
    left early follow from the times. `walk_in` adds a team member who did not sign up."""
    now = now or timezone.now()
    shift = _lock_shift(shift)
    if shift.is_cancelled:
        raise ValidationError(_("This shift has been cancelled"))
    if checked_out is None and now > shift.ends_at:
        raise ValidationError(_("The shift has ended: give the check-out time too."))
    _check_times(shift, checked_in, checked_out, now)
    attendance = _locked_attendance(shift, volunteer, walk_in=walk_in)
    if attendance.events.exists():
        raise ValidationError(
            _(
                "%(name)s already has check-in records for this shift; "
                "if they did not sign out, give the check-out time."
            )
            % {"name": volunteer.real_name}
        )
    _add_event(attendance, ScanEvent.Kind.IN, checked_in, by)
    if checked_out is not None:
        _add_event(attendance, ScanEvent.Kind.OUT, checked_out, by)
    _evaluate(attendance, shift)
    return attendance


@transaction.atomic
def mark_checked_out(
    *,
    shift: Shift,
    volunteer: Volunteer,
    checked_out: datetime.datetime,
    by: User | None,
    now: datetime.datetime | None = None,
) -> Attendance:
    """The leader gives the check-out time of someone who checked in but never out
    (rule 3: their time is credited only once the leader says when they left)."""
    now = now or timezone.now()
    shift = _lock_shift(shift)
    attendance = Attendance.objects.select_for_update().filter(shift=shift, volunteer=volunteer).first()
    if attendance is not None:
        _refuse_if_posted(attendance, volunteer)
    last = attendance.events.order_by("-at", "-pk").first() if attendance is not None else None
    if last is None or last.kind != ScanEvent.Kind.IN:
        raise ValidationError(_("%(name)s is not checked in.") % {"name": volunteer.real_name})
    _check_times(shift, None, checked_out, now)
    if checked_out <= last.at:
        raise ValidationError(_("Check-out must be after the check-in at %(time)s.") % {"time": _clock(last.at)})
    _add_event(attendance, ScanEvent.Kind.OUT, checked_out, by)
    _evaluate(attendance, shift)
    return attendance


@transaction.atomic
def mark_absence(
    *, shift: Shift, volunteer: Volunteer, status: str, by: User | None, now: datetime.datetime | None = None
) -> Attendance:
    """On leave (请假) or absent (no-show): credited 0. Nothing posted is touched."""
    if status not in (Attendance.Status.ON_LEAVE, Attendance.Status.ABSENT):
        raise ValueError(status)
    now = now or timezone.now()
    shift = _lock_shift(shift)
    if status == Attendance.Status.ABSENT and now < shift.starts_at:
        raise ValidationError(_("Nobody is absent before the shift starts; mark them on leave instead."))
    attendance = _locked_attendance(shift, volunteer)
    attendance.status = status
    attendance.credited_minutes = 0
    attendance.review_reasons = []
    attendance.review_state = Attendance.Review.OPEN
    attendance.save(update_fields=["status", "credited_minutes", "review_reasons", "review_state", "updated_at"])
    return attendance


# ---------------------------------------------------------------- confirming the sheet


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


def waiting_on(shift: Shift) -> list[Waiting]:
    """People of a sheet whose time is not in the ledger yet and needs the leader."""
    if not shift.is_service:
        return []  # rule 6: no time of a meeting or duty goes to the ledger
    rows = (
        Attendance.objects.filter(shift=shift)
        .exclude(review_state=Attendance.Review.POSTED)
        .filter(
            Q(status__in=[Attendance.Status.CHECKED_IN, Attendance.Status.NOT_SIGNED_OUT]) | Q(credited_minutes__gt=0)
        )
        .select_related("volunteer")
        .order_by("volunteer__real_name", "pk")
    )
    waiting = []
    for attendance in rows:
        if attendance.status == Attendance.Status.CHECKED_IN:
            reason = _("still checked in")
        elif attendance.status == Attendance.Status.NOT_SIGNED_OUT:
            reason = _("not signed out")
        else:
            reason = _("overlaps another credited record")
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
    posted = post_attendance(shift=shift, by=by, include_reviewed=True, now=now)
    return Confirmation(posted, waiting_on(shift))


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
    shifts = (
        Shift.objects.live()
        .filter(ends_at__lt=now)
        # A meeting or duty (rule 6) posts nothing: only its people still checked in are closed.
        .filter(Exists(to_close) | Q(Exists(to_post), is_service=True))
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
