"""The leader's marks on the attendance sheet: present from–to, mended sign-in and
sign-out times (whatever the scans say), on leave or absent.

The marks go through the same events and the same crediting as scans, so one rule
decides late, left early and credited time (rule 1). Posted attendance is never
re-marked: a posted record is corrected in the ledger (rule 9).
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from shifts.attendance import CREDIT_FIELDS, lock_volunteers, recredit_volunteer, schedule_of
from shifts.models import Attendance, AttendanceMend, ScanEvent, Shift
from shifts.posting import POSTING_WORKING_DAYS, posting_open
from shifts.scanning import CLOCK_SKEW, Outcome, may_walk_in, on_roster, outcome_message
from volunteers.models import Volunteer


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
    if on_roster(shift, volunteer):
        walk_in = False
    elif not walk_in:
        raise ValidationError(_("%(name)s is not on the roster of this shift") % {"name": volunteer.real_name})
    elif not may_walk_in(shift, volunteer):
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
        raise ValidationError(outcome_message(Outcome.ALREADY_POSTED, volunteer))


def _has_times(attendance: Attendance) -> bool:
    """Scans or mended times: then a mark is a mend, with a reason."""
    return attendance.is_mended or attendance.events.exists()


def _unposted_times(shift: Shift, volunteer: Volunteer) -> bool:
    """Whether the person has times here (refused when they are in the ledger already)."""
    attendance = Attendance.objects.filter(shift=shift, volunteer=volunteer).first()
    if attendance is None:
        return False
    _refuse_if_posted(attendance, volunteer)
    return _has_times(attendance)


def _check_hand_entry(shift: Shift, now: datetime.datetime) -> None:
    """Times typed by the leader are taken while the sheet may still be posted (rule 7);
    later, the time comes in as a backfill the office approves (rule 8)."""
    if not posting_open(shift, timezone.localdate(now)):
        raise ValidationError(
            _(
                "More than %(days)d working days have passed since this shift: "
                "the time can only be added as a backfill, approved by the office."
            )
            % {"days": POSTING_WORKING_DAYS}
        )


def _entered_late(shift: Shift) -> bool:
    """A shift made after it ended has no scans to stand on: whatever is entered for it
    goes to the office for approval, as a backfill does (rule 8)."""
    return shift.created_at > shift.ends_at


def _lock_shift(shift: Shift) -> Shift:
    # Shift first, then the volunteer and the attendance: the order of shifts.attendance, so
    # a mark, a scan and a confirmation of the same sheet wait for each other, never deadlock.
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
    """The leader marks someone with no scans present from `checked_in` to `checked_out`;
    late and left early follow from the times. `walk_in` adds a team member who did not
    sign up. Someone with scans has their times mended instead (`mend`)."""
    now = now or timezone.now()
    shift = _lock_shift(shift)
    if shift.is_cancelled:
        raise ValidationError(_("This shift has been cancelled"))
    if checked_out is None and now > shift.ends_at:
        raise ValidationError(_("The shift has ended: give the check-out time too."))
    _check_times(shift, checked_in, checked_out, now)
    _check_hand_entry(shift, now)
    lock_volunteers([volunteer.pk])
    attendance = _locked_attendance(shift, volunteer, walk_in=walk_in)
    if _has_times(attendance):
        raise ValidationError(
            _("%(name)s already has check-in records for this shift: mend their times instead.")
            % {"name": volunteer.real_name}
        )
    if _entered_late(shift):
        attendance.entered_late = True
        attendance.save(update_fields=["entered_late", "updated_at"])
    _add_event(attendance, ScanEvent.Kind.IN, checked_in, by)
    if checked_out is not None:
        _add_event(attendance, ScanEvent.Kind.OUT, checked_out, by)
    recredit_volunteer(volunteer.pk, shift, now)
    attendance.refresh_from_db()
    return attendance


@transaction.atomic
def mend(
    *,
    shift: Shift,
    volunteer: Volunteer,
    checked_in: datetime.datetime | None,
    checked_out: datetime.datetime | None,
    reason: str,
    by: User | None,
    now: datetime.datetime | None = None,
) -> Attendance:
    """The leader sets or clears someone's sign-in and sign-out times, whatever the scans
    say, and says why (rule 8). The scans stay as they were; the mend is the latest word.
    A row already in the ledger is corrected there instead (rule 9)."""
    now = now or timezone.now()
    shift = _lock_shift(shift)
    if shift.is_cancelled:
        raise ValidationError(_("This shift has been cancelled"))
    _check_times(shift, checked_in, checked_out, now)
    lock_volunteers([volunteer.pk])
    attendance = Attendance.objects.select_for_update().filter(shift=shift, volunteer=volunteer).first()
    if attendance is None:
        raise ValidationError(
            _("%(name)s has no attendance to mend: mark them present.") % {"name": volunteer.real_name}
        )
    _refuse_if_posted(attendance, volunteer)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the times are mended."))
    _check_hand_entry(shift, now)
    AttendanceMend.objects.create(
        attendance=attendance, checked_in=checked_in, checked_out=checked_out, reason=reason, by=by
    )
    attendance.is_mended, attendance.mended_in, attendance.mended_out = True, checked_in, checked_out
    attendance.entered_late = attendance.entered_late or _entered_late(shift)
    attendance.save(update_fields=["is_mended", "mended_in", "mended_out", "entered_late", "updated_at"])
    recredit_volunteer(volunteer.pk, shift, now)
    attendance.refresh_from_db()
    return attendance


def set_times(
    *,
    shift: Shift,
    volunteer: Volunteer,
    checked_in: datetime.datetime | None,
    checked_out: datetime.datetime | None,
    reason: str,
    by: User | None,
    now: datetime.datetime | None = None,
) -> Attendance:
    """The leader gives someone's times on the sheet: a mark for someone never scanned,
    a mend (with its reason) for someone who was."""
    if _unposted_times(shift, volunteer):
        return mend(
            shift=shift,
            volunteer=volunteer,
            checked_in=checked_in,
            checked_out=checked_out,
            reason=reason,
            by=by,
            now=now,
        )
    if checked_in is None:
        raise ValidationError(_("Give the check-in time."))
    return mark_present(
        shift=shift, volunteer=volunteer, checked_in=checked_in, checked_out=checked_out, by=by, now=now
    )


@transaction.atomic
def mark_absence(
    *,
    shift: Shift,
    volunteer: Volunteer,
    status: str,
    by: User | None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Attendance:
    """On leave (请假) or absent (no-show): credited 0. Nothing posted is touched. Someone
    with scans is absent by a mend that clears both times, with its reason."""
    if status not in (Attendance.Status.ON_LEAVE, Attendance.Status.ABSENT):
        raise ValueError(status)
    now = now or timezone.now()
    if _unposted_times(shift, volunteer):
        if status == Attendance.Status.ON_LEAVE:
            raise ValidationError(
                _("%(name)s has check-in records for this shift: mark them absent, or mend their times.")
                % {"name": volunteer.real_name}
            )
        return mend(shift=shift, volunteer=volunteer, checked_in=None, checked_out=None, reason=reason, by=by, now=now)
    shift = _lock_shift(shift)
    if status == Attendance.Status.ABSENT and now < shift.starts_at:
        raise ValidationError(_("Nobody is absent before the shift starts; mark them on leave instead."))
    lock_volunteers([volunteer.pk])
    attendance = _locked_attendance(shift, volunteer)
    attendance.status = status
    attendance.credited_minutes = 0
    attendance.served = []
    attendance.review_reasons = []
    attendance.review_state = Attendance.Review.OPEN
    attendance.save(update_fields=[*CREDIT_FIELDS])
    recredit_volunteer(volunteer.pk, shift, now)
    return attendance
