"""Every page the three demo roles can reach, on a 390 px phone in Chinese, in the standard
and the elder mode: no control smaller than a finger (44×44 px, 60×60 px in elder mode),
no table wider than the screen, no page that scrolls sideways, and no link to an error.

The crawl follows the links each page shows, from the tabs, taking at most two pages of
each URL pattern (one shift page stands for all of them)."""

from collections import Counter, deque

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Page

from accounts.models import User
from demo.people import LEADER_PHONE, STAFF_PHONE, VOLUNTEER_PHONE
from tests.e2e.steps import ELDER_TARGET, STANDARD_TARGET, phone_problems, sign_in_by_cookie

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES_PER_PATTERN = 2
START = ["/me/", "/me/more/", "/shifts/", "/teams/"]
# Files and actions, not pages.
NOT_PAGES = (".xlsx", ".csv", ".ics", ".webmanifest", ".js", "/admin/", "/i18n/", "/static/")

LINKS = """
() => [...document.querySelectorAll("a[href]")]
  .filter((link) => !link.hasAttribute("download") && link.origin === location.origin)
  .map((link) => link.pathname)
"""


def pattern_of(path: str) -> str | None:
    if any(part in path for part in NOT_PAGES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return path  # a link to nowhere: visit it, and the 404 fails the test
    return match.route


def crawl(page: Page, base_url: str, minimum: int) -> tuple[int, dict[str, list[str]]]:
    queue, seen, per_pattern, problems = deque(START), set(START), Counter(), {}
    visited = 0
    while queue:
        path = queue.popleft()
        response = page.goto(base_url + path)
        visited += 1
        if response is None or response.status >= 400:
            status = response.status if response else "no response"
            problems[path] = [f"answers {status}"]
            continue
        found = phone_problems(page, minimum)
        if found:
            problems[path] = found
        for link in page.evaluate(LINKS):
            pattern = pattern_of(link)
            if link in seen or pattern is None or per_pattern[pattern] >= PAGES_PER_PATTERN:
                continue
            seen.add(link)
            per_pattern[pattern] += 1
            queue.append(link)
    return visited, problems


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}\n    " + "\n    ".join(lines) for path, lines in problems.items())


@pytest.mark.parametrize("phone", [VOLUNTEER_PHONE, LEADER_PHONE, STAFF_PHONE], ids=["volunteer", "leader", "staff"])
def test_every_page_of_a_demo_role_fits_a_phone_and_a_finger(page: Page, live_server, phone):
    call_command("seed_demo")
    user = User.objects.get(phone=phone)
    sign_in_by_cookie(page.context, user, live_server.url)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])

    visited, problems = crawl(page, live_server.url, STANDARD_TARGET)
    assert not problems, f"standard mode, {visited} pages:\n{report(problems)}"
    assert visited >= 10, "the crawl reached too few pages to mean anything"

    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    visited, problems = crawl(page, live_server.url, ELDER_TARGET)
    assert not problems, f"elder mode, {visited} pages:\n{report(problems)}"
