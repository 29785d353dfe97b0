"""A leader on a 390 px phone mends a "not signed out" row on the attendance sheet, with a
reason, and posts the sheet; the volunteer then finds the time in "my hours"."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hours.models import ServiceRecord
from shifts.models import Attendance, AttendanceMend, Signup
from shifts.posting import post_attendance
from shifts.scanning import record_event
from tests.e2e.steps import sign_in_by_cookie
from tests.factories import LeaderFactory, ShiftFactory, TeamFactory, VolunteerFactory, volunteer_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_leader_mends_a_row_not_signed_out_and_the_volunteer_sees_the_hours(
    page: Page, live_server, assert_no_sideways_scroll
):
    team = TeamFactory(name="银龄互助志愿服务队")
    leader = LeaderFactory(team=team, user=VolunteerFactory(real_name="张队长").user).user
    volunteer = volunteer_in(team)
    volunteer.real_name = "王秀英"
    volunteer.save(update_fields=["real_name"])
    starts_at = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) - datetime.timedelta(days=1)
    shift = ShiftFactory(
        team=team, title="长者食堂助餐", starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3)
    )
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    record_event(shift=shift, volunteer=volunteer, client_event_id="in", at=starts_at, by=leader)
    post_attendance(shift=shift, by=None)  # the window has closed: not signed out
    assert Attendance.objects.get().status == Attendance.Status.NOT_SIGNED_OUT

    sign_in_by_cookie(page.context, leader, live_server.url)
    page.goto(f"/shifts/{shift.pk}/attendance/")
    expect(page.get_by_test_id("review-count")).to_have_text("1")
    row = page.get_by_test_id("attendance-sheet").locator("tr", has_text="王秀英")
    expect(row).to_contain_text("未签退")
    form = row.get_by_test_id("mark-form")
    expect(form).to_be_visible()  # a row that needs the leader opens by itself
    assert_no_sideways_scroll(page)
    form.get_by_label("签退").fill("11:30")
    form.get_by_label("原因").fill("忘记签退")
    form.get_by_role("button", name="保存").click()

    expect(page.get_by_test_id("review-count")).to_have_text("0")
    expect(row).to_contain_text("2.5")
    assert AttendanceMend.objects.get().reason == "忘记签退"
    # Posting asks first (issue 14): dismissed, nothing is posted; accepted, it is.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_test_id("confirm-sheet").click()
    expect(page.get_by_test_id("confirm-sheet")).to_be_visible()
    assert len(asked) == 1 and "台账" in asked[0]
    assert not ServiceRecord.objects.filter(volunteer=volunteer).exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("confirm-sheet").click()
    expect(page.locator(".messages, .message").first).to_be_visible()
    assert ServiceRecord.objects.get(volunteer=volunteer).minutes == 150

    page.context.clear_cookies()
    sign_in_by_cookie(page.context, volunteer.user, live_server.url)
    page.goto("/me/hours/")
    expect(page.get_by_test_id("total-hours")).to_contain_text("2.5")
    expect(page.get_by_text("长者食堂助餐").first).to_be_visible()
    assert_no_sideways_scroll(page)
