"""Two people on phones: one takes the last place, one waits, the first cancels, the second moves up."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from shifts.models import Signup
from tests.e2e.conftest import VIEWPORT
from tests.e2e.steps import log_in
from tests.factories import MembershipFactory, ShiftFactory, TeamFactory, VolunteerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_page(browser: Browser, live_server) -> Page:
    """Another person's phone: a context of its own, so its own cookies and session."""
    context = browser.new_context(
        viewport=VIEWPORT,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_cancelled_place_goes_to_the_first_person_waiting(
    page: Page, second_page: Page, live_server, assert_no_sideways_scroll
):
    team = TeamFactory(name="银龄互助志愿服务队")
    first, second, holder = (VolunteerFactory(real_name=name) for name in ("王秀英", "李桂兰", "张建华"))
    for volunteer in (first, second, holder):
        MembershipFactory(team=team, user=volunteer.user)
    starts_at = timezone.now() + datetime.timedelta(days=2)
    shift = ShiftFactory(team=team, title="独居老人探访", capacity=2, starts_at=starts_at)
    Signup.objects.create(shift=shift, volunteer=holder, status=Signup.Status.CONFIRMED)
    signup_form = f"form[action='/shifts/{shift.pk}/signup/']"
    cancel_form = f"form[action='/shifts/{shift.pk}/cancel-signup/']"

    # The first volunteer takes the last place from the shift list.
    log_in(page, first.user)
    page.goto("/shifts/")
    card = page.get_by_test_id(f"shift-{shift.pk}")
    expect(card).to_be_visible()
    assert_no_sideways_scroll(page)
    card.locator(f"{signup_form} button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/shifts/{shift.pk}/$"))
    expect(page.get_by_test_id("signup-confirmed")).to_be_visible()
    expect(page.locator(cancel_form)).to_be_visible()
    assert Signup.objects.get(shift=shift, volunteer=first).status == Signup.Status.CONFIRMED

    # The second finds it full and joins the waitlist, first in line.
    log_in(second_page, second.user)
    second_page.goto(f"/shifts/{shift.pk}/")
    expect(second_page.get_by_test_id("signup-confirmed")).to_have_count(0)
    second_page.locator(f"[data-testid=my-signup] {signup_form} button[type=submit]").click()
    position = second_page.get_by_test_id("waitlist-position")
    expect(position).to_be_visible()
    expect(position).to_have_text(re.compile(r"(?<!\d)1(?!\d)"))
    expect(second_page.locator("[data-testid=tab-me] .weui-badge")).to_have_count(0)
    assert_no_sideways_scroll(second_page)
    assert Signup.objects.get(shift=shift, volunteer=second).status == Signup.Status.WAITLISTED

    # The first cancels; the place passes to the second in the same step.
    page.reload()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator(f"{cancel_form} button[type=submit]").click()
    expect(page.locator(".messages .success")).to_be_visible()
    expect(page.get_by_test_id("signup-confirmed")).to_have_count(0)
    assert not Signup.objects.live().filter(shift=shift, volunteer=first).exists()
    assert asked == ["确定取消“独居老人探访”的报名吗？"]

    # The second reloads: confirmed, off the waitlist, and told so in the menu.
    second_page.reload()
    expect(second_page.get_by_test_id("signup-confirmed")).to_be_visible()
    expect(second_page.get_by_test_id("waitlist-position")).to_have_count(0)
    expect(second_page.locator("[data-testid=tab-me] .weui-badge")).to_have_text(re.compile(r"(?<!\d)1(?!\d)"))
    assert_no_sideways_scroll(second_page)
    assert Signup.objects.get(shift=shift, volunteer=second).status == Signup.Status.CONFIRMED
    assert Signup.objects.confirmed().filter(shift=shift).count() == shift.capacity
