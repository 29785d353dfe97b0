"""Micro-wishes (微心愿): staff post, a volunteer or a partner unit claims (race-safe), fulfils with
a note and maybe a photo, staff confirm. A claim not fulfilled in time returns the wish to the wall."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.notifications import notify
from accounts.phones import normalise_phone
from needs import photos
from needs.models import Wish, WishClaim, photo_name
from needs.permissions import runs_office
from teams.models import Office, PartnerUnit
from volunteers.models import Volunteer


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    return text


@transaction.atomic
def post_wish(*, by: User, office: Office, title: str, beneficiary: str, story: str = "", claim_days: int = 14) -> Wish:
    if not runs_office(by, office):
        raise ValidationError(_("Only staff of the office post its wishes."))
    wish = Wish(
        office=office,
        title=_required(title, _("Say what is wished for.")),
        story=story.strip(),
        beneficiary=_required(beneficiary, _("Say for whom, for the office's records.")),
        claim_days=claim_days,
        created_by=by,
    )
    wish.full_clean()
    wish.save()
    return wish


def live_claim(wish: Wish) -> WishClaim | None:
    return (
        wish.claims.filter(state__in=[WishClaim.State.ACTIVE, WishClaim.State.FULFILLED])
        .select_related("volunteer__user")
        .first()
    )


@transaction.atomic
def claim_wish(
    *,
    wish: Wish,
    by: User,
    volunteer: Volunteer | None = None,
    unit: PartnerUnit | None = None,
    unit_name: str = "",
    unit_contact: str = "",
) -> WishClaim:
    """A volunteer claims for themselves (or in the name of their unit); office staff record a
    partner unit's claim: one of the community's registered units, which then gets the credit
    (teams.partners), or one named in words. The wish's row lock makes two claims at once one
    claim and one refusal."""
    wish = Wish.objects.select_for_update().select_related("office").get(pk=wish.pk)
    if wish.state != Wish.State.OPEN:
        raise ValidationError(_("This wish has already been claimed."))
    # The claim keeps the registered unit's name as it was, as it keeps a name typed in.
    unit_name = unit.name if unit is not None else unit_name.strip()
    if volunteer is None:
        if not runs_office(by, wish.office):
            raise ValidationError(_("Only volunteers claim wishes; the office records a partner unit's claim."))
        unit_name = _required(unit_name, _("Name the partner unit."))
    elif volunteer.user_id != by.pk:
        raise ValidationError(_("You claim wishes for yourself only."))
    now = timezone.now()
    claim = WishClaim(
        wish=wish,
        volunteer=volunteer,
        unit=unit,
        unit_name=unit_name,
        unit_contact=normalise_phone(unit_contact) if unit_contact.strip() else "",
        claimed_at=now,
        due_at=now + datetime.timedelta(days=wish.claim_days),
    )
    claim.full_clean()
    claim.save()
    wish.state = Wish.State.CLAIMED
    wish.save(update_fields=["state"])
    return claim


def may_act_for(user: User, claim: WishClaim) -> bool:
    """The claiming volunteer, or the office (which speaks for a partner unit)."""
    return (claim.volunteer is not None and claim.volunteer.user_id == user.pk) or runs_office(user, claim.wish.office)


@transaction.atomic
def fulfil_wish(*, wish: Wish, by: User, note: str, upload=None) -> WishClaim:
    wish = Wish.objects.select_for_update().select_related("office").get(pk=wish.pk)
    claim = live_claim(wish)
    if claim is None or claim.state != WishClaim.State.ACTIVE:
        raise ValidationError(_("Only a claimed wish can be fulfilled."))
    if not may_act_for(by, claim):
        raise ValidationError(_("Only whoever claimed the wish fulfils it."))
    claim.note = _required(note, _("Say how the wish was fulfilled."))
    if upload is not None:
        claim.photo = photos.store(photo_name(), photos.clean_photo(upload))
    claim.state, claim.fulfilled_at = WishClaim.State.FULFILLED, timezone.now()
    claim.save()
    wish.state = Wish.State.FULFILLED
    wish.save(update_fields=["state"])
    return claim


@transaction.atomic
def confirm_wish(*, wish: Wish, by: User) -> WishClaim:
    wish = Wish.objects.select_for_update().select_related("office").get(pk=wish.pk)
    if not runs_office(by, wish.office):
        raise ValidationError(_("Only staff of the office confirm a wish."))
    claim = live_claim(wish)
    if claim is None or claim.state != WishClaim.State.FULFILLED:
        raise ValidationError(_("Only a fulfilled wish can be confirmed."))
    claim.state, claim.confirmed_by, claim.confirmed_at = WishClaim.State.CONFIRMED, by, timezone.now()
    claim.save()
    wish.state = Wish.State.CONFIRMED
    wish.save(update_fields=["state"])
    if claim.volunteer is not None:
        words = gettext_lazy("Thank you: the wish “%(title)s” you fulfilled was confirmed by the community.")
        notify([claim.volunteer.user], lambda: words % {"title": wish.title}, wish.get_absolute_url())
    return claim


WITHDRAWABLE = (Wish.State.OPEN, Wish.State.CLAIMED)


@transaction.atomic
def withdraw_wish(*, wish: Wish, by: User, reason: str) -> Wish:
    """Staff take a wish off the wall, waiting or claimed but not yet fulfilled, with a reason.
    A live claim ends with it and the claiming volunteer is told. The wish's row lock orders
    this with a claim or a fulfilment arriving at the same moment."""
    wish = Wish.objects.select_for_update().select_related("office").get(pk=wish.pk)
    if not runs_office(by, wish.office):
        raise ValidationError(_("Only staff of the office withdraw its wishes."))
    if wish.state not in WITHDRAWABLE:
        raise ValidationError(_("Only a wish not yet fulfilled can be withdrawn."))
    reason = _required(reason, _("Say why the wish is withdrawn."))
    claim = live_claim(wish)
    if claim is not None:
        claim.state = WishClaim.State.WITHDRAWN
        claim.save(update_fields=["state"])
    wish.state = Wish.State.WITHDRAWN
    wish.withdrawn_reason, wish.withdrawn_by, wish.withdrawn_at = reason, by, timezone.now()
    wish.full_clean()
    wish.save(update_fields=["state", "withdrawn_reason", "withdrawn_by", "withdrawn_at"])
    if claim is not None and claim.volunteer is not None:
        words = gettext_lazy("The wish “%(title)s” you claimed was withdrawn by the community: %(reason)s")
        # The wish's page is the office's now: the claimer's list shows what became of it.
        label = {"title": wish.title, "reason": reason}
        notify([claim.volunteer.user], lambda: words % label, reverse("needs:my_wishes"))
    return wish


@transaction.atomic
def _return_to_wall(claim: WishClaim, now: datetime.datetime) -> bool:
    wish = Wish.objects.select_for_update().get(pk=claim.wish_id)
    claim = WishClaim.objects.select_related("volunteer__user").get(pk=claim.pk)
    if claim.state != WishClaim.State.ACTIVE or claim.due_at > now:
        return False
    claim.state = WishClaim.State.LAPSED
    claim.save(update_fields=["state"])
    wish.state = Wish.State.OPEN
    wish.save(update_fields=["state"])
    if claim.volunteer is not None:
        words = gettext_lazy("The wish “%(title)s” you claimed was not fulfilled in time and is back on the wall.")
        notify([claim.volunteer.user], lambda: words % {"title": wish.title}, wish.get_absolute_url())
    return True


def return_lapsed_claims(now: datetime.datetime) -> int:
    lapsed = WishClaim.objects.filter(state=WishClaim.State.ACTIVE, due_at__lte=now).order_by("pk")
    return sum(_return_to_wall(claim, now) for claim in lapsed)
