"""Asking for ledger changes and deciding them: corrections (DESIGN rule 9) and backfills (rule 8).

Each function is one transaction. Who may ask or decide is the permission module's
answer (teams.permissions); the rules about people — a decision by someone other
than the person who asked — live here.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.notifications import notify
from hours import ledger
from hours.models import BackfillRequest, CorrectionRequest, ServiceRecord
from hours.units import hours
from teams.models import Membership, Team
from teams.permissions import ACCESS_OFFICE_MANAGE, ACCESS_TEAM_RUN, has_access
from volunteers.models import Volunteer


def _record_label(record: ServiceRecord | BackfillRequest) -> str:
    return f"{record.service_date:%Y-%m-%d} {record.activity}"


# ---------------------------------------------------------------- corrections: asked, decided, or made by the office


@transaction.atomic
def ask_correction(*, record: ServiceRecord, by: User, minutes: int, reason: str) -> CorrectionRequest:
    """The volunteer asks for their own record to be set to `minutes`."""
    # The record's row lock serialises two requests for it (one pending request per record).
    record = ServiceRecord.objects.select_for_update().select_related("volunteer").get(pk=record.pk)
    if record.volunteer.user_id != by.pk:
        raise ValidationError(_("You can only ask for a correction of your own records."))
    return _file_correction(record=record, by=by, minutes=minutes, reason=reason)


@transaction.atomic
def ask_team_correction(*, record: ServiceRecord, by: User, minutes: int, reason: str) -> CorrectionRequest:
    """A leader of the record's team asks the office to set it to `minutes`: leaders do not
    correct records themselves, office staff decide in the same queue as a volunteer's request."""
    record = ServiceRecord.objects.select_for_update(of=("self",)).select_related("team").get(pk=record.pk)
    if record.team is None or not has_access(by, record.team, ACCESS_TEAM_RUN):
        raise ValidationError(_("Only those who run the record's team ask for its correction."))
    return _file_correction(record=record, by=by, minutes=minutes, reason=reason)


def _file_correction(*, record: ServiceRecord, by: User, minutes: int, reason: str) -> CorrectionRequest:
    """The checks every request passes, the record locked by the caller."""
    if not ledger.is_correctable(record):
        raise ValidationError(_("This record has already been corrected."))
    if CorrectionRequest.objects.filter(record=record, state=CorrectionRequest.State.PENDING).exists():
        raise ValidationError(_("A correction of this record is already waiting for a decision."))
    length = ledger.scheduled_length(record)
    if minutes < 0 or (length is not None and minutes > length):
        raise ValidationError(_("The corrected time must be between 0 and the scheduled length."))
    ledger.check_units(minutes, record.team, length)
    if minutes == record.minutes:
        raise ValidationError(_("That is the time already recorded."))
    if not reason.strip():
        raise ValidationError(_("Say why the record should be corrected."))
    request = CorrectionRequest(record=record, requested_by=by, requested_minutes=minutes, reason=reason.strip())
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def decide_correction(*, correction: CorrectionRequest, by: User, approve: bool, note: str = "") -> CorrectionRequest:
    """Approve (the ledger reverses the record and posts the asked time) or refuse, and tell the volunteer."""
    correction = (
        CorrectionRequest.objects.select_for_update(of=("self",))
        .select_related("record__office", "record__volunteer__user", "requested_by")
        .get(pk=correction.pk)
    )
    record = correction.record
    if correction.state != CorrectionRequest.State.PENDING:
        raise ValidationError(_("This correction has already been decided."))
    if not has_access(by, record.office, ACCESS_OFFICE_MANAGE):
        raise ValidationError(_("Only staff of the record's office decide this correction."))
    if by.pk in (correction.requested_by_id, record.volunteer.user_id):
        raise ValidationError(_("A correction is decided by someone other than the person who asked."))
    note = note.strip()
    # A request a leader filed is told to both, naming whose record it is.
    asked_by_volunteer = correction.requested_by_id == record.volunteer.user_id
    words = {
        "record": _record_label(record),
        "name": record.volunteer.real_name,
        "hours": hours(correction.requested_minutes),
        "note": note,
    }
    if approve:
        ledger.correct_record(
            record=record, minutes=correction.requested_minutes, reason=correction.reason, by=by, approved_by=by
        )
        if asked_by_volunteer:
            message = gettext_lazy("Your correction of %(record)s was approved: now %(hours)s h.")
        else:
            message = gettext_lazy("The correction of %(record)s of %(name)s was approved: now %(hours)s h.")
    else:
        if not note:
            raise ValidationError(_("Say why the correction is refused."))
        if asked_by_volunteer:
            message = gettext_lazy("Your correction of %(record)s was refused: %(note)s")
        else:
            message = gettext_lazy("The correction of %(record)s of %(name)s was refused: %(note)s")
    correction.record_decision(approved=approve, by=by, note=note)
    notify([record.volunteer.user], lambda: message % words, reverse("hours:my_hours"))
    if not asked_by_volunteer:
        notify(
            [correction.requested_by],
            lambda: message % words,
            reverse("hours:volunteer_records", args=[record.volunteer_id]),
        )
    return correction


