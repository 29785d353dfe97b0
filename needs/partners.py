"""The residents' requests a partner unit (共建单位) served and the micro-wishes it claimed and
fulfilled, for the unit's page and its quarterly feedback (teams.partners, registered from NeedsConfig.ready())."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from hours.months import day_start
from hours.selectors import credited_per_group
from needs.models import Need, NeedTaker, WishClaim
from teams.models import PartnerUnit
from teams.partners import UnitWork


def wishes_fulfilled_by(unit: PartnerUnit, starts_on: datetime.date, ends_on: datetime.date) -> list[UnitWork]:
    """Its claims fulfilled in the period, confirmed by the community or waiting for it: one query."""
    claims = (
        WishClaim.objects.filter(
            unit=unit,
            state__in=[WishClaim.State.FULFILLED, WishClaim.State.CONFIRMED],
            fulfilled_at__gte=day_start(starts_on),
            fulfilled_at__lt=day_start(ends_on + datetime.timedelta(days=1)),
        )
        .select_related("wish")
        .order_by("fulfilled_at", "pk")
    )
    return [
        UnitWork(
            date=timezone.localdate(claim.fulfilled_at),
            kind=_("Micro-wish"),
            title=claim.wish.title,
            # The fulfilment note may name the beneficiary, who stays with the office.
            details=claim.get_state_display(),
        )
        for claim in claims
    ]


def requests_served_with(unit: PartnerUnit, starts_on: datetime.date, ends_on: datetime.date) -> list[UnitWork]:
    """Residents' requests served with the unit and confirmed in the period, with the people
    and the time the hours ledger credits for them (corrections included). Only the category
    and the grid are named: who asked, and where, stay with the office. Three queries and one
    per depth of corrections, whatever the number."""
    needs = list(
        Need.objects.filter(
            partner_unit=unit,
            state=Need.State.CONFIRMED,
            closed_at__gte=day_start(starts_on),
            closed_at__lt=day_start(ends_on + datetime.timedelta(days=1)),
        )
        .select_related("category")
        .order_by("closed_at", "pk")
    )
    takers = NeedTaker.objects.filter(need__in=needs).only("need_id", "volunteer_id")
    credited = credited_per_group((taker.need_id, taker.ledger_key) for taker in takers)
    return [
        UnitWork(
            date=timezone.localdate(need.closed_at),
            kind=_("Resident request"),
            title=need.category.name,
            details=need.grid,
            people=credited.get(need.pk, (0, 0))[0],
            minutes=credited.get(need.pk, (0, 0))[1],
        )
        for need in needs
    ]
