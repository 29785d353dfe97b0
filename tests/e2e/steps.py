"""Steps several browser tests share."""

import re

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def log_in(page: Page, user, password: str = PASSWORD) -> None:
    """Log in with the phone number and land on the volunteer's home page."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.national_phone)
    page.fill("input[name=password]", password)
    page.locator("main form:has(input[name=password]) button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/me/$"))
