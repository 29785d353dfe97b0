"""Every change of a request, one transaction each: raising, the office's decisions, taking,
finishing, confirming and crediting the time, cancelling, hiding.

Each state change is allowed only from the states in `MOVES`, is checked against who asks
(needs.permissions), leaves a NeedEvent, and tells the resident what they need to know.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.notifications import notify
from accounts.phones import normalise_phone
from hours import ledger
from hours.models import ServiceRecord
from hours.units import LONG_DAY_MINUTES, hours
from needs import photos
from needs.models import Category, Need, NeedEvent, NeedInvite, NeedPhoto, NeedTaker
from needs.permissions import grids_of, is_resident_of, runs_need, runs_office
from needs.selectors import serving_in
from teams.models import Office, PartnerUnit, Team
from volunteers.models import Volunteer

State = Need.State
Action = NeedEvent.Action

# The moves a request may make; anything else is refused.
MOVES: dict[str, set[str]] = {
    State.SUBMITTED: {State.ACCEPTED, State.REFUSED, State.CANCELLED},
    State.ACCEPTED: {State.DISPATCHED, State.CANCELLED},
    # Back to ACCEPTED: not taken in time, the office dispatches it again (needs.deadlines).
    State.DISPATCHED: {State.TAKEN, State.ACCEPTED, State.CANCELLED},
    State.TAKEN: {State.DONE, State.CANCELLED},
    State.DONE: {State.CONFIRMED},
    State.REFUSED: set(),
    State.CONFIRMED: set(),
    State.CANCELLED: set(),
}


def lock_need(need: Need) -> Need:
    return Need.objects.select_for_update().select_related("office", "category").get(pk=need.pk)


def move(need: Need, to: str, *, by: User | None, note: str = "", at: datetime.datetime | None = None) -> None:
    if to not in MOVES[need.state]:
        raise ValidationError(
            _("A request that is %(state)s cannot be %(to)s.")
            % {"state": need.get_state_display(), "to": State(to).label}
        )
    need.state = to
    record_event(need, Action(to), by=by, note=note, at=at)


def record_event(
    need: Need, action: str, *, by: User | None, note: str = "", at: datetime.datetime | None = None
) -> None:
    NeedEvent.objects.create(need=need, action=action, by=by, at=at or timezone.now(), note=note[:300])


def save_need(need: Need) -> Need:
    need.full_clean()
    need.save()
    return need


def _tell_resident(need: Need, words) -> None:
    """The resident's account, if they have one, hears of acceptance, taking and completion."""
    if need.resident_id is not None:
        label = {"category": need.category.name}
        notify([need.resident], lambda: words % label, reverse("needs:detail", args=[need.pk]))


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    return text


# ---------------------------------------------------------------- categories


@transaction.atomic
def save_category(*, category: Category, by: User, team_kinds: Iterable | None = None) -> Category:
    if not runs_office(by, category.office):
        raise ValidationError(_("Only staff of the office edit its categories."))
    category.full_clean()
    category.save()
    if team_kinds is not None:
        category.team_kinds.set(team_kinds)
    return category


# ---------------------------------------------------------------- raising


@transaction.atomic
def raise_need(
    *,
    by: User,
    office: Office,
    category: Category,
    description: str,
    address: str,
    window_starts: datetime.datetime,
    window_ends: datetime.datetime,
    resident_name: str,
    resident_phone: str,
    grid: str = "",
    urgency: str = Need.Urgency.NORMAL,
    uploads: Sequence = (),
) -> Need:
    """A resident raises a request for themselves, or staff (and the grid worker of the
    request's grid) raise one on a resident's behalf: then the resident's account, if their
    number has one, sees it as theirs."""
    if category.office_id != office.pk or not category.is_active:
        raise ValidationError(_("Choose one of the office's categories."))
    if len(uploads) > photos.MAX_PHOTOS:
        raise ValidationError(_("At most %(count)d photos.") % {"count": photos.MAX_PHOTOS})
    cleaned_photos = [photos.clean_photo(upload) for upload in uploads]
    phone = normalise_phone(resident_phone)
    on_behalf = runs_office(by, office) or grid.strip() in grids_of(by, office)
    resident = User.objects.filter(phone=phone, is_active=True).first() if on_behalf else by
    need = save_need(
        Need(
            office=office,
            category=category,
            description=_required(description, _("Say what is needed.")),
            address=_required(address, _("Give the address.")),
            grid=grid.strip(),
            window_starts=window_starts,
            window_ends=window_ends,
            urgency=urgency,
            resident_name=_required(resident_name, _("Give the resident's name.")),
            resident_phone=phone,
            resident=resident,
            raised_by=by,
        )
    )
    for data in cleaned_photos:
        photo = NeedPhoto(need=need)
        photo.file = photos.store(photo.file, data)
        photo.save()
    record_event(need, Action.SUBMITTED, by=by)
    return need


