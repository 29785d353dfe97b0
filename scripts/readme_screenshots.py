"""Takes the README's phone screenshots from a running demo (`make run`), at 390×844 in
Chinese, in the standard and the elder mode:

    .venv/bin/python scripts/readme_screenshots.py [http://127.0.0.1:8000]
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "demo-2026"  # noqa: S105 - the demo's published password (README)
VOLUNTEER, LEADER = "13800000003", "13800000002"


def sign_in(page, base: str, phone: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", phone)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form:has(input[name=password]) button[type=submit]").first.click()
    page.wait_for_url(f"{base}/me/")


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
        for mode in ("standard", "elder"):
            for phone, pages in ((VOLUNTEER, ["home", "shifts", "hours"]), (LEADER, ["attendance"])):
                context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
                cookies = [{"name": "django_language", "value": "zh-hans", "url": base}]
                if mode == "elder":
                    cookies.append({"name": "elder_mode", "value": "1", "url": base})
                context.add_cookies(cookies)
                page = context.new_page()
                sign_in(page, base, phone)
                for name in pages:
                    if name == "home":
                        page.goto(f"{base}/me/")
                    elif name == "shifts":
                        page.goto(f"{base}/shifts/")
                    elif name == "hours":
                        page.goto(f"{base}/me/hours/")
                    else:  # the sheet of the leader's first shift today, from the 扫码 tab
                        page.goto(f"{base}/scan/")
                        page.locator("a[href$='/attendance/']").first.click()
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(OUT / f"{name}-{mode}.png"))
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
