"""Every change to shifts and sign-ups. One transaction each.

Capacity holds under concurrency: signing up and cancelling lock the shift row
(select_for_update on PostgreSQL; on SQLite the IMMEDIATE transaction already
holds the database's write lock), so the count of confirmed sign-ups read inside
the transaction is the count that is written against.
"""

import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.notifications import notify
from shifts import attendance
from shifts.models import Attendance, CalendarFeed, Shift, Signup, new_feed_token
from teams.models import Membership
from volunteers.models import Volunteer


def _locked(shift: Shift) -> Shift:
    return Shift.objects.select_for_update().select_related("team").get(pk=shift.pk)


def _shift_label(shift: Shift) -> str:
    return f"{shift.title} {timezone.localtime(shift.starts_at):%m-%d %H:%M}"


def may_sign_up_for(volunteer: Volunteer, shift: Shift) -> bool:
    """Members of the shift's team; anyone for a public shift of an active team."""
    if Membership.objects.active().filter(team_id=shift.team_id, user_id=volunteer.user_id).exists():
        return True
    return shift.is_public and shift.team.is_active


def _overlapping(volunteer: Volunteer, shift: Shift) -> Signup | None:
    """A live sign-up of the volunteer's at the same time: this very shift's first, as a
    shift overlaps itself."""
    return (
        Signup.objects.live()
        .filter(
            volunteer=volunteer,
            shift__is_cancelled=False,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .select_related("shift")
        .order_by(Case(When(shift=shift, then=0), default=1), "pk")
        .first()
    )


@transaction.atomic
def sign_up(*, shift: Shift, volunteer: Volunteer, now: datetime.datetime | None = None) -> Signup:
    """A confirmed place while places are left, else a place on the waitlist."""
    now = now or timezone.now()
    shift = _locked(shift)
    # One person's sign-ups are serialised too, so two taps on two overlapping
    # shifts cannot both pass the overlap check.
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if shift.is_cancelled:
        raise ValidationError(_("This shift has been cancelled."))
    if now >= shift.signup_closes_at:
        raise ValidationError(_("Sign-up for this shift has closed."))
    if not may_sign_up_for(volunteer, shift):
        raise ValidationError(_("This shift is for members of %(team)s.") % {"team": shift.team.name})
    clash = _overlapping(volunteer, shift)
    if clash is not None and clash.shift_id == shift.pk:
        raise ValidationError(_("You are already signed up for this shift."))
    if clash is not None:
        raise ValidationError(
            _("This shift overlaps %(shift)s, which you already hold.") % {"shift": _shift_label(clash.shift)}
        )
    return _take_place(shift, volunteer, created_at=now)


def _take_place(shift: Shift, volunteer: Volunteer, **fields) -> Signup:
    """A confirmed place while places are left, else the waitlist. The caller holds the shift's lock."""
    confirmed = Signup.objects.confirmed().filter(shift=shift).count()
    status = Signup.Status.CONFIRMED if confirmed < shift.capacity else Signup.Status.WAITLISTED
    return Signup.objects.create(shift=shift, volunteer=volunteer, status=status, **fields)


def _promote_waitlist(shift: Shift) -> list[Signup]:
    """Fill free places from the waitlist, first come first served, and tell each person."""
    free = shift.capacity - Signup.objects.confirmed().filter(shift=shift).count()
    if free <= 0:
        return []
    promoted = list(Signup.objects.waitlisted().filter(shift=shift).select_related("volunteer__user")[:free])
    for signup in promoted:
        signup.status = Signup.Status.CONFIRMED
        signup.save(update_fields=["status", "changed_at"])
    notify(
        [signup.volunteer.user for signup in promoted],
        lambda: _("A place came free: you are now confirmed for %(shift)s.") % {"shift": _shift_label(shift)},
        link=shift.get_absolute_url(),
    )
    return promoted


@transaction.atomic
def cancel_signup(*, signup: Signup, now: datetime.datetime | None = None) -> Signup:
    """The volunteer cancels: before the cancel deadline for a confirmed place,
    any time before the start for a waitlist place."""
    now = now or timezone.now()
    shift = _locked(signup.shift)
    signup = Signup.objects.select_for_update().get(pk=signup.pk)
    if signup.status not in (Signup.Status.CONFIRMED, Signup.Status.WAITLISTED):
        raise ValidationError(_("This sign-up is no longer active."))
    if signup.status == Signup.Status.CONFIRMED and now >= shift.cancel_deadline:
        raise ValidationError(_("It is too late to cancel online. Please tell your team leader."))
    if now >= shift.starts_at:
        raise ValidationError(_("This shift has already started."))
    was_confirmed = signup.status == Signup.Status.CONFIRMED
    signup.status = Signup.Status.CANCELLED
    signup.save(update_fields=["status", "changed_at"])
    if was_confirmed:
        _promote_waitlist(shift)
    return signup


def waitlist_position(signup: Signup) -> int | None:
    """1 for the first person on the waitlist; None when not waitlisted."""
    if signup.status != Signup.Status.WAITLISTED:
        return None
    ahead = (
        Signup.objects.waitlisted()
        .filter(shift_id=signup.shift_id, created_at__lte=signup.created_at)
        .exclude(created_at=signup.created_at, pk__gt=signup.pk)
    )
    return ahead.count()


def _default_deadlines(shift: Shift) -> None:
    if shift.signup_closes_at is None:
        shift.signup_closes_at = shift.starts_at
    if shift.cancel_deadline is None:
        shift.cancel_deadline = shift.starts_at - datetime.timedelta(hours=2)


@transaction.atomic
def create_shift(*, shift: Shift) -> Shift:
    _default_deadlines(shift)
    shift.full_clean()
    shift.save()
    return shift


@transaction.atomic
def update_shift(*, shift: Shift, changed: list[str]) -> Shift:
    """Save a leader's edit; everyone signed up hears what changed. A shift of a
    series, edited alone, stops following the series."""
    _default_deadlines(shift)
    shift.full_clean()
    Shift.objects.select_for_update().filter(pk=shift.pk).first()
    confirmed = Signup.objects.confirmed().filter(shift=shift).count()
    if shift.capacity < confirmed:
        # Nobody loses a confirmed place by an edit; the leader removes people with a reason.
        raise ValidationError(
            {
                "capacity": _("%(count)d people are already confirmed; the capacity cannot be lower.")
                % {"count": confirmed}
            }
        )
    if shift.series_id:
        shift.detached = True
    shift.save()
    locked = _locked(shift)
    if "capacity" in changed:
        _promote_waitlist(locked)
    if attendance.CREDITED_FROM.intersection(changed):
        attendance.recredit(locked)
    if changed:
        notify(
            _people_signed_up(locked),
            lambda: _("%(shift)s has changed. Please check the time and place.") % {"shift": _shift_label(locked)},
            link=locked.get_absolute_url(),
        )
    return shift


@transaction.atomic
def cancel_shift(*, shift: Shift, reason: str) -> Shift:
    shift = _locked(shift)
    if shift.is_cancelled:
        raise ValidationError(_("This shift has already been cancelled."))
    # Rule 10: the volunteers served; their time is in the ledger, corrected there if wrong.
    if Attendance.objects.filter(shift=shift, review_state=Attendance.Review.POSTED).exists():
        raise ValidationError(
            _("Hours of this shift are in the ledger, so it cannot be cancelled: ask the office to correct them.")
        )
    shift.is_cancelled = True
    shift.cancel_reason = reason[:200]
    shift.save(update_fields=["is_cancelled", "cancel_reason", "updated_at"])

    def message() -> str:
        cancelled = _("%(shift)s has been cancelled.") % {"shift": _shift_label(shift)}
        return f"{cancelled} {reason}" if reason else cancelled

    notify(_people_signed_up(shift), message, link=shift.get_absolute_url(), text=True)
    return shift


def _people_signed_up(shift: Shift):
    return [
        signup.volunteer.user for signup in Signup.objects.live().filter(shift=shift).select_related("volunteer__user")
    ]


@transaction.atomic
def add_by_hand(*, shift: Shift, volunteer: Volunteer, by) -> Signup:
    """A leader puts a member on the roster (people without phones). A leader may
    fill a place after sign-up closed, but not beyond the capacity."""
    shift = _locked(shift)
    if shift.is_cancelled:
        raise ValidationError(_("This shift has been cancelled."))
    if not Membership.objects.active().filter(team_id=shift.team_id, user_id=volunteer.user_id).exists():
        raise ValidationError(_("Only members of the team can be added."))
    clash = _overlapping(volunteer, shift)
    if clash is not None and clash.shift_id == shift.pk:
        raise ValidationError(_("This person is already on the roster."))
    if clash is not None:
        raise ValidationError(
            _("This person already holds %(shift)s at that time.") % {"shift": _shift_label(clash.shift)}
        )
    return _take_place(shift, volunteer, added_by=by)


@transaction.atomic
def remove_from_roster(*, signup: Signup, reason: str, by) -> Signup:
    if not reason.strip():
        raise ValidationError(_("Give a reason for removing someone."))
    shift = _locked(signup.shift)
    signup = Signup.objects.select_for_update().select_related("volunteer__user").get(pk=signup.pk)
    if signup.status not in (Signup.Status.CONFIRMED, Signup.Status.WAITLISTED):
        raise ValidationError(_("This sign-up is no longer active."))
    was_confirmed = signup.status == Signup.Status.CONFIRMED
    signup.status = Signup.Status.REMOVED
    signup.reason = reason.strip()[:200]
    signup.save(update_fields=["status", "reason", "changed_at"])
    notify(
        [signup.volunteer.user],
        lambda: (
            _("You have been taken off %(shift)s: %(reason)s") % {"shift": _shift_label(shift), "reason": signup.reason}
        ),
        link=shift.get_absolute_url(),
    )
    if was_confirmed:
        _promote_waitlist(shift)
    return signup


@transaction.atomic
def calendar_feed_for(*, user) -> CalendarFeed:
    """The person's secret feed address, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def renew_calendar_feed(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working at once (a lost phone, a shared link)."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    feed.token = new_feed_token()
    feed.save(update_fields=["token"])
    return feed


REMINDER_LEAD = datetime.timedelta(hours=24)


def _reminder_text(shift: Shift) -> str:
    starts = timezone.localtime(shift.starts_at, timezone.get_default_timezone())
    return _("Reminder: %(title)s starts at %(time)s, at %(place)s. Please arrive on time.") % {
        "title": shift.title,
        # Translators: the start in a reminder text, in the format of Django's date filter.
        "time": date_format(starts, _("M j, H:i")),
        "place": shift.place,
    }


def send_due_reminders(*, now: datetime.datetime | None = None) -> int:
    """Text everyone confirmed for a shift starting within the next 24 hours, once.

    Safe to run every few minutes and in overlapping runs: each sign-up is claimed
    with a conditional UPDATE before its reminder goes out, and only the run whose
    UPDATE changed the row sends. The claim and the message share one transaction per
    sign-up, so a sender that fails leaves the sign-up to the next run. Returns how many were sent.
    """
    now = now or timezone.now()
    due = (
        Signup.objects.confirmed()
        .filter(
            reminded_at__isnull=True,
            shift__is_cancelled=False,
            shift__starts_at__gt=now,
            shift__starts_at__lte=now + REMINDER_LEAD,
        )
        .select_related("shift", "volunteer__user")
        .order_by("shift__starts_at", "pk")
    )
    sent = 0
    for signup in due:
        with transaction.atomic():
            # Only the sign-up's own columns in the WHERE: PostgreSQL re-checks them after
            # waiting for an overlapping run's claim, so the loser updates nothing.
            claimed = Signup.objects.filter(
                pk=signup.pk, status=Signup.Status.CONFIRMED, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed == 1:
                notify(
                    [signup.volunteer.user],
                    partial(_reminder_text, signup.shift),
                    link=signup.shift.get_absolute_url(),
                    text=True,
                )
                sent += 1
    return sent