# ---------------------------------------------------------------- the office decides


def _check_runs(by: User, need: Need) -> None:
    if not runs_need(by, need):
        raise ValidationError(_("Only staff of the request's office do this."))


@transaction.atomic
def accept(*, need: Need, by: User) -> Need:
    need = lock_need(need)
    _check_runs(by, need)
    if need.state != State.SUBMITTED:
        # DISPATCHED → ACCEPTED is the time limit's move (needs.deadlines), not a second acceptance.
        raise ValidationError(_("Only a submitted request is accepted."))
    move(need, State.ACCEPTED, by=by)
    save_need(need)
    _tell_resident(need, gettext_lazy("Your request (%(category)s) was accepted by the community."))
    return need


@transaction.atomic
def refuse(*, need: Need, by: User, reason: str) -> Need:
    need = lock_need(need)
    _check_runs(by, need)
    reason = _required(reason, _("Say why the request is refused: the resident sees it."))
    move(need, State.REFUSED, by=by, note=reason)
    need.reason = reason
    need.closed_at = timezone.now()
    save_need(need)
    words = gettext_lazy("Your request (%(category)s) was refused: %(reason)s")
    if need.resident_id is not None:
        notify(
            [need.resident], lambda: words % {"category": need.category.name, "reason": reason}, need.get_absolute_url()
        )
    return need


@transaction.atomic
def dispatch(
    *,
    need: Need,
    by: User,
    audience: str,
    team: Team | None = None,
    volunteers: Iterable[Volunteer] = (),
    places: int = 1,
    partner_unit: PartnerUnit | None = None,
) -> Need:
    """Send an accepted request to a team of the office, to named volunteers, or to the open
    board; served with one of the office's partner units, when one takes part."""
    need = lock_need(need)
    _check_runs(by, need)
    if partner_unit is not None and partner_unit.office_id != need.office_id:
        raise ValidationError(_("Choose a partner unit of the request's office."))
    volunteers = list(dict.fromkeys(volunteers))
    if audience == Need.Audience.TEAM:
        if team is None or not team.is_active or team.office_id != need.office_id:
            raise ValidationError(_("Choose an active team of the request's office."))
    elif audience == Need.Audience.VOLUNTEERS:
        team = None
        if not volunteers:
            raise ValidationError(_("Name at least one volunteer."))
        if len(serving_in(need.office).filter(pk__in=[v.pk for v in volunteers])) != len(volunteers):
            raise ValidationError(_("Name volunteers who serve in a team of the request's office."))
    elif audience == Need.Audience.BOARD:
        team = None
    else:
        raise ValidationError(_("Choose to whom the request goes."))
    if audience == Need.Audience.VOLUNTEERS:
        places = min(places, len(volunteers))
    now = timezone.now()
    move(need, State.DISPATCHED, by=by, note=Need.Audience(audience).label, at=now)
    need.audience, need.team, need.places, need.partner_unit = audience, team, places, partner_unit
    need.dispatched_at, need.escalated_at = now, None
    save_need(need)
    need.invites.all().delete()
    NeedInvite.objects.bulk_create(NeedInvite(need=need, volunteer=volunteer) for volunteer in volunteers)
    if volunteers:
        words = gettext_lazy("A resident's request (%(category)s) was sent to you: take it if you can.")
        notify(
            [volunteer.user for volunteer in Volunteer.objects.filter(pk__in=[v.pk for v in volunteers])],
            lambda: words % {"category": need.category.name},
            need.get_absolute_url(),
        )
    return need


def _take_down(photo: NeedPhoto, reason: str) -> None:
    """A hidden photo is hidden for good: its row keeps the reason, the stored file is deleted
    once the hiding is committed (a rolled-back hiding leaves the photo as it was)."""
    name = photo.file
    photo.is_hidden, photo.hidden_reason, photo.file = True, reason, ""
    photo.save(update_fields=["is_hidden", "hidden_reason", "file"])
    if name:
        transaction.on_commit(lambda: photos.delete(name))


