"""Elder mode on the smallest phone the design names (360 px): the leader's busiest pages
stay within the screen, their wide tables scrolling inside their own box."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from shifts.models import Signup
from tests.e2e.steps import log_in, sign_in_by_cookie
from tests.factories import LeaderFactory, ShiftFactory, TeamFactory, VolunteerFactory, volunteer_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_leaders_roster_and_attendance_sheet_fit_a_360_px_phone_in_elder_mode(
    page: Page, live_server, assert_no_sideways_scroll
):
    team = TeamFactory(name="银龄互助志愿服务队")
    leader = VolunteerFactory(real_name="张队长")
    LeaderFactory(team=team, user=leader.user)
    starts_at = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
    shift = ShiftFactory(
        team=team,
        title="六点半课堂·作业辅导",
        place="阳光社区四点半学校教室",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )
    for _ in range(6):
        Signup.objects.create(shift=shift, volunteer=volunteer_in(team), status=Signup.Status.CONFIRMED)
    page.set_viewport_size({"width": 360, "height": 640})
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    log_in(page, leader.user)

    # The roster's row actions carry hidden labels: they must not widen the page.
    for path in (shift.get_absolute_url(), f"/shifts/{shift.pk}/attendance/"):
        page.goto(path)
        page.locator("table").first.wait_for()
        assert_no_sideways_scroll(page)


def test_the_member_picker_searches_the_server_with_elder_sized_results(
    page: Page, live_server, assert_no_sideways_scroll
):
    team = TeamFactory()
    leader = VolunteerFactory(real_name="张队长")
    LeaderFactory(team=team, user=leader.user)
    shift = ShiftFactory(team=team, starts_at=timezone.now() + datetime.timedelta(days=2))
    for number in range(20):
        member = volunteer_in(team)
        member.real_name = f"队员{number:02d}"
        member.save()
    wanted = volunteer_in(team)
    wanted.real_name = "欧阳秀英"
    wanted.save()
    page.set_viewport_size({"width": 360, "height": 640})
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    sign_in_by_cookie(page.context, leader.user, live_server.url)
    page.goto(shift.get_absolute_url())

    # The page lists nobody: the people come from the server as the leader types.
    expect(page.locator("select[name=volunteer]")).to_have_count(0)
    page.get_by_test_id("person-search-input").fill("秀英")
    options = page.get_by_test_id("person-search-option")
    expect(options).to_have_count(1)
    expect(options).to_have_text("欧阳秀英")
    assert options.bounding_box()["height"] >= 60
    assert_no_sideways_scroll(page)
    options.click()
    expect(page.locator("input[name=volunteer]")).to_have_value(str(wanted.pk))
    page.get_by_role("button", name="加入名单").click()
    expect(page.get_by_role("table").first).to_contain_text("欧阳秀英")
    assert Signup.objects.filter(shift=shift, volunteer=wanted).exists()
