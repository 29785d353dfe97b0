"""Check-in and check-out at the venue, and posting finished attendance to the ledger.

A scan is recorded once per client-made event id: a batch resent after a network
failure, or arriving out of order, gives the same result. Each scan is one short
transaction that locks the attendance row it changes.
"""

import datetime
import enum
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from shifts.crediting import Credit, Schedule, credit
from shifts.models import Attendance, ScanEvent, Shift, Signup
from teams.models import Membership
from volunteers import ledger
from volunteers.cards import verify_card_token
from volunteers.models import ServiceRecord, Volunteer

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
    )


def _message(outcome: Outcome, volunteer: Volunteer | None) -> str:
    name = volunteer.real_name if volunteer else ""
    return {
        Outcome.CHECKED_IN: _("%(name)s checked in"),
        Outcome.CHECKED_OUT: _("%(name)s checked out"),
        Outcome.ALREADY_IN: _("%(name)s is already checked in"),
        Outcome.REPEAT: _("%(name)s: scanned just now"),
        Outcome.NOT_ON_ROSTER: _("%(name)s is not on the roster of this shift"),
        Outcome.BAD_CARD: _("This is not a valid volunteer card"),
        Outcome.REVOKED_CARD: _("%(name)s's card has been replaced: ask for the new one"),
        Outcome.OUTSIDE_WINDOW: _("Outside the check-in and check-out times of this shift"),
        Outcome.FUTURE: _("The scanning phone's clock is wrong: the scan is in the future"),
        Outcome.CANCELLED_SHIFT: _("This shift has been cancelled"),
    }[outcome] % {"name": name}


def _result(outcome: Outcome, volunteer: Volunteer | None = None, at=None) -> ScanResult:
    return ScanResult(outcome, volunteer, at, _message(outcome, volunteer))


def _on_roster(shift: Shift, volunteer: Volunteer) -> bool:
    return Signup.objects.confirmed().filter(shift=shift, volunteer=volunteer).exists()


def _may_walk_in(shift: Shift, volunteer: Volunteer) -> bool:
    """Members of the team, and anyone at a public shift, may be added at the venue."""
    return shift.is_public or Membership.objects.active().filter(team=shift.team, user_id=volunteer.user_id).exists()


def record_scan(
    *,
    shift: Shift,
    token: str,
    client_event_id: str,
    at: datetime.datetime,
    by: User | None,
    kind: str | None = None,
    walk_in: bool = False,
    method: str = ScanEvent.Method.SCAN,
    device: str = "",
    now: datetime.datetime | None = None,
) -> ScanResult:
    """One card read at the venue. The first scan checks in, the next checks out,
    unless `kind` says which. A replayed event id repeats the first answer."""
    first = _replay(client_event_id)
    if first is not None:
        return first
    check = verify_card_token(token)
    if not check.ok:
        revoked = check.volunteer is not None
        return _result(Outcome.REVOKED_CARD if revoked else Outcome.BAD_CARD, check.volunteer)
    return record_event(
        shift=shift,
        volunteer=check.volunteer,
        client_event_id=client_event_id,
        at=at,
        by=by,
        kind=kind,
        walk_in=walk_in,
        method=method,
        device=device,
        now=now,
    )


def _replay(client_event_id: str) -> ScanResult | None:
    event = ScanEvent.objects.select_related("attendance__volunteer").filter(client_event_id=client_event_id).first()
    if event is None:
        return None
    return _result(Outcome(event.outcome), event.attendance.volunteer, event.at)


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
        return _result(Outcome.FUTURE, volunteer)
    try:
        with transaction.atomic():
            return _record_event(shift, volunteer, client_event_id, at, by, kind, walk_in, method, device)
    except IntegrityError:
        # The same event id arrived twice at once: the other request recorded it.
        replay = _replay(client_event_id)
        if replay is None:
            raise
        return replay


def _record_event(shift, volunteer, client_event_id, at, by, kind, walk_in, method, device) -> ScanResult:
    shift = Shift.objects.select_related("team").get(pk=shift.pk)
    if shift.is_cancelled:
        return _result(Outcome.CANCELLED_SHIFT, volunteer, at)
    attendance = Attendance.objects.select_for_update().filter(shift=shift, volunteer=volunteer).first()
    # Asked again under the lock: a copy of this event may have been recorded meanwhile.
    first = _replay(client_event_id)
    if first is not None:
        return first
    if attendance is None:
        allowed = _may_walk_in(shift, volunteer) if walk_in else _on_roster(shift, volunteer)
        if not allowed:
            return _result(Outcome.NOT_ON_ROSTER, volunteer, at)
        attendance = Attendance.objects.create(shift=shift, volunteer=volunteer, is_walk_in=walk_in)
    last = attendance.events.order_by("-at", "-pk").first()
    if kind is None:
        if last is not None and abs(at - last.at) < REPEAT_WINDOW:
            return _result(Outcome.REPEAT, volunteer, last.at)
        kind = ScanEvent.Kind.OUT if last is not None and last.kind == ScanEvent.Kind.IN else ScanEvent.Kind.IN
    schedule = schedule_of(shift)
    accepted = schedule.accepts_checkin(at) if kind == ScanEvent.Kind.IN else schedule.accepts_checkout(at)
    if not accepted:
        return _result(Outcome.OUTSIDE_WINDOW, volunteer, at)
    if kind == ScanEvent.Kind.IN and last is not None and last.kind == ScanEvent.Kind.IN and last.at <= at:
        outcome = Outcome.ALREADY_IN
    else:
        outcome = Outcome.CHECKED_IN if kind == ScanEvent.Kind.IN else Outcome.CHECKED_OUT
    ScanEvent.objects.create(
        client_event_id=client_event_id,
        attendance=attendance,
        kind=kind,
        at=at,
        method=method,
        by=by,
        device=device[:100],
        outcome=outcome,
    )
    _evaluate(attendance, shift)
    return _result(outcome, volunteer, at)


