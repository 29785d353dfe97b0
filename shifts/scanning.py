"""Check-in and check-out at the venue: a card read or a leader's pick on the scanner.

A scan is recorded once per client-made event id: a batch resent after a network
failure gives the same answer again. Every accepted read is kept, repeats included:
what each one does follows from all of the person's reads in time order
(crediting.resolve), so a read answered "checked in" may become a repeat once an
earlier read from an offline phone arrives; the sheet shows the final state. Each scan
is one short transaction that locks the volunteer and the attendance it changes.
"""

import datetime
import enum
from dataclasses import dataclass

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from shifts.attendance import (
    CREDIT_FIELDS,
    credit_alone,
    lock_volunteers,
    reads_of,
    recredit_volunteer,
    schedule_of,
    set_credit,
)
from shifts.crediting import Read, resolve
from shifts.first_reads import save_with_first_event, transaction_for
from shifts.models import Attendance, ScanEvent, Shift, Signup
from shifts.selectors import card_holder_at, shift_to_scan
from teams.models import Membership
from volunteers.cards import verify_card_token
from volunteers.models import Volunteer

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


def outcome_message(outcome: Outcome, volunteer: Volunteer | None) -> str:
    # Only the one message is translated: a batch of a hundred answers asks for a hundred.
    return _(MESSAGES[outcome]) % {"name": volunteer.real_name if volunteer else ""}


def _result(outcome: Outcome, volunteer: Volunteer | None = None, at=None) -> ScanResult:
    return ScanResult(outcome, volunteer, at, outcome_message(outcome, volunteer))


def on_roster(shift: Shift, volunteer: Volunteer) -> bool:
    known = getattr(volunteer, "on_roster", None)  # read with the card (record_scan)
    if known is not None:
        return known
    return Signup.objects.confirmed().filter(shift=shift, volunteer=volunteer).exists()


def may_walk_in(shift: Shift, volunteer: Volunteer) -> bool:
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
        # A person's first read at a shift, up to its end, checks them in (crediting.resolve):
        # most of a scanner's work. Alone it credits nothing and changes nothing else of their
        # day, so it needs no volunteer lock, and where its two rows go in one statement
        # (shifts.first_reads), no transaction of its own: the unique (shift, volunteer) row
        # stops a second copy.
        lone_check_in = known_new and kind != ScanEvent.Kind.OUT and at <= shift.ends_at
        try:
            with transaction_for(lone_check_in):
                return _record_event(*arguments, known_new=known_new, lone_check_in=lone_check_in)
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
    shift, volunteer, client_event_id, at, by, kind, walk_in, method, device, *, known_new=False, lone_check_in=False
) -> ScanResult:
    def unrecorded(outcome: Outcome, answer_at=at) -> ScanResult:
        return _unrecorded(client_event_id, shift, outcome, volunteer, answer_at)

    # The shift as this request loaded it: a cancellation that commits while one scan
    # is being recorded is no different from one that commits just after it.
    if shift.is_cancelled:
        return unrecorded(Outcome.CANCELLED_SHIFT)
    if not lone_check_in:
        lock_volunteers([volunteer.pk])  # first: the lock order of shifts.attendance
    attendance = None
    if not known_new:
        attendance = Attendance.objects.select_for_update().filter(shift=shift, volunteer=volunteer).first()
    if attendance is None:
        allowed = may_walk_in(shift, volunteer) if walk_in else on_roster(shift, volunteer)
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
    kind = kind or ScanEvent.Kind.AUTO
    if events or kind == ScanEvent.Kind.OUT or at > shift.ends_at:
        # Time may be credited: read the shift again under the locks. A leader's edit of its
        # times, break or kind that committed after this request read it must count; one
        # still running holds the volunteer, and works this time out again after.
        shift = shift_to_scan(shift.pk) or shift
    schedule = schedule_of(shift)
    accepts = {ScanEvent.Kind.IN: schedule.accepts_checkin, ScanEvent.Kind.OUT: schedule.accepts_checkout}
    if not accepts.get(kind, schedule.accepts_read)(at):
        return unrecorded(Outcome.OUTSIDE_WINDOW)
    reads = reads_of((event_kind, event_at, key) for key, event_kind, event_at, _o in events)
    reads += (Read(kind, at, client_event_id),)
    outcome = next(Outcome(effect) for read, effect in resolve(reads, schedule) if read.key == client_event_id)
    alone = credit_alone(attendance, shift, reads)
    # While no time is served here, before or after this read, nothing else of the person's
    # day changes with it: worked out alone, a check-in (most of a scanner's work) stays cheap.
    # A meeting or duty (rule 6) credits nothing: no time for the rest of the day to weigh.
    by_itself = not alone.served and not any(pair.checked_out for pair in alone.pairs)
    by_itself = not schedule.is_service or (by_itself and attendance.credited_minutes == 0 and not attendance.served)
    if by_itself:
        set_credit(attendance, alone, schedule)
    event = ScanEvent(
        client_event_id=client_event_id, kind=kind, at=at, method=method, by=by, device=device, outcome=outcome
    )
    if attendance.pk is None:
        save_with_first_event(attendance, event)
    else:
        if by_itself:
            attendance.save(update_fields=CREDIT_FIELDS)
        event.attendance = attendance
        event.save()
    if not by_itself:
        recredit_volunteer(volunteer.pk, shift)
    return _result(outcome, volunteer, at)
