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


STANDARD_TARGET, ELDER_TARGET = 44, 60  # px: a finger's size, and an older finger's (适老化 rules)

# Finds what a finger cannot hit or a phone cannot show; returns one line per offender.
MEASURE = """
(minimum) => {
  const problems = [];
  const screen = document.documentElement.clientWidth;
  const shown = (element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== "hidden";
  };
  const named = (element) => {
    const words = (element.innerText || element.value || element.getAttribute("aria-label") || element.name || "");
    return `<${element.tagName.toLowerCase()}> "${words.trim().replace(/\\s+/g, " ").slice(0, 30)}"`;
  };
  const controls = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const control of document.querySelectorAll(controls)) {
    if (!shown(control) || control.classList.contains("skip-link")) continue;
    let target = control;
    // A check box or radio button is hit through its label as well.
    if (control.matches("input[type=checkbox], input[type=radio]")) {
      const label = control.id && document.querySelector(`label[for="${control.id}"]`);
      target = control.closest("label") || label || control;
    }
    const box = target.getBoundingClientRect();
    if (box.width + 0.5 < minimum || box.height + 0.5 < minimum) {
      problems.push(`${named(control)} is ${Math.round(box.width)}×${Math.round(box.height)} px`);
    }
  }
  for (const table of document.querySelectorAll("table")) {
    if (!shown(table)) continue;
    const box = table.getBoundingClientRect();
    if (box.right > screen + 0.5 || box.left < -0.5) problems.push(`a table is ${Math.round(box.width)} px wide`);
  }
  if (document.documentElement.scrollWidth > screen) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  }
  return problems;
}
"""


def phone_problems(page: Page, minimum: int) -> list[str]:
    """What on the page a finger cannot hit (smaller than `minimum` px) or a phone cannot show."""
    return page.evaluate(MEASURE, minimum)


def assert_fits_a_phone(page: Page, minimum: int = STANDARD_TARGET) -> None:
    problems = phone_problems(page, minimum)
    assert not problems, f"{page.url}:\n    " + "\n    ".join(problems)
