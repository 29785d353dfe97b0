"""A grid worker (网格员) on a 390×844 phone: an account without a volunteer profile raises a
request for a resident of their grid who phoned; it is on the grid's page, and on the
resident's own phone, since the resident's number has an account."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from needs.models import Need
from teams import services as team_services
from tests.e2e.steps import assert_fits_a_phone, sign_in_by_cookie
from tests.factories import OfficeStaffFactory, TeamFactory, UserFactory, VolunteerFactory
from tests.needs.factories import CategoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DATETIME = "%Y-%m-%dT%H:%M"


def test_a_grid_worker_raises_a_request_for_a_resident_who_then_follows_it(page: Page, live_server):
    team = TeamFactory(name="便民服务队")
    CategoryFactory(office=team.office, name="便民维修")
    staff = OfficeStaffFactory(office=team.office, user=VolunteerFactory().user).user
    worker = UserFactory()
    team_services.appoint_grid_worker(office=team.office, user=worker, grid="第三网格", by=staff)
    resident = UserFactory(phone="+8613811112222")
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)

    sign_in_by_cookie(page.context, worker, live_server.url)
    page.goto("/me/")
    expect(page).to_have_url(re.compile(r"/me/$"))  # no profile asked of them
    page.get_by_test_id("home-grid").click()
    assert_fits_a_phone(page)
    page.get_by_test_id("raise-for-resident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("为居民代提需求")
    page.get_by_label("需要哪类帮助").select_option(label=f"{team.office.name} · 便民维修")
    page.get_by_label("需求内容").fill("独居老人家中水管漏水")
    page.get_by_label("地址").fill("幸福小区3号楼2单元101")
    page.get_by_label("所在网格").select_option("第三网格")
    page.locator("input[name=window_starts]").fill(f"{tomorrow:{DATETIME}}")
    page.locator("input[name=window_ends]").fill(f"{tomorrow + datetime.timedelta(hours=3):{DATETIME}}")
    page.get_by_label("居民姓名").fill("李阿姨")
    page.get_by_label("居民手机号").fill("138 1111 2222")
    assert_fits_a_phone(page)
    page.get_by_role("button", name="提交需求").click()
    expect(page.get_by_test_id("state")).to_have_text("已提交")
    need = Need.objects.get()
    assert (need.raised_by, need.resident, need.grid) == (worker, resident, "第三网格")

    page.goto("/needs/grid/")
    expect(page.get_by_test_id(f"need-{need.pk}")).to_be_visible()
    assert_fits_a_phone(page)

    page.context.clear_cookies()
    sign_in_by_cookie(page.context, resident, live_server.url)
    page.goto("/needs/")
    expect(page.get_by_test_id(f"need-{need.pk}")).to_be_visible()
