"""A record corrected on a 360 px phone in elder mode: the team's leader asks the office, its
staff correct the record, and the volunteer sees the reversal and the right value."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from hours.models import CorrectionRequest, ServiceRecord
from tests.e2e.steps import sign_in_by_cookie
from tests.factories import OfficeStaffFactory, TeamFactory, VolunteerFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_leader_asks_staff_correct_and_the_volunteer_sees_it(page: Page, live_server, assert_no_sideways_scroll):
    team = TeamFactory(name="银龄互助志愿服务队")
    leader = volunteer_in(team, role="leader")
    staff = OfficeStaffFactory(office=team.office, user=VolunteerFactory(real_name="孙干事").user).user
    volunteer = volunteer_in(team)
    post(volunteer, team, key="attendance:1", starts_at=at(datetime.date(2026, 3, 6)), minutes=60, length=180)
    page.set_viewport_size({"width": 360, "height": 640})
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])

    sign_in_by_cookie(page.context, leader.user, live_server.url)
    page.goto(f"/volunteers/{volunteer.pk}/records/")
    assert_no_sideways_scroll(page)
    page.get_by_role("link", name="申请机构更正").click()
    page.get_by_label("正确时长（小时）").fill("3")
    page.get_by_label("记录哪里有误？").fill("扫码器没电，实际服务了三小时")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".messages, .message").first).to_be_visible()
    assert CorrectionRequest.objects.get().requested_minutes == 180

    page.context.clear_cookies()
    sign_in_by_cookie(page.context, staff, live_server.url)
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    page.goto(f"/volunteers/{volunteer.pk}/records/")
    page.get_by_role("link", name="更正", exact=True).click()
    expect(page.get_by_text("扫码器没电，实际服务了三小时")).to_be_visible()  # the leader's request, shown
    assert_no_sideways_scroll(page)
    page.get_by_label("正确时长（小时）").fill("3")
    page.get_by_label("记录哪里有误？").fill("按队长申请更正")
    page.get_by_role("button", name="更正记录").click()
    expect(page).to_have_url(re.compile(rf"/volunteers/{volunteer.pk}/records/$"))

    assert sorted(ServiceRecord.objects.values_list("minutes", flat=True)) == [-60, 60, 180]
    assert CorrectionRequest.objects.get().state == CorrectionRequest.State.APPROVED

    page.context.clear_cookies()
    sign_in_by_cookie(page.context, volunteer.user, live_server.url)
    page.goto("/me/hours/")
    expect(page.locator('[data-kind="correction"]').first).to_be_visible()
