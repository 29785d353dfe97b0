"""The shift list on a phone (issue 14): a week a page, and every link and control in it
a finger's size (44 px, 60 px in elder mode), the shift's title a block across its card."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.steps import sign_in_by_cookie
from tests.factories import ShiftFactory, TeamFactory, volunteer_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SMALL_TARGETS = """(minimum) => [...document.querySelectorAll(
    'main a, main button, main select, main input:not([type=hidden])')]
  .filter((element) => element.offsetParent !== null)
  .map((element) => ({what: element.outerHTML.slice(0, 80), box: element.getBoundingClientRect()}))
  .filter(({box}) => box.height < minimum - 0.5)
  .map(({what, box}) => `${Math.round(box.height)}px ${what}`)"""


@pytest.mark.parametrize(("elder", "width", "tap"), [(False, 390, 44), (True, 360, 60)])
def test_the_week_fits_a_phone_with_large_tap_targets(
    page: Page, live_server, assert_no_sideways_scroll, elder, width, tap
):
    team = TeamFactory(name="银龄互助志愿服务队")
    member = volunteer_in(team)
    today = timezone.localdate()
    for day in range(1, 10):
        starts_at = datetime.datetime.combine(
            today + datetime.timedelta(days=day), datetime.time(18, 30), tzinfo=timezone.get_current_timezone()
        )
        ShiftFactory(team=team, title=f"六点半课堂·作业辅导{day}", place="阳光社区四点半学校教室", starts_at=starts_at)
    page.set_viewport_size({"width": width, "height": 640})
    if elder:
        page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    sign_in_by_cookie(page.context, member.user, live_server.url)

    page.goto("/shifts/")

    expect(page.locator(".shift")).to_have_count(6)  # days 1–6; the rest a week on
    assert_no_sideways_scroll(page)
    assert page.evaluate(SMALL_TARGETS, tap) == []
    title = page.locator(".shift-link").first
    card = page.locator(".shift").first
    assert title.bounding_box()["width"] >= card.bounding_box()["width"] - 2
    page.get_by_test_id("later").click()
    expect(page.locator(".shift")).to_have_count(3)
    page.get_by_test_id("this-week").click()
    expect(page.get_by_test_id("this-week")).to_have_attribute("aria-current", "true")
