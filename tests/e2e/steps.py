"""Steps several browser tests share."""

import re

from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from tests.factories import PASSWORD


def log_in(page: Page, user, password: str = PASSWORD) -> None:
    """Log in with the phone number and land on the volunteer's home page."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.national_phone)
    page.fill("input[name=password]", password)
    page.locator("main form:has(input[name=password]) button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/me/$"))


def sign_in_by_cookie(context: BrowserContext, user, url: str) -> None:
    """Signed in without the login form: the session of a test client, as a cookie for `url`."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": url}])
