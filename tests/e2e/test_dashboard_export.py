"""Office staff open the dashboard on a phone, pick last month and download its workbook."""

import datetime
import re

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.steps import log_in
from tests.factories import CommunityFactory, OfficeStaffFactory, TeamFactory, VolunteerFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHEETS_ZH = ["汇总", "明细", "按服务队", "补录及更正", "服务需求"]


def test_staff_download_last_months_workbook_from_the_dashboard(
    page: Page, live_server, tmp_path, assert_no_sideways_scroll
):
    community = CommunityFactory(name="阳光社区")
    street = community.parent
    team = TeamFactory(office=community, name="银龄互助志愿服务队")
    volunteer = volunteer_in(team)
    volunteer.real_name = "王秀英"
    volunteer.save()
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    post(volunteer, team, key="visit-1", starts_at=at(last_month.replace(day=10)), minutes=150)
    post(volunteer, team, key="visit-2", starts_at=at(last_month.replace(day=17)), minutes=90)
    staff = VolunteerFactory(real_name="周晓燕").user
    OfficeStaffFactory(office=street, user=staff)

    log_in(page, staff)
    page.locator("main a.tile[href='/office/dashboard/']").click()
    expect(page).to_have_url(re.compile(r"/office/dashboard/$"))
    expect(page.locator("h1")).to_have_text("数据看板")
    assert_no_sideways_scroll(page)

    page.fill("#dashboard-month", f"{last_month:%Y-%m}")
    page.get_by_test_id("dashboard-filters").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"month={last_month:%Y-%m}"))
    expect(page.get_by_test_id("hours").locator(".figure-value")).to_have_text("4")
    expect(page.get_by_test_id("active-volunteers").locator(".figure-value")).to_have_text("1")
    expect(page.get_by_test_id("teams")).to_contain_text("银龄互助志愿服务队")
    expect(page.get_by_test_id("chart")).to_be_visible()
    assert_no_sideways_scroll(page)

    button = page.get_by_test_id("download-workbook")
    expect(button).to_contain_text(".xlsx")
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename == f"{street.name}-{last_month:%Y-%m}.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS_ZH
    details = [row for row in book["明细"].iter_rows(min_row=3, values_only=True) if row[1] == "王秀英"]
    assert sorted(row[8] for row in details) == [1.5, 2.5]
    summary = [row for row in book["汇总"].iter_rows(min_row=3, values_only=True) if row[1] == "王秀英"]
    assert len(summary) == 1
    assert summary[0][3] == 4.0
