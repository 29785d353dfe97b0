"""A resident's request on a 390×844 phone, from the resident's tap to the volunteer's hours:
the resident (an account without a volunteer profile) asks for a haircut at home, office staff
accept and dispatch it to a team, a volunteer takes it and finishes it, the resident confirms,
staff credit the time, and it appears in the volunteer's "my hours"."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hours.models import ServiceRecord
from needs.models import Need
from tests.e2e.steps import assert_fits_a_phone, sign_in_by_cookie
from tests.factories import OfficeStaffFactory, TeamFactory, UserFactory, VolunteerFactory, volunteer_in
from tests.needs.factories import CategoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DATETIME = "%Y-%m-%dT%H:%M"


def as_(page: Page, user, live_server) -> None:
    page.context.clear_cookies()
    sign_in_by_cookie(page.context, user, live_server.url)


def test_a_resident_raises_staff_dispatch_a_volunteer_serves_and_the_hours_appear(page: Page, live_server):
    team = TeamFactory(name="银龄互助志愿服务队")
    CategoryFactory(office=team.office, name="理发", max_minutes=90)
    staff = OfficeStaffFactory(
        office=team.office, user=VolunteerFactory(real_name="孙干事").user, can_view_pii=True
    ).user  # the resident's number, to call before going
    volunteer = volunteer_in(team)
    resident = UserFactory(phone="+8613811112222")
    now = timezone.localtime()

    # The resident, without a volunteer profile, asks for help.
    as_(page, resident, live_server)
    page.goto("/me/")
    expect(page).to_have_url(re.compile(r"/me/profile/$"))
    page.get_by_test_id("resident-link").click()
    page.get_by_test_id("raise-need").click()
    assert_fits_a_phone(page)
    page.get_by_label("需要哪类帮助").select_option(label=f"{team.office.name} · 理发")
    page.get_by_label("需求内容").fill("老人腿脚不便，想请人上门理发")
    page.get_by_label("地址").fill("幸福小区3号楼2单元101")
    page.get_by_label("网格").fill("第三网格")
    page.locator("input[name=window_starts]").fill(f"{now - datetime.timedelta(hours=4):{DATETIME}}")
    page.locator("input[name=window_ends]").fill(f"{now + datetime.timedelta(hours=4):{DATETIME}}")
    page.get_by_label("居民姓名").fill("李阿姨")
    page.get_by_role("button", name="提交需求").click()
    expect(page.get_by_test_id("state")).to_have_text("已提交")
    need = Need.objects.get()
    assert need.resident == resident

    # Office staff accept it and send it to the team.
    as_(page, staff, live_server)
    page.goto("/me/more/")
    page.get_by_test_id("needs-queue-link").click()
    assert_fits_a_phone(page)
    page.get_by_role("link", name="理发").click()
    expect(page.get_by_test_id("resident")).to_contain_text("138 1111 2222")  # the office sees the number
    page.get_by_test_id("accept").click()
    expect(page.get_by_test_id("state")).to_have_text("已受理")
    page.get_by_label("指定服务队").check()
    page.locator("select[name=team]").select_option(label=team.name)
    page.get_by_test_id("dispatch").get_by_role("button", name="派单").click()
    expect(page.get_by_test_id("state")).to_have_text("待接单")
    assert_fits_a_phone(page)

    # A volunteer of the team finds it on the board, masked, takes it and finishes it.
    as_(page, volunteer.user, live_server)
    page.goto("/me/more/")
    page.get_by_test_id("needs-board-link").click()
    assert_fits_a_phone(page)
    page.get_by_test_id(f"need-{need.pk}").get_by_role("link").click()
    expect(page.get_by_test_id("resident")).to_have_text("李* · 138****2222")
    page.get_by_test_id("take").click()
    expect(page.get_by_test_id("resident")).to_contain_text("138 1111 2222")  # now theirs to call
    expect(page.get_by_test_id("address")).to_have_text("幸福小区3号楼2单元101")
    # The service starts after the taking: let four hours pass since it was taken.
    need.takers.update(taken_at=now - datetime.timedelta(hours=4))
    page.reload()
    finish = page.get_by_test_id("finish")
    finish.locator("input[name=started_at]").fill(f"{now - datetime.timedelta(hours=3):{DATETIME}}")
    finish.get_by_label("用时（分钟）").fill("120")
    finish.get_by_label("服务内容").fill("理完发，打扫干净")
    assert_fits_a_phone(page)
    finish.get_by_role("button", name="已完成").click()
    expect(page.get_by_test_id("state")).to_have_text("已完成")
    expect(page.get_by_test_id("resident")).to_have_text("李* · 138****2222")  # masked again once done

    # The resident confirms with five stars.
    as_(page, resident, live_server)
    page.goto("/needs/")
    page.get_by_test_id(f"need-{need.pk}").get_by_role("link").click()
    confirm = page.get_by_test_id("confirm")
    confirm.get_by_label("★★★★★", exact=True).check()
    confirm.get_by_label("评价").fill("师傅很耐心")
    assert_fits_a_phone(page)
    confirm.get_by_role("button", name="确认").click()
    expect(page.get_by_test_id("state")).to_have_text("已确认")
    assert not ServiceRecord.objects.filter(volunteer=volunteer).exists()  # nobody credits hours alone

    # Office staff credit the time the volunteer reported, within the category's cap.
    as_(page, staff, live_server)
    page.goto(need.get_absolute_url())
    credit = page.get_by_test_id("credit-form")
    assert_fits_a_phone(page)
    credit.get_by_role("button").click()
    expect(page.get_by_test_id("credit-form")).to_have_count(0)

    # The time, capped at the category's 90 minutes, is in the volunteer's hours.
    record = ServiceRecord.objects.get(volunteer=volunteer)
    assert (record.kind, record.minutes) == (ServiceRecord.Kind.REQUEST, 90)
    as_(page, volunteer.user, live_server)
    page.goto("/me/hours/")
    expect(page.get_by_text("居民需求：理发").first).to_be_visible()
    assert_fits_a_phone(page)
