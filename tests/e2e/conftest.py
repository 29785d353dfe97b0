"""Browser tests: sync Playwright driving Debian's chromium against pytest-django's live server.

The live server runs in a thread of the test process, so the tests read texts from
MemorySmsSender.outbox and check the database directly. Playwright's sync API runs an
event loop in the main thread, which makes Django refuse ORM calls there unless
DJANGO_ALLOW_ASYNC_UNSAFE is set; it is set before Playwright starts.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORT = {"width": 390, "height": 844}
# No sandbox as root; the last three stop Chromium reaching for hosts outside the machine.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Browser:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        # Fail, never skip: a machine without the browser must not look green.
        pytest.fail("chromium is not installed (Debian package `chromium`); the browser tests cannot run")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server, transactional_db, request) -> Page:
    """A fresh phone-sized context in Chinese for each test; a screenshot is kept when the test fails."""
    context = browser.new_context(
        viewport=VIEWPORT,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as error:  # the page may already be gone; the test failure is what matters
            print(f"no screenshot: {error}")
    context.close()


@pytest.fixture
def assert_no_sideways_scroll():
    """At 390 px wide nothing may stick out sideways: call it with the page once it has loaded."""

    def check(page: Page) -> None:
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
        )
        assert widths["scroll"] <= widths["client"], f"{page.url} scrolls sideways at 390 px: {widths}"

    return check
