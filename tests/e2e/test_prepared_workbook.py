"""Office staff prepare a busy month's workbook in the background: they press "prepare",
watch the bar move while a real database worker (a process of its own, on the live
server's database) writes the file, then download it and it reads back whole.

The page asks for progress once a second; the test drives the page's clock instead, so it
asks as often as the test looks, and the worker writes its progress every tenth of a second
(JOBS_HEARTBEAT_SECONDS): the bar is seen at several points of the work without a test
that depends on how fast this machine is."""

import datetime
import os
import re
import signal

import openpyxl
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from jobs.models import Job
from tests.e2e.steps import log_in
from tests.factories import CommunityFactory, OfficeStaffFactory, TeamFactory, VolunteerFactory
from tests.hours.ledger_helpers import a_busy_month
from tests.jobs.test_worker import WAIT_SECONDS, worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MONTH = datetime.date(2027, 3, 1)
RECORDS = 6000
VOLUNTEERS = 60
# Looks at the page, each a step of the page's clock: a bound, not a measurement.
MAX_LOOKS = 3000
LOOK = """() => {
  const bar = document.querySelector("progress.job-bar");
  return {bar: bar ? [bar.value, bar.max] : null, download: !!document.querySelector("a[href$='/download/']")};
}"""


@pytest.fixture
def database_worker(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setenv("JOBS_HEARTBEAT_SECONDS", "0.1")
    process = worker("--interval", "0.1")
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=WAIT_SECONDS)
        except Exception:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def test_staff_prepare_a_busy_month_watch_the_bar_and_download_it(page: Page, database_worker, tmp_path):
    community = CommunityFactory(name="阳光社区")
    team = TeamFactory(office=community, name="银龄互助志愿服务队")
    people = a_busy_month(team, MONTH, records=RECORDS, volunteers=VOLUNTEERS)
    staff = VolunteerFactory(real_name="周晓燕").user
    OfficeStaffFactory(office=community, user=staff)

    log_in(page, staff)
    page.clock.install()
    page.goto("/office/exports/")
    page.select_option("#id_prepare-office", str(community.pk))
    page.fill("#id_prepare-month", f"{MONTH:%Y-%m}")
    page.locator("form[action$='/office/exports/prepare/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    expect(page.locator("h1")).to_contain_text("阳光社区")
    job = Job.objects.get()

    seen = set()
    for _look in range(MAX_LOOKS):
        try:
            look = page.evaluate(LOOK)
        except PlaywrightError:  # the page reloads itself when the job ends
            page.wait_for_load_state()
            continue
        if look["download"]:
            break
        if look["bar"] and look["bar"][1] > 1:  # the bar has heard the total
            seen.add(tuple(look["bar"]))
        page.clock.run_for(1000)  # the page's next question to the server
    else:
        job.refresh_from_db()
        pytest.fail(f"no download link after {MAX_LOOKS} looks; the job is {job.state}: {job.error}")
    # Records, volunteers, one team: the rows the job writes.
    total = RECORDS + VOLUNTEERS + 1
    assert {maximum for _value, maximum in seen} == {total}
    between = sorted(value for value, _maximum in seen if 0 < value < total)
    assert len(between) >= 2, f"the bar was seen at {sorted(seen)} only"

    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (Job.State.DONE, total, total)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载").click()
    path = tmp_path / download_info.value.suggested_filename
    assert path.name == f"阳光社区-{MONTH:%Y-%m}.xlsx"
    download_info.value.save_as(path)

    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["明细"].iter_rows(min_row=3, values_only=True))
    book.close()
    # A record's row starts with its service date; the footer's rows do not.
    details = [row for row in rows if row and isinstance(row[0], datetime.datetime)]
    assert len(details) == RECORDS, rows[-3:]
    assert {row[1] for row in details} == {volunteer.real_name for volunteer in people}
