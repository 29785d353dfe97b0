"""A real RQ worker (`manage.py rqworker default --burst`, as `make run` starts with
REDIS_URL set) in a process of its own, against the Redis on 127.0.0.1:6379 and the test
database: the workbook job is enqueued through django-tasks-rq and finishes.

Redis answering is part of the test: CI has it, so a machine without it fails here
rather than skipping."""

import datetime
import os
import random
import subprocess
import sys

import pytest
import redis
from django.conf import settings as django_settings
from django_tasks import task_backends

from hours import workbook_jobs
from jobs.models import Job
from tests.factories import CommunityFactory, OfficeStaffFactory, TeamFactory, UserFactory, volunteer_in
from tests.hours.ledger_helpers import at, post
from tests.jobs.test_worker import ROOT, WAIT_SECONDS, database_url

pytestmark = pytest.mark.django_db(transaction=True)

REDIS = "redis://127.0.0.1:6379"


def empty_redis_database() -> int:
    """A database number nobody uses now (of Redis's 16), so that this run's queue meets
    no one else's jobs, nor they ours."""
    numbers = list(range(1, 16))
    random.shuffle(numbers)
    for number in numbers:
        if redis.Redis.from_url(f"{REDIS}/{number}", socket_timeout=5).dbsize() == 0:
            return number
    pytest.fail("every Redis database from 1 to 15 holds keys: none to throw away")


@pytest.fixture
def rq_backend(settings):
    # Fails, never skips, when Redis does not answer (redis.ConnectionError).
    redis.Redis.from_url(REDIS, socket_timeout=5).ping()
    url = f"{REDIS}/{empty_redis_database()}"
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    yield url
    redis.Redis.from_url(url).flushdb()


def rq_worker(redis_url: str) -> subprocess.Popen:
    env = {**os.environ}
    env.update(
        REDIS_URL=redis_url,
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(django_settings.MEDIA_ROOT),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
    )
    command = [sys.executable, "manage.py", "rqworker", "default", "--burst"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_an_rq_worker_prepares_a_workbook(rq_backend):
    community = CommunityFactory(name="阳光社区")
    team = TeamFactory(office=community)
    post(volunteer_in(team), team, key="r1", starts_at=at(datetime.date(2027, 3, 6)), minutes=90)
    post(volunteer_in(team), team, key="r2", starts_at=at(datetime.date(2027, 3, 7)), minutes=60)
    staff = UserFactory()
    OfficeStaffFactory(office=community, user=staff)
    job = workbook_jobs.prepare_month_workbook(user=staff, office=community, month=datetime.date(2027, 3, 1))
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    backend = task_backends["default"]
    assert type(backend).__name__ == "RQBackend"
    assert backend.get_result(job.task_id).status == "READY"  # in Redis, waiting for a worker

    process = rq_worker(rq_backend)
    output, _ = process.communicate(timeout=WAIT_SECONDS)

    assert process.returncode == 0, output.decode()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, output.decode()
    assert (job.done, job.total) == (5, 5)  # two volunteers, two records, one team, no late record
    with job.result.open("rb") as handle:
        assert handle.read(2) == b"PK"
    assert backend.get_result(job.task_id).status == "SUCCESSFUL"
