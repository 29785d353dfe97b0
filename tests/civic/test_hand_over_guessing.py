"""Guessing pickup codes at the hand-over desk: after ten codes that could not be used, a
staff member's further tries at that office are refused for a while, even a right code."""

import pytest
from django.urls import reverse

from civic import shop
from civic.models import Order
from civic.views import HAND_OVER_FAILURES
from common.counters import count_of
from tests.civic.conftest import give_points
from tests.civic.factories import ShopItemFactory
from tests.factories import OfficeStaffFactory, TeamFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def test_ten_wrong_codes_stop_a_staff_member_at_that_office_but_not_a_colleague(client, team, policy, volunteer, staff):
    item = ShopItemFactory(office=team.office, price=10, stock=5)
    give_points(volunteer, team.office, 50)
    client.force_login(volunteer.user)
    client.post(reverse("civic:order", args=[item.pk]))
    order = Order.objects.get()
    desk = reverse("civic:hand_over", args=[team.office.pk])
    wrong = "".join("1" if digit == "0" else "0" for digit in order.pickup_code)

    client.force_login(staff)
    for _try in range(HAND_OVER_FAILURES):
        assert "无法使用" in client.post(desk, {"code": wrong}).content.decode()
    refused = client.post(desk, {"code": order.pickup_code})

    assert "无法使用的取货码次数过多" in refused.content.decode()
    order.refresh_from_db()
    assert order.state == Order.State.PLACED

    colleague = OfficeStaffFactory(office=team.office, user=VolunteerFactory().user).user
    client.force_login(colleague)
    client.post(desk, {"code": order.pickup_code})
    order.refresh_from_db()
    assert order.state == Order.State.HANDED_OVER


def test_wrong_codes_at_one_office_do_not_stop_the_same_person_at_another(client, policy, staff):
    other = TeamFactory().office
    OfficeStaffFactory(office=other, user=staff)
    client.force_login(staff)
    for _try in range(HAND_OVER_FAILURES):
        client.post(reverse("civic:hand_over", args=[policy.office.pk]), {"code": "00000000"})

    elsewhere = client.post(reverse("civic:hand_over", args=[other.pk]), {"code": "00000000"})

    assert "无法使用" in elsewhere.content.decode()


def _placed_order(client, team, volunteer):
    item = ShopItemFactory(office=team.office, price=10, stock=5)
    give_points(volunteer, team.office, 50)
    client.force_login(volunteer.user)
    client.post(reverse("civic:order", args=[item.pk]))
    return Order.objects.latest("pk")


def test_a_try_is_counted_while_it_is_made_so_a_burst_cannot_pass_the_limit(
    client, team, policy, volunteer, staff, monkeypatch
):
    """Tries sent at the same moment each see the ones before them, still on their way."""
    key = f"civic:handover-failures:{staff.pk}:{team.office.pk}"
    seen_during_the_try = []
    hand_over = shop.hand_over

    def watched(**kwargs):
        seen_during_the_try.append(count_of(key))
        return hand_over(**kwargs)

    monkeypatch.setattr(shop, "hand_over", watched)
    client.force_login(staff)
    client.post(reverse("civic:hand_over", args=[team.office.pk]), {"code": "00000000"})

    assert seen_during_the_try == [1]


def test_codes_that_were_good_do_not_count_towards_the_limit(client, team, policy, volunteer, staff):
    order = _placed_order(client, team, volunteer)
    desk = reverse("civic:hand_over", args=[team.office.pk])
    wrong = "".join("1" if digit == "0" else "0" for digit in order.pickup_code)
    client.force_login(staff)
    for _try in range(HAND_OVER_FAILURES - 1):
        client.post(desk, {"code": wrong})

    client.post(desk, {"code": order.pickup_code})
    last_try = client.post(desk, {"code": wrong}).content.decode()

    order.refresh_from_db()
    assert order.state == Order.State.HANDED_OVER
    assert "无法使用" in last_try and "次数过多" not in last_try