@transaction.atomic
def hide(*, need: Need, by: User, reason: str) -> Need:
    """Moderation: what a resident wrote is taken off every board, the office keeps the text;
    its photos are deleted."""
    need = lock_need(need)
    _check_runs(by, need)
    reason = _required(reason, _("Say why it is hidden."))
    need.is_hidden, need.hidden_reason = True, reason
    save_need(need)
    for photo in NeedPhoto.objects.select_for_update().filter(need=need, is_hidden=False):
        _take_down(photo, reason)
    record_event(need, Action.HIDDEN, by=by, note=reason)
    return need


@transaction.atomic
def hide_photo(*, photo: NeedPhoto, by: User, reason: str) -> NeedPhoto:
    need = lock_need(photo.need)
    _check_runs(by, need)
    reason = _required(reason, _("Say why it is hidden."))
    photo = NeedPhoto.objects.select_for_update().get(pk=photo.pk, need=need)
    if photo.is_hidden:
        raise ValidationError(_("This photo is already hidden."))
    _take_down(photo, reason)
    record_event(need, Action.PHOTO_HIDDEN, by=by, note=reason)
    return photo


# ---------------------------------------------------------------- volunteers take and finish


@transaction.atomic
def take(*, need: Need, volunteer: Volunteer) -> NeedTaker:
    """One tap on the board. Race-safe like a sign-up: the volunteer, then the request, are
    locked, so two people wanting the last place cannot both get it."""
    Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    need = lock_need(need)
    if need.state != State.DISPATCHED or need.is_hidden:
        raise ValidationError(_("This request has already been taken."))
    if not Need.objects.open_to(volunteer).filter(pk=need.pk).exists():
        raise ValidationError(_("This request is not open to you."))
    if need.takers.filter(volunteer=volunteer).exists():
        raise ValidationError(_("You have already taken this request."))
    if volunteer.user_id in (need.raised_by_id, need.resident_id):
        raise ValidationError(_("A volunteer cannot take their own request: someone else serves it."))
    now = timezone.now()
    taker = NeedTaker(need=need, volunteer=volunteer, taken_at=now)
    taker.full_clean()
    taker.save()
    record_event(need, Action.TAKEN, by=volunteer.user, note=volunteer.real_name, at=now)
    if need.takers.count() >= need.places:
        move(need, State.TAKEN, by=volunteer.user, at=now)
        need.taken_at = now
        save_need(need)
        _tell_resident(need, gettext_lazy("A volunteer has taken your request (%(category)s) and will contact you."))
    return taker


def check_started_at(
    taker: NeedTaker, started_at: datetime.datetime, now: datetime.datetime, *, by_office: bool = False
) -> None:
    """The service starts no earlier than the taking and no later than now. The form gives
    whole minutes, so the minute of taking counts as after it."""
    taken_minute = taker.taken_at.replace(second=0, microsecond=0)
    if started_at < taken_minute:
        words = (
            _("The service cannot start before the volunteer took the request (%(taken)s).")
            if by_office
            else _("The service cannot start before you took the request (%(taken)s).")
        )
        raise ValidationError(
            words % {"taken": f"{timezone.localtime(taker.taken_at):%Y-%m-%d %H:%M}"}, code="before_taken"
        )
    if started_at > now:
        raise ValidationError(_("The service cannot start in the future."), code="future")


def check_service_time(
    taker: NeedTaker, started_at: datetime.datetime, minutes: int, *, by_office: bool = False
) -> None:
    """Time served between the taking and now, whoever gives it."""
    now = timezone.now()
    check_started_at(taker, started_at, now, by_office=by_office)
    if started_at + datetime.timedelta(minutes=minutes) > now:
        raise ValidationError(_("Give the time you actually served: it cannot end in the future."))


@transaction.atomic
def finish(*, need: Need, volunteer: Volunteer, started_at: datetime.datetime, minutes: int, note: str) -> NeedTaker:
    """A volunteer who took the request says it is done, with what they did and how long it
    took. The request is done when everyone who took it has said so."""
    need = lock_need(need)
    taker = NeedTaker.objects.select_for_update().filter(need=need, volunteer=volunteer).first()
    if taker is None:
        raise ValidationError(_("Only a volunteer who took the request finishes it."))
    if need.state != State.TAKEN:
        raise ValidationError(_("Only a taken request can be finished."))
    if taker.finished_at is not None:
        raise ValidationError(_("You have already finished this request."))
    check_service_time(taker, started_at, minutes)
    now = timezone.now()
    taker.started_at, taker.minutes, taker.finished_at = started_at, minutes, now
    taker.note = _required(note, _("Say what was done."))
    taker.full_clean()
    taker.save()
    record_event(need, Action.FINISHED, by=volunteer.user, note=taker.note, at=now)
    if not need.takers.filter(finished_at__isnull=True).exists():
        move(need, State.DONE, by=volunteer.user, at=now)
        need.done_at = now
        save_need(need)
        _tell_resident(
            need, gettext_lazy("Your request (%(category)s) is done. Please confirm it and say how it went.")
        )
    return taker


