"""The love supermarket: points held at ordering, spent at hand-over, given back on cancelling."""

import pytest
from django.core.exceptions import ValidationError

from civic import shop
from civic.models import Order, PointEntry, ShopItem
from civic.points import account_for
from tests.civic.conftest import give_points
from tests.civic.factories import ShopItemFactory
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(team):
    return ShopItemFactory(office=team.office, price=30, stock=2)


def test_ordering_holds_the_points_and_takes_one_from_stock(item, volunteer, team):
    give_points(volunteer, team.office, 50)

    order = shop.place_order(volunteer=volunteer, item=item)

    account = account_for(office=team.office, volunteer=volunteer)
    assert order.state == Order.State.PLACED
    assert len(order.pickup_code) == 8 and order.pickup_code.isdigit()
    assert (account.balance(), account.held(), account.available()) == (50, 30, 20)
    assert ShopItem.objects.get(pk=item.pk).stock == 1


def test_handing_over_spends_the_held_points(item, volunteer, team, staff):
    give_points(volunteer, team.office, 50)
    order = shop.place_order(volunteer=volunteer, item=item)

    shop.hand_over(code=order.pickup_code, office=team.office, by=staff)

    account = account_for(office=team.office, volunteer=volunteer)
    assert Order.objects.get(pk=order.pk).state == Order.State.HANDED_OVER
    assert (account.balance(), account.held(), account.available()) == (20, 0, 20)
    assert PointEntry.objects.get(kind="spend").points == -30


def test_a_pickup_code_is_used_once(item, volunteer, team, staff):
    give_points(volunteer, team.office, 50)
    order = shop.place_order(volunteer=volunteer, item=item)
    shop.hand_over(code=order.pickup_code, office=team.office, by=staff)

    with pytest.raises(ValidationError, match="无法使用"):
        shop.hand_over(code=order.pickup_code, office=team.office, by=staff)

    assert account_for(office=team.office, volunteer=volunteer).balance() == 20


def test_another_offices_staff_cannot_hand_over_the_order(item, volunteer, team, staff):
    give_points(volunteer, team.office, 50)
    order = shop.place_order(volunteer=volunteer, item=item)

    with pytest.raises(ValidationError, match="无法使用"):
        shop.hand_over(code=order.pickup_code, office=OfficeFactory(), by=staff)


def test_cancelling_gives_the_points_and_the_item_back(item, volunteer, team):
    give_points(volunteer, team.office, 50)
    order = shop.place_order(volunteer=volunteer, item=item)

    shop.cancel_order(order=order, by=volunteer.user)

    assert account_for(office=team.office, volunteer=volunteer).available() == 50
    assert ShopItem.objects.get(pk=item.pk).stock == 2
    with pytest.raises(ValidationError):
        shop.hand_over(code=order.pickup_code, office=team.office, by=volunteer.user)
    with pytest.raises(ValidationError):
        shop.cancel_order(order=order, by=volunteer.user)


def test_held_points_cannot_be_spent_twice(item, volunteer, team):
    give_points(volunteer, team.office, 50)
    shop.place_order(volunteer=volunteer, item=item)

    with pytest.raises(ValidationError, match="积分不足"):
        shop.place_order(volunteer=volunteer, item=item)


@pytest.mark.parametrize(("stock", "active", "message"), [(0, True, "已兑完"), (3, False, "已下架")])
def test_an_item_out_of_stock_or_off_the_shelf_cannot_be_ordered(team, volunteer, stock, active, message):
    give_points(volunteer, team.office, 100)
    item = ShopItemFactory(office=team.office, stock=stock, is_active=active)

    with pytest.raises(ValidationError, match=message):
        shop.place_order(volunteer=volunteer, item=item)
    assert not Order.objects.exists()


def test_points_of_one_office_do_not_buy_at_another(item, volunteer):
    give_points(volunteer, OfficeFactory(), 100)

    with pytest.raises(ValidationError, match="积分不足"):
        shop.place_order(volunteer=volunteer, item=item)


def test_an_order_is_not_handed_over_when_points_taken_back_leave_less_than_its_price(item, volunteer, team, staff):
    give_points(volunteer, team.office, 50)
    order = shop.place_order(volunteer=volunteer, item=item)
    give_points(volunteer, team.office, -40, key="taken-back")  # an hours reversal, say

    with pytest.raises(ValidationError, match="积分"):
        shop.hand_over(code=order.pickup_code, office=team.office, by=staff)

    assert Order.objects.get(pk=order.pk).state == Order.State.PLACED
    assert account_for(office=team.office, volunteer=volunteer).balance() == 10
