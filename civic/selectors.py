"""Reads for the points pages: a fixed number of queries a page."""

import datetime

from django.db.models import Q, QuerySet, Sum

from civic.models import GoodDeed, Order, PointEntry, PointsAccount, PointsPolicy, ShopItem
from teams.models import Membership, Office
from volunteers.models import Volunteer

EARNED = [PointEntry.Kind.HOURS, PointEntry.Kind.DEED]


def accounts_of(volunteer: Volunteer) -> QuerySet[PointsAccount]:
    """The volunteer's accounts with `total` and `held` points."""
    return (
        PointsAccount.objects.filter(volunteer=volunteer)
        .select_related("office")
        .annotate(
            total=Sum("entries__points", default=0),
        )
        .order_by("office__name")
    )


def held_by_account(volunteer: Volunteer) -> dict[int, int]:
    rows = (
        Order.objects.filter(account__volunteer=volunteer, state=Order.State.PLACED)
        .values_list("account_id")
        .annotate(held=Sum("price"))
        .order_by()
    )
    return dict(rows)


def available_at(office: Office, volunteer: Volunteer) -> int:
    """Points the volunteer may spend at the office; a read, so no account is opened for it."""
    account = PointsAccount.objects.filter(office=office, volunteer=volunteer).first()
    return account.available() if account else 0


def entries_of(volunteer: Volunteer) -> QuerySet[PointEntry]:
    return PointEntry.objects.filter(account__volunteer=volunteer).select_related("account__office")


def orders_of(volunteer: Volunteer) -> QuerySet[Order]:
    return Order.objects.filter(account__volunteer=volunteer).select_related("item", "account__office")


def shop_offices_of(volunteer: Volunteer) -> QuerySet[Office]:
    """Offices whose supermarket the volunteer may use: those with points rules where they
    serve in a team or already hold points."""
    serving = Membership.objects.active().filter(user_id=volunteer.user_id).values("team__office_id")
    holding = PointsAccount.objects.filter(volunteer=volunteer).values("office_id")
    return Office.objects.filter(
        Q(pk__in=serving) | Q(pk__in=holding),
        pk__in=PointsPolicy.objects.values("office_id"),
    ).order_by("name")


def items_on_offer(office: Office) -> QuerySet[ShopItem]:
    return ShopItem.objects.filter(office=office, is_active=True)


def waiting_orders(office: Office) -> QuerySet[Order]:
    return (
        Order.objects.filter(account__office=office, state=Order.State.PLACED)
        .select_related("item", "account__volunteer")
        .order_by("placed_at", "pk")
    )


def pending_deeds(office: Office) -> QuerySet[GoodDeed]:
    return (
        GoodDeed.objects.filter(office=office, state=GoodDeed.State.PENDING)
        .select_related("volunteer", "kind", "requested_by__volunteer")
        .order_by("requested_at", "pk")
    )


def ranking(office: Office, year: int, limit: int = 50) -> list[tuple[Volunteer, int]]:
    """Volunteers by points earned at the office in `year` (hours and good deeds, net of
    reversals; spending does not lower a place). Summed first, names joined after."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    top = list(
        PointEntry.objects.filter(account__office=office, kind__in=EARNED, earned_on__range=(start, end))
        .values_list("account__volunteer_id")
        .annotate(earned=Sum("points"))
        .filter(earned__gt=0)
        .order_by("-earned", "account__volunteer_id")[:limit]
    )
    people = Volunteer.objects.in_bulk([volunteer_id for volunteer_id, _earned in top])
    return [(people[volunteer_id], earned) for volunteer_id, earned in top]