# ---------------------------------------------------------------- confirming and crediting


def day_total_with(taker: NeedTaker, minutes: int, started_at: datetime.datetime | None = None) -> int:
    """The volunteer's credited minutes on the service date of this request's time, this time
    included: what rule 4 compares with eight hours. The ledger files a record under the
    date it starts on, so the day is the start's."""
    starts = started_at or taker.started_at
    ends = starts + datetime.timedelta(minutes=minutes)
    held = ledger.credited_around(taker.volunteer_id, starts, ends).minutes_by_day
    return held.get(timezone.localdate(starts), 0) + minutes


def is_long_day(taker: NeedTaker, minutes: int, started_at: datetime.datetime | None = None) -> bool:
    return minutes > 0 and day_total_with(taker, minutes, started_at) > LONG_DAY_MINUTES


def long_day_problem(taker: NeedTaker, minutes: int) -> str:
    return _("Over 8 hours that day (%(hours)s h with this request): check the time, then credit it.") % {
        "hours": hours(day_total_with(taker, minutes))
    }


def credited_minutes(taker: NeedTaker, category: Category, staff_minutes: int | None = None) -> int:
    """What the ledger gets: the volunteer's time, or the office's figure, never above the category's cap."""
    wanted = taker.minutes if staff_minutes is None else staff_minutes
    return max(0, min(wanted or 0, category.max_minutes))


def _responsible(need: Need) -> str:
    """Who answers for the service (rule 7): the office worker who dispatched the request."""
    dispatch = need.events.filter(action=Action.DISPATCHED).select_related("by__volunteer").last()
    by = dispatch.by if dispatch is not None else None
    if by is None:
        return ""
    return by.volunteer.real_name if hasattr(by, "volunteer") else by.masked_phone


def _posting(need: Need, taker: NeedTaker, minutes: int, by: User, approved: bool, responsible: str) -> ledger.Posting:
    starts_at = taker.started_at
    return ledger.Posting(
        volunteer=taker.volunteer,
        service=ledger.Service(
            office=need.office,
            team=need.team,
            service_date=timezone.localdate(starts_at),
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=minutes),
            # The ledger keeps the category and the grid, never the resident's address.
            activity=_("Resident request: %(category)s") % {"category": need.category.name},
            place=need.grid,
            responsible_person=responsible,
        ),
        minutes=minutes,
        kind=ServiceRecord.Kind.REQUEST,
        source_key=taker.ledger_key,
        recorded_by=by,
        approved_by=by if approved else None,
    )


def _credit(
    need: Need,
    takers: list[NeedTaker],
    by: User,
    staff_minutes: dict[int, int],
    approved: bool,
    long_day_checked: bool = False,
) -> None:
    """Post each volunteer's time, except a day above eight hours (rule 4): that waits, with
    the reason, until staff look at it and credit it saying they checked (`credit_again`)."""
    due = []
    for taker in takers:
        if taker.posted_record_id is not None:
            continue
        m = credited_minutes(taker, need.category, staff_minutes.get(taker.pk))
        if not long_day_checked and is_long_day(taker, m):
            taker.posting_problem = long_day_problem(taker, m)[:200]
            taker.save(update_fields=["posting_problem"])
            continue
        due.append(taker)
    minutes = [credited_minutes(taker, need.category, staff_minutes.get(taker.pk)) for taker in due]
    responsible = _responsible(need)
    postings = [
        _posting(need, taker, m, by, approved, responsible) for taker, m in zip(due, minutes, strict=True) if m > 0
    ]
    results = iter(ledger.post_records(postings))
    for taker, m in zip(due, minutes, strict=True):
        if m <= 0:
            continue
        result = next(results)
        if isinstance(result, ValidationError):
            taker.posting_problem = result.messages[0][:200]
        else:
            taker.posted_record, taker.posting_problem = result, ""
            record_event(need, Action.CREDITED, by=by, note=f"{taker.volunteer.real_name} {m}")
        taker.save(update_fields=["posted_record", "posting_problem"])


