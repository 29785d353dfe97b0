"""The points pages through the client: thin views over the services, each asking who may."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from civic.models import GoodDeed, Order, PointEntry, PointsAccount, PointsPolicy
from civic.points import account_for
from tests.civic.conftest import give_points
from tests.civic.factories import GoodDeedKindFactory, ShopItemFactory
from tests.factories import OfficeFactory, OfficeStaffFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def client_of(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def item(team, policy):
    return ShopItemFactory(office=team.office, name="爱心大米", price=30, stock=3)


def test_a_volunteer_orders_and_sees_the_code_then_staff_hand_it_over(client, item, volunteer, team, staff):
    give_points(volunteer, team.office, 50)
    client_of(client, volunteer.user)

    shop_page = client.get(reverse("civic:shop", args=[team.office.pk]))
    assert "爱心大米" in shop_page.content.decode()
    response = client.post(reverse("civic:order", args=[item.pk]))
    assert response["Location"] == reverse("civic:my_points")
    order = Order.objects.get()
    page = client.get(reverse("civic:my_points")).content.decode()
    assert order.pickup_code in page

    client_of(client, staff)
    waiting = client.get(reverse("civic:hand_over", args=[team.office.pk])).content.decode()
    assert volunteer.real_name in waiting
    assert order.pickup_code not in waiting  # the code is the volunteer's to show
    client.post(reverse("civic:hand_over", args=[team.office.pk]), {"code": order.pickup_code})
    again = client.post(reverse("civic:hand_over", args=[team.office.pk]), {"code": order.pickup_code})

    assert "该取货码无法使用" in again.content.decode()
    assert account_for(office=team.office, volunteer=volunteer).balance() == 20


def test_a_volunteer_cannot_shop_at_an_office_they_do_not_belong_to(client, volunteer, policy):
    elsewhere = OfficeFactory()
    PointsPolicy.objects.create(office=elsewhere)
    item = ShopItemFactory(office=elsewhere)
    client_of(client, volunteer.user)

    assert client.get(reverse("civic:shop", args=[elsewhere.pk])).status_code == 404
    assert client.post(reverse("civic:order", args=[item.pk])).status_code == 404


def test_staff_of_another_office_see_nothing_and_cannot_hand_over(client, item, volunteer, team):
    give_points(volunteer, team.office, 50)
    order = Order.objects.create(
        account=account_for(office=team.office, volunteer=volunteer), item=item, price=30, pickup_code="12345678"
    )
    stranger = OfficeStaffFactory(office=OfficeFactory(), user=VolunteerFactory().user).user
    client_of(client, stranger)

    for name in ("hand_over", "catalogue", "deeds", "ranking"):
        assert client.get(reverse(f"civic:{name}", args=[team.office.pk])).status_code == 404
    assert client.post(reverse("civic:hand_over", args=[team.office.pk]), {"code": "12345678"}).status_code == 404
    assert client.post(reverse("civic:order_cancel", args=[order.pk])).status_code == 404
    assert Order.objects.get().state == Order.State.PLACED


def test_good_deeds_are_recorded_by_one_member_of_staff_and_confirmed_by_another(
    client, team, volunteer, staff, second_staff
):
    kind = GoodDeedKindFactory(office=team.office, name="抢险救灾", points=20)
    client_of(client, staff)
    client.post(
        reverse("civic:deeds", args=[team.office.pk]),
        {"phone": volunteer.user.national_phone, "kind": kind.pk, "done_on": f"{timezone.localdate():%Y-%m-%d}"},
    )
    deed = GoodDeed.objects.get()
    client.post(reverse("civic:deed_decide", args=[deed.pk]), {"decision": "approve"})
    assert not PointEntry.objects.exists()  # not by the one who recorded it

    client_of(client, second_staff)
    client.post(reverse("civic:deed_decide", args=[deed.pk]), {"decision": "approve"})

    assert account_for(office=team.office, volunteer=volunteer).balance() == 20


def test_a_good_deed_is_only_for_a_member_of_the_offices_teams(client, team, staff):
    kind = GoodDeedKindFactory(office=team.office)
    client_of(client, staff)

    response = client.post(
        reverse("civic:deeds", args=[team.office.pk]),
        {"phone": VolunteerFactory().user.national_phone, "kind": kind.pk, "done_on": "2026-01-05"},
    )

    assert response.status_code == 200
    assert not GoodDeed.objects.exists()


def test_staff_set_the_rules_and_add_items_and_deeds(client, team, staff):
    client_of(client, staff)
    office = team.office

    client.post(reverse("civic:policy", args=[office.pk]), {"points_per_hour": "10", "expires_yearly": "on"})
    client.post(
        reverse("civic:catalogue", args=[office.pk]), {"name": "洗衣液", "price": "40", "stock": "6", "is_active": "on"}
    )
    client.post(reverse("civic:deed_kind_add", args=[office.pk]), {"name": "调解纠纷", "points": "5"})

    assert PointsPolicy.objects.get(office=office).points_per_hour == 10
    hub = client.get(reverse("civic:office")).content.decode()
    assert office.name in hub
    assert "洗衣液" in client.get(reverse("civic:catalogue", args=[office.pk])).content.decode()
    assert "调解纠纷" in client.get(reverse("civic:deeds", args=[office.pk])).content.decode()


def test_the_ranking_shows_public_names_only(client, team, staff, volunteer):
    give_points(volunteer, team.office, 50)
    client_of(client, staff)

    page = client.get(reverse("civic:ranking", args=[team.office.pk])).content.decode()

    assert volunteer.public_name in page
    assert volunteer.real_name not in page


def test_my_points_pages_ask_a_fixed_number_of_queries(client, team, volunteer, item, django_assert_max_num_queries):
    for day in range(30):
        give_points(volunteer, team.office, 1, key=f"d{day}")
    client_of(client, volunteer.user)
    client.get(reverse("civic:my_points"))

    with django_assert_max_num_queries(12):
        assert client.get(reverse("civic:my_points")).status_code == 200


def test_opening_the_shop_opens_no_points_account(client, item, volunteer, team):
    client_of(client, volunteer.user)

    page = client.get(reverse("civic:shop", args=[team.office.pk])).content.decode()

    assert "积分不足" in page
    assert not PointsAccount.objects.exists()


def test_editing_an_item_keeps_the_orders_placed_while_the_form_was_open(client, item, volunteer, team, staff):
    give_points(volunteer, team.office, 50)
    client_of(client, staff)
    form = client.get(reverse("civic:item_edit", args=[item.pk])).context["form"]
    assert form["stock_shown"].value() == 3
    client_of(client, volunteer.user)
    client.post(reverse("civic:order", args=[item.pk]))  # stock 3 -> 2 while staff edit
    client_of(client, staff)

    fields = {"name": "爱心大米 5kg", "description": "", "price": 30, "is_active": "on"}
    client.post(reverse("civic:item_edit", args=[item.pk]), {**fields, "stock": 3, "stock_shown": 3})
    item.refresh_from_db()
    assert (item.name, item.stock) == ("爱心大米 5kg", 2)

    client.post(reverse("civic:item_edit", args=[item.pk]), {**fields, "stock": 7, "stock_shown": 2})
    item.refresh_from_db()
    assert item.stock == 7


def test_an_edit_that_would_take_the_stock_below_zero_is_refused(client, item, staff):
    client_of(client, staff)
    fields = {"name": "爱心大米", "description": "", "price": 30, "is_active": "on"}

    response = client.post(reverse("civic:item_edit", args=[item.pk]), {**fields, "stock": 0, "stock_shown": 5})

    assert response["Location"] == reverse("civic:item_edit", args=[item.pk])
    item.refresh_from_db()
    assert item.stock == 3


def test_the_admin_cannot_write_back_an_items_stock(client, item):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:civic_shopitem_change", args=[item.pk])
    client.post(
        url,
        {"office": item.office_id, "name": "爱心大米", "description": "", "price": 30, "stock": 9, "is_active": "on"},
    )

    item.refresh_from_db()
    assert item.stock == 3


def test_wrong_pickup_codes_get_one_answer_and_are_rate_limited(client, item, volunteer, team, staff):
    cache.clear()
    give_points(volunteer, team.office, 50)
    client_of(client, volunteer.user)
    client.post(reverse("civic:order", args=[item.pk]))
    order = Order.objects.get()
    client_of(client, staff)
    url = reverse("civic:hand_over", args=[team.office.pk])
    answers = {client.post(url, {"code": f"{n:08d}"}).context["form"].errors["code"][0] for n in range(10)}
    assert len(answers) == 1

    refused = client.post(url, {"code": order.pickup_code})

    assert Order.objects.get().state == Order.State.PLACED
    assert refused.context["form"].errors["code"][0] not in answers
    cache.clear()