def _evaluate(attendance: Attendance, shift: Shift) -> Credit:
    """Recompute credited minutes, status and review flags from the events."""
    if attendance.status in (Attendance.Status.ON_LEAVE, Attendance.Status.ABSENT) and not attendance.events.exists():
        return credit([], schedule_of(shift))
    events = list(attendance.events.values_list("kind", "at"))
    key = source_key(attendance)
    result = credit(
        events,
        schedule_of(shift),
        other_credited=ledger.credited_intervals(attendance.volunteer, shift.starts_at, exclude_key=key),
        day_minutes_elsewhere=ledger.minutes_on(
            attendance.volunteer, timezone.localdate(shift.starts_at), exclude_key=key
        ),
    )
    if result.not_signed_out:
        status = Attendance.Status.CHECKED_IN
    elif result.late:
        status = Attendance.Status.LATE
    elif result.left_early:
        status = Attendance.Status.LEFT_EARLY
    else:
        status = Attendance.Status.PRESENT
    attendance.status = status
    attendance.credited_minutes = result.minutes
    attendance.review_reasons = [str(reason) for reason in result.review]
    if attendance.review_state != Attendance.Review.POSTED:
        attendance.review_state = Attendance.Review.NEEDS_REVIEW if result.needs_review else Attendance.Review.OPEN
    attendance.save(update_fields=["status", "credited_minutes", "review_reasons", "review_state", "updated_at"])
    return result


def source_key(attendance: Attendance) -> str:
    return f"attendance:{attendance.pk}"


def close_unfinished(shift: Shift, now: datetime.datetime | None = None) -> int:
    """After the check-out window: anyone still checked in becomes "not signed out"
    (credited 0, for the leader), and signed-up people never scanned become absent."""
    now = now or timezone.now()
    if now <= schedule_of(shift).checkout_until:
        return 0
    with transaction.atomic():
        changed = Attendance.objects.filter(shift=shift, status=Attendance.Status.CHECKED_IN).update(
            status=Attendance.Status.NOT_SIGNED_OUT, credited_minutes=0, review_state=Attendance.Review.NEEDS_REVIEW
        )
        seen = Attendance.objects.filter(shift=shift).values("volunteer_id")
        absent = Signup.objects.confirmed().filter(shift=shift).exclude(volunteer_id__in=seen)
        Attendance.objects.bulk_create(
            Attendance(shift=shift, volunteer_id=signup.volunteer_id, status=Attendance.Status.ABSENT)
            for signup in absent
        )
    return changed


def _service_of(shift: Shift, responsible: str) -> ledger.Service:
    return ledger.Service(
        office=shift.team.office,
        team=shift.team,
        service_date=timezone.localdate(shift.starts_at),
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
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
    except people not signed out, whose time the leader must set first.
    """
    shift = Shift.objects.select_related("team__office").select_for_update().get(pk=shift.pk)
    close_unfinished(shift, now)
    states = [Attendance.Review.OPEN, Attendance.Review.NEEDS_REVIEW] if include_reviewed else [Attendance.Review.OPEN]
    due = (
        Attendance.objects.select_for_update()
        .filter(shift=shift, review_state__in=states, credited_minutes__gt=0)
        .exclude(status=Attendance.Status.NOT_SIGNED_OUT)
        .select_related("volunteer")
    )
    responsible = by.volunteer.real_name if by is not None and hasattr(by, "volunteer") else ""
    posted = []
    for attendance in due:
        try:
            record = ledger.post_record(
                volunteer=attendance.volunteer,
                service=_service_of(shift, responsible),
                minutes=attendance.credited_minutes,
                kind=ServiceRecord.Kind.ATTENDANCE,
                source_key=source_key(attendance),
                recorded_by=by,
            )
        except ValidationError:
            # An overlap with another credited record (rule 5): the leader decides.
            attendance.review_state = Attendance.Review.NEEDS_REVIEW
            attendance.save(update_fields=["review_state", "updated_at"])
            continue
        attendance.posted_record = record
        attendance.review_state = Attendance.Review.POSTED
        attendance.save(update_fields=["posted_record", "review_state", "updated_at"])
        posted.append(record)
    return posted
