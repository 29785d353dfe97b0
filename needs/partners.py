"""The micro-wishes a partner unit (共建单位) claimed and fulfilled, for the unit's page and its
quarterly feedback (teams.partners, registered from NeedsConfig.ready())."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from hours.months import day_start
from needs.models import WishClaim
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
            details=f"{claim.get_state_display()} · {claim.note}",
        )
        for claim in claims
    ]
