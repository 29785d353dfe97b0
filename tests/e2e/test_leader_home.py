"""A leader in elder mode on a 390 px phone: home shows today's shift, and one tap on
扫码签到 opens its scanner; the 扫码 tab lists the same shifts."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.steps import ELDER_TARGET, assert_fits_a_phone, sign_in_by_cookie
from tests.factories import LeaderFactory, ShiftFactory, TeamFactory, VolunteerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_leader_in_elder_mode_opens_the_scanner_from_home_in_one_tap(page: Page, live_server):
    team = TeamFactory(name="六点半课堂")
    leader = VolunteerFactory(real_name="张队长")
    LeaderFactory(team=team, user=leader.user)
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=10)
    shift = ShiftFactory(
        team=team, title="作业辅导", starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2)
    )
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    sign_in_by_cookie(page.context, leader.user, live_server.url)

    page.goto("/me/")
    card = page.get_by_test_id(f"run-{shift.pk}")
    expect(card).to_contain_text("作业辅导")
    expect(card).to_contain_text("今天")
    assert_fits_a_phone(page, ELDER_TARGET)
    card.get_by_role("link", name="扫码签到").click()
    expect(page).to_have_url(re.compile(rf"/shifts/{shift.pk}/scanner/$"))
    expect(page.get_by_test_id("tab-scan")).to_have_attribute("aria-current", "page")

    page.get_by_test_id("tab-scan").click()
    expect(page).to_have_url(re.compile(r"/scan/$"))
    expect(page.get_by_test_id(f"scan-{shift.pk}")).to_be_visible()
    assert_fits_a_phone(page, ELDER_TARGET)
