"""The roster-add picker asks the server as the leader types pinyin (issue 16): on a 390 px
phone, a few letters find the person among the team, and a tap adds them."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from shifts.models import Signup
from tests.e2e.steps import sign_in_by_cookie
from tests.factories import (
    LeaderFactory,
    MembershipFactory,
    ShiftFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    volunteer_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def member(team, name: str, phone: str):
    volunteer = VolunteerFactory(real_name=name, user=UserFactory(phone=phone))
    MembershipFactory(team=team, user=volunteer.user)
    return volunteer


def test_a_leader_finds_a_member_by_pinyin_and_adds_them(page: Page, live_server, assert_no_sideways_scroll):
    team = TeamFactory()
    leader = VolunteerFactory(real_name="张队长")
    LeaderFactory(team=team, user=leader.user)
    shift = ShiftFactory(team=team, starts_at=timezone.now() + datetime.timedelta(days=2))
    for _ in range(30):
        volunteer_in(team)
    wanted = member(team, "王秀英", "+8613800008000")
    member(team, "王晓燕", "+8613900001234")  # the same initials, wxy
    sign_in_by_cookie(page.context, leader.user, live_server.url)
    page.goto(shift.get_absolute_url())
    assert page.viewport_size["width"] == 390

    search = page.get_by_test_id("person-search-input")
    search.press_sequentially("wxy")
    options = page.get_by_test_id("person-search-option")
    # Both wxy, in pinyin order: wang xiao yan before wang xiu ying.
    expect(options).to_have_text(["王晓燕", "王秀英"])
    for box in (options.nth(0).bounding_box(), options.nth(1).bounding_box()):
        assert box["height"] >= 44
    search.fill("")
    search.press_sequentially("wangxiu")
    expect(options).to_have_text(["王秀英"])
    assert_no_sideways_scroll(page)
    options.click()
    expect(search).to_have_value("王秀英")
    page.get_by_role("button", name="加入名单").click()

    expect(page.get_by_role("table").first).to_contain_text("王秀英")
    assert Signup.objects.filter(shift=shift, volunteer=wanted, status=Signup.Status.CONFIRMED).exists()