@transaction.atomic
def correct_by_office(
    *, record: ServiceRecord, by: User, minutes: int, reason: str
) -> tuple[ServiceRecord, ServiceRecord | None]:
    """Office staff of the record's office correct it themselves (rule 9): the ledger reverses it
    and posts `minutes` (0 withdraws it), keeping who, when and why; never more than the scheduled
    length (rule 8, the ledger's check). A request waiting for the record is decided with it, and
    the volunteer (and a leader who asked) are told."""
    # Waiting requests first, then the record: the order decide_correction locks them in.
    waiting = list(
        CorrectionRequest.objects.select_for_update(of=("self",))
        .filter(record_id=record.pk, state=CorrectionRequest.State.PENDING)
        .select_related("requested_by")
    )
    record = (
        ServiceRecord.objects.select_for_update(of=("self",))
        .select_related("office", "volunteer__user")
        .get(pk=record.pk)
    )
    if not has_access(by, record.office, ACCESS_OFFICE_MANAGE):
        raise ValidationError(_("Only staff of the record's office correct it."))
    # A request filed while this waited for the record's lock would stay pending on a
    # record already reversed: let the staff see it first.
    arrived = CorrectionRequest.objects.filter(record_id=record.pk, state=CorrectionRequest.State.PENDING)
    if arrived.exclude(pk__in=[request.pk for request in waiting]).exists():
        raise ValidationError(_("A correction request for this record has just arrived: reload the page to see it."))
    if by.pk == record.volunteer.user_id:
        raise ValidationError(_("Your own record is corrected by someone else in the office."))
    if not ledger.is_correctable(record):
        raise ValidationError(_("This record has already been corrected."))
    if minutes == record.minutes:
        raise ValidationError(_("That is the time already recorded."))
    reversal, replacement = ledger.correct_record(record=record, minutes=minutes, reason=reason, by=by, approved_by=by)
    words = {
        "record": _record_label(record),
        "name": record.volunteer.real_name,
        "hours": hours(minutes),
        "reason": reversal.reason,
    }
    if minutes:
        message = gettext_lazy("%(record)s of %(name)s was corrected by the office: now %(hours)s h. Why: %(reason)s")
    else:
        message = gettext_lazy("%(record)s of %(name)s was withdrawn by the office. Why: %(reason)s")
    for request in waiting:
        request.record_decision(
            approved=request.requested_minutes == minutes,
            by=by,
            note=_("The office corrected the record itself: now %(hours)s h.") % words,
        )
    notify([record.volunteer.user], lambda: message % words, reverse("hours:my_hours"))
    leaders = {request.requested_by for request in waiting if request.requested_by_id != record.volunteer.user_id}
    if leaders:
        notify(leaders, lambda: message % words, reverse("hours:volunteer_records", args=[record.volunteer_id]))
    return reversal, replacement


