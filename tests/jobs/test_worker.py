"""The real database worker (`manage.py db_worker`) in a process of its own, on the test
database (SQLite or PostgreSQL): it finishes a workbook job; killed mid-job, the job is
shown failed once its heartbeat is stale, never "running" for ever."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hours import workbook_jobs
from jobs.models import Job
from jobs.services import delete_abandoned_partials, partial_dir, request_job, sweep_stale_jobs
from tests.factories import CommunityFactory, OfficeStaffFactory, TeamFactory, UserFactory, volunteer_in
from tests.hours.ledger_helpers import at, post
from tests.jobs import hang

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(django_settings.BASE_DIR)
# Bounds for waiting on another process, not measurements: a test that waits this long has failed.
WAIT_SECONDS = 90


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST']}{port}/{db['NAME']}"


def worker(*arguments: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(django_settings.MEDIA_ROOT),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
    )
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", *arguments]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_database_worker_prepares_a_workbook(database_backend):
    community = CommunityFactory(name="阳光社区")
    team = TeamFactory(office=community)
    post(volunteer_in(team), team, key="w1", starts_at=at(datetime.date(2027, 3, 6)), minutes=90)
    staff = UserFactory()
    OfficeStaffFactory(office=community, user=staff)
    job = workbook_jobs.prepare_month_workbook(user=staff, office=community, month=datetime.date(2027, 3, 1))
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    assert DBTaskResult.objects.filter(pk=job.task_id).exists()

    process = worker("--batch")
    output, _ = process.communicate(timeout=WAIT_SECONDS)

    assert process.returncode == 0, output.decode()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, output.decode()
    assert (job.done, job.total) == (3, 3)  # one volunteer, one record, one team, no late record
    with job.result.open("rb") as handle:
        assert handle.read(2) == b"PK"
    assert DBTaskResult.objects.get(pk=job.task_id).status == "SUCCESSFUL"


def test_a_worker_killed_mid_job_leaves_it_failed_not_running(database_backend, settings, tmp_path):
    job = request_job(
        kind=hang.KIND,
        key="hang:1",
        params={"release": str(tmp_path / "never")},
        requested_by=UserFactory(),
        office=CommunityFactory(),
    )
    process = worker("--interval", "0.1")
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        job.refresh_from_db()

        def half_written() -> bool:  # the job is marked running a moment before its file begins
            return partial_dir().is_dir() and any(path.stat().st_size for path in partial_dir().iterdir())

        while not (job.state == Job.State.RUNNING and half_written()) and time.monotonic() < deadline:
            if process.poll() is not None:
                break
            time.sleep(0.05)
            job.refresh_from_db()
        assert job.state == Job.State.RUNNING
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=WAIT_SECONDS)

    assert process.returncode == -signal.SIGKILL
    # Nothing else will ever touch it: the backend's row says running, and so would the job…
    assert DBTaskResult.objects.get(pk=job.task_id).status == "RUNNING"
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING
    assert any(partial_dir().iterdir())  # the half-written file
    # …until its heartbeat is older than the stale limit.
    stale = job.heartbeat_at + datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS + 1)
    assert sweep_stale_jobs(now=max(stale, timezone.now())) == 1
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error
    assert delete_abandoned_partials(now=stale + datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS)) == 1
    assert not any(partial_dir().iterdir())
