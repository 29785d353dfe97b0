"""The love supermarket (爱心超市): ordering, handing over and cancelling (DESIGN rule 20).

Points are held when an order is placed and spent when it is handed over; cancelling
releases them and puts the item back. Every change locks the points account first, then
the item or the order it acts on. The account lock makes one person's orders wait for each
other (never the same points twice); the item lock makes everyone's orders for one item
wait (never the last item twice). SQLite's immediate transactions serialise writers anyway.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from civic.models import Order, PointsAccount, ShopItem, new_pickup_code
from civic.points import lock_account, spend_entry
from teams.models import Office
from volunteers.models import Volunteer

CODE_ATTEMPTS = 5


def UNUSABLE_CODE() -> str:
    return _("This pickup code cannot be used: check it with the volunteer.")


@transaction.atomic
def place_order(*, volunteer: Volunteer, item: ShopItem) -> Order:
    account = lock_account(office=item.office, volunteer=volunteer)
    item = ShopItem.objects.select_for_update().get(pk=item.pk)
    if not item.is_active:
        raise ValidationError(_("This item is no longer on offer."))
    if item.stock < 1:
        raise ValidationError(_("This item is out of stock."))
    if account.available() < item.price:
        raise ValidationError(_("You do not have enough points for this item."))
    item.stock -= 1
    item.save(update_fields=["stock"])
    return _with_fresh_code(
        lambda code: Order.objects.create(account=account, item=item, price=item.price, pickup_code=code)
    )


def _with_fresh_code(create):
    # Eight random digits rarely collide; when they do, the unique constraint says so.
    for _attempt in range(CODE_ATTEMPTS - 1):
        try:
            with transaction.atomic():
                return create(new_pickup_code())
        except IntegrityError:
            continue
    return create(new_pickup_code())


def _locked_order(order_pk: int) -> Order:
    order = Order.objects.select_related("account").get(pk=order_pk)
    PointsAccount.objects.select_for_update().get(pk=order.account_id)
    return Order.objects.select_for_update().select_related("item", "account").get(pk=order_pk)


@transaction.atomic
def hand_over(*, code: str, office: Office, by: User) -> Order:
    """Staff of the item's office hand it over against the pickup code: once."""
    found = Order.objects.filter(pickup_code=code.strip(), account__office=office).first()
    # One answer for an unknown, used or cancelled code: a wrong guess learns nothing.
    if found is None:
        raise ValidationError(UNUSABLE_CODE())
    order = _locked_order(found.pk)
    if order.state != Order.State.PLACED:
        raise ValidationError(UNUSABLE_CODE())
    # Under the account's lock: points taken back since the order (an hours reversal) may
    # leave less than its price, and spending then would drive the balance below zero.
    if order.account.balance() < order.price:
        raise ValidationError(
            _("The volunteer's points no longer cover this order (some were taken back): it cannot be handed over.")
        )
    spend_entry(order, by)
    _close(order, Order.State.HANDED_OVER, by)
    return order


@transaction.atomic
def cancel_order(*, order: Order, by: User) -> Order:
    """The points held go back to the volunteer, the item back on the shelf."""
    order = _locked_order(order.pk)
    if order.state != Order.State.PLACED:
        raise ValidationError(_("Only an order waiting for pickup can be cancelled."))
    item = ShopItem.objects.select_for_update().get(pk=order.item_id)
    item.stock += 1
    item.save(update_fields=["stock"])
    _close(order, Order.State.CANCELLED, by)
    return order


def _close(order: Order, state: str, by: User) -> None:
    order.state, order.closed_at, order.closed_by = state, timezone.now(), by
    order.save(update_fields=["state", "closed_at", "closed_by"])


EDITABLE_FIELDS = ("name", "description", "price", "is_active")


@transaction.atomic
def save_item(*, item: ShopItem, stock_shown: int | None = None) -> ShopItem:
    """A new item is saved as given. An edited one is saved under the item's lock, its stock
    changed by the difference between the number typed and `stock_shown` (the one the form
    showed): orders placed or cancelled meanwhile keep their effect, never sold twice."""
    if item.pk is None:
        item.full_clean()
        item.save()
        return item
    if stock_shown is None:
        raise ValidationError(_("This page is out of date: reload it and try again."))
    locked = ShopItem.objects.select_for_update().get(pk=item.pk)
    for field in EDITABLE_FIELDS:
        setattr(locked, field, getattr(item, field))
    locked.stock = locked.stock + (item.stock - stock_shown)
    if locked.stock < 0:
        raise ValidationError(_("Orders took items meanwhile: reload the page and try again."))
    locked.full_clean()
    locked.save(update_fields=[*EDITABLE_FIELDS, "stock"])
    return locked