# ---------------------------------------------------------------- backfills (补录)


@transaction.atomic
def ask_backfill(
    *,
    team: Team,
    volunteer: Volunteer,
    by: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    activity: str,
    minutes: int,
    reason: str,
    place: str = "",
    content: str = "",
    break_minutes: int = 0,
    source_key: str = "",
) -> BackfillRequest:
    """A leader or staff of the team asks for a record of a member's past service.
    `source_key` names what it stands for (an attendance entered by hand after the fact)."""
    if not has_access(by, team, ACCESS_TEAM_RUN):
        raise ValidationError(_("Only the team's leaders and office staff ask for backfills."))
    if not Membership.objects.active().filter(team=team, user=volunteer.user).exists():
        raise ValidationError(_("The volunteer is not an active member of this team."))
    if ends_at > timezone.now():
        raise ValidationError(_("A backfill is for service already done."))
    backfill = BackfillRequest(
        volunteer=volunteer,
        office=team.office,
        team=team,
        service_date=timezone.localtime(starts_at).date(),
        starts_at=starts_at,
        ends_at=ends_at,
        activity=activity.strip(),
        place=place.strip(),
        content=content.strip(),
        break_minutes=break_minutes,
        minutes=minutes,
        reason=reason.strip(),
        requested_by=by,
        source_key=source_key,
    )
    backfill.full_clean()  # the reason, and never more than the scheduled length (rule 8)
    ledger.check_units(minutes, team, backfill.scheduled_minutes)
    if ledger.credited(volunteer).filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise ValidationError(_("This overlaps another credited record of the same volunteer."))
    backfill.save()
    return backfill


@transaction.atomic
def decide_backfill(*, backfill: BackfillRequest, by: User, approve: bool, note: str = "") -> BackfillRequest:
    """Approve (posts a backfill record) or refuse. The approver is office staff, not the person who asked."""
    backfill = (
        BackfillRequest.objects.select_for_update(of=("self",))
        .select_related("office", "team", "volunteer__user", "requested_by__volunteer")
        .get(pk=backfill.pk)
    )
    if backfill.state != BackfillRequest.State.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if not has_access(by, backfill.office, ACCESS_OFFICE_MANAGE):
        raise ValidationError(_("Only staff of the office approve backfills."))
    if by.pk in (backfill.requested_by_id, backfill.volunteer.user_id):
        raise ValidationError(_("A backfill is approved by someone other than the person who asked."))
    note = note.strip()
    if approve:
        backfill.full_clean()
        requester = getattr(backfill.requested_by, "volunteer", None)
        ledger.post_record(
            volunteer=backfill.volunteer,
            service=ledger.Service(
                office=backfill.office,
                team=backfill.team,
                service_date=backfill.service_date,
                starts_at=backfill.starts_at,
                ends_at=backfill.ends_at,
                break_minutes=backfill.break_minutes,
                activity=backfill.activity,
                place=backfill.place,
                content=backfill.content,
                responsible_person=requester.real_name if requester else "",
            ),
            minutes=backfill.minutes,
            kind=ServiceRecord.Kind.BACKFILL,
            source_key=backfill.source_key or f"backfill:{backfill.pk}",
            recorded_by=backfill.requested_by,
            approved_by=by,
            reason=backfill.reason,
        )
        message = gettext_lazy("A backfill of %(record)s (%(hours)s h) was approved.")
    else:
        if not note:
            raise ValidationError(_("Say why the request is refused."))
        message = gettext_lazy("A backfill of %(record)s was refused: %(note)s")
    backfill.record_decision(approved=approve, by=by, note=note)
    words = {"record": _record_label(backfill), "hours": hours(backfill.minutes), "note": note}
    notify(
        {backfill.volunteer.user, backfill.requested_by},
        lambda: message % words,
        reverse("hours:my_hours"),
    )
    return backfill
