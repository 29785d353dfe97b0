"""Someone the office imported from its roster has an account but no password: on a
390 px phone, in Chinese and in elder mode, they get in with a texted six-digit code,
choose a password, and land on their home page with their hours."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.sms import MemorySmsSender
from teams.models import Membership
from tests.e2e.steps import ELDER_TARGET, STANDARD_TARGET, assert_fits_a_phone
from tests.factories import PASSWORD as NEW_PASSWORD
from tests.factories import TeamFactory, VolunteerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_an_imported_person_claims_their_account_by_code(page: Page, live_server, elder):
    user = User.objects.create_user(phone="13800001234")  # as a roster import makes them
    volunteer = VolunteerFactory(user=user, real_name="刘桂兰")
    Membership.objects.create(team=TeamFactory(), user=user, status=Membership.Status.ACTIVE)
    minimum = ELDER_TARGET if elder else STANDARD_TARGET
    if elder:
        page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    MemorySmsSender.outbox.clear()

    page.goto("/accounts/login/")
    assert_fits_a_phone(page, minimum)
    page.get_by_role("link", name="用验证码登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/code/$"))
    assert_fits_a_phone(page, minimum)
    page.fill("input[name=phone]", "138 0000 1234")
    page.locator("main button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/accounts/login/code/confirm/$"))
    expect(page.locator("main")).to_contain_text("138 0000 1234")  # as people read it, not +86…
    code_field = page.locator("input[name=code]")
    expect(code_field).to_have_attribute("inputmode", "numeric")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    assert_fits_a_phone(page, minimum)
    phone, text = MemorySmsSender.outbox[-1]
    assert phone == "+8613800001234"
    code_field.fill(re.search(r"\d{6}", text)[0])
    page.locator("main button[type=submit]").first.click()

    # Signed in; a password for next time, then home.
    expect(page).to_have_url(re.compile(r"/me/password/new/"))
    assert_fits_a_phone(page, minimum)
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.locator("main button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(volunteer.real_name)
    expect(page.get_by_test_id("home-total-hours")).to_have_text("0")
    assert_fits_a_phone(page, minimum)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and user.phone_verified