def _check_not_taker(by: User, need: Need) -> None:
    if need.takers.filter(volunteer__user_id=by.pk).exists():
        raise ValidationError(_("A request's time is confirmed by someone other than the volunteers who served it."))


def _lock_takers(need: Need) -> None:
    # The ledger locks volunteers before anything else it touches; taking locks the
    # volunteer before the request. Lock the takers first here too: one order, no deadlock.
    ids = list(NeedTaker.objects.filter(need=need).values_list("volunteer_id", flat=True))
    list(Volunteer.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def confirm(
    *, need: Need, by: User, rating: int, comment: str = "", staff_minutes: dict[int, int] | None = None
) -> Need:
    """The resident (or the office for them) confirms the work with a 1–5 rating. When the
    office confirms, each volunteer's time goes to the ledger as a request record, capped by
    the category; staff may set a lower time per volunteer (`staff_minutes`, by taker id).
    When the resident confirms, nothing is credited yet: the time is the volunteers' own
    figure, and no one credits hours alone (DESIGN rule 8), so the office credits it after
    (`credit_again`)."""
    _lock_takers(need)
    need = lock_need(need)
    staff = runs_need(by, need)
    if not (staff or is_resident_of(by, need)):
        raise ValidationError(_("Only the resident or the office confirms the request."))
    if staff_minutes and not staff:
        raise ValidationError(_("Only the office sets the credited time."))
    if rating not in range(1, 6):
        raise ValidationError(_("Give a rating from 1 to 5."))
    _check_not_taker(by, need)
    now = timezone.now()
    move(need, State.CONFIRMED, by=by, note=f"{rating}★ {comment}".strip(), at=now)
    need.rating, need.comment, need.closed_at = rating, comment.strip(), now
    save_need(need)
    if staff:
        _credit(need, list(need.takers.select_related("volunteer")), by, staff_minutes or {}, approved=True)
    return need


@transaction.atomic
def credit_again(
    *, taker: NeedTaker, by: User, minutes: int, started_at: datetime.datetime, long_day_checked: bool = False
) -> NeedTaker:
    """The office credits a volunteer's time of a confirmed request not yet in the ledger:
    one the resident confirmed, or one the ledger refused (an overlap) with another start or
    a shorter time. Capped by the category. A day above eight hours (rule 4) is credited
    only when staff say they checked it (`long_day_checked`), like a leader's review."""
    Volunteer.objects.select_for_update().get(pk=taker.volunteer_id)
    need = lock_need(taker.need)
    _check_runs(by, need)
    _check_not_taker(by, need)
    taker = NeedTaker.objects.select_related("volunteer").get(pk=taker.pk)
    if need.state != State.CONFIRMED or taker.posted_record_id is not None:
        raise ValidationError(_("Only time not yet credited of a confirmed request is set here."))
    if minutes > need.category.max_minutes:
        raise ValidationError(
            _("At most %(minutes)d minutes are credited for this category.") % {"minutes": need.category.max_minutes}
        )
    check_service_time(taker, started_at, minutes, by_office=True)
    taker.started_at = started_at
    taker.save(update_fields=["started_at"])
    _credit(need, [taker], by, {taker.pk: minutes}, approved=True, long_day_checked=long_day_checked)
    if taker.posting_problem:
        raise ValidationError(taker.posting_problem)
    return taker


# ---------------------------------------------------------------- cancelling


@transaction.atomic
def cancel(*, need: Need, by: User, reason: str) -> Need:
    """Any time before it is done, by the resident or the office, with a reason."""
    need = lock_need(need)
    if not (runs_need(by, need) or is_resident_of(by, need)):
        raise ValidationError(_("Only the resident or the office cancels the request."))
    reason = _required(reason, _("Say why the request is cancelled."))
    move(need, State.CANCELLED, by=by, note=reason)
    need.reason, need.closed_at = reason, timezone.now()
    save_need(need)
    takers = [taker.volunteer.user for taker in need.takers.select_related("volunteer__user")]
    if takers:
        words = gettext_lazy("A request you took (%(category)s) was cancelled: %(reason)s")
        notify(takers, lambda: words % {"category": need.category.name, "reason": reason}, need.get_absolute_url())
    return need
