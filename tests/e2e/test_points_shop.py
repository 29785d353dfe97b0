"""On a phone (390×844): a volunteer spends service points in the love supermarket, staff hand
the item over by its pickup code, and the balance drops."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from civic.models import Order
from tests.civic.factories import PointsPolicyFactory, ShopItemFactory
from tests.e2e.steps import assert_fits_a_phone, sign_in_by_cookie
from tests.factories import OfficeStaffFactory, TeamFactory, VolunteerFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_volunteer_orders_with_points_and_staff_hand_it_over_by_code(page: Page, live_server):
    team = TeamFactory(name="银龄互助志愿服务队")
    PointsPolicyFactory(office=team.office, points_per_hour=10)
    ShopItemFactory(office=team.office, name="爱心大米", price=30, stock=1)
    volunteer = volunteer_in(team)
    staff = OfficeStaffFactory(office=team.office, user=VolunteerFactory(real_name="周晓燕").user).user
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    post(volunteer, team, key="visit", starts_at=at(last_week), minutes=300)  # 5 h: 50 points

    sign_in_by_cookie(page.context, volunteer.user, live_server.url)
    page.goto("/me/more/")
    page.get_by_test_id("my-points-link").click()
    expect(page).to_have_url(re.compile(r"/me/points/$"))
    expect(page.get_by_test_id("available-points")).to_have_text("50")
    page.get_by_test_id("shop-link").click()
    item = page.get_by_test_id("shop-item")
    expect(item).to_contain_text("爱心大米")
    assert_fits_a_phone(page)
    item.get_by_role("button", name="用积分兑换").click()

    expect(page).to_have_url(re.compile(r"/me/points/$"))
    code = Order.objects.get().pickup_code
    expect(page.get_by_test_id("pickup-code")).to_have_text(code)
    expect(page.get_by_test_id("available-points")).to_have_text("20")
    expect(page.get_by_test_id("held-points")).to_have_text("30")
    expect(page.get_by_test_id("balance")).to_have_text("50")
    assert_fits_a_phone(page)

    page.context.clear_cookies()
    sign_in_by_cookie(page.context, staff, live_server.url)
    page.goto("/me/more/")
    page.get_by_test_id("office-points-link").click()
    page.get_by_test_id("hand-over-link").click()
    expect(page.get_by_test_id("waiting-orders")).to_contain_text("爱心大米")
    page.get_by_label("取货码").fill(code)
    page.get_by_role("button", name="确认领取").click()
    expect(page.locator(".messages")).to_contain_text("已领取")
    expect(page.get_by_test_id("waiting-orders")).not_to_contain_text("爱心大米")
    assert_fits_a_phone(page)
    page.get_by_label("取货码").fill(code)
    page.get_by_role("button", name="确认领取").click()
    expect(page.get_by_test_id("hand-over")).to_contain_text("该取货码无法使用")

    page.context.clear_cookies()
    sign_in_by_cookie(page.context, volunteer.user, live_server.url)
    page.goto("/me/points/")
    expect(page.get_by_test_id("balance")).to_have_text("20")
    expect(page.get_by_test_id("held-points")).to_have_text("0")
    expect(page.get_by_test_id("my-orders")).to_contain_text("已领取")
    expect(page.get_by_test_id("pickup-code")).to_have_count(0)
