"""A kind of job for the worker tests: it reports some progress, then waits for a file
that never comes (the test kills its worker meanwhile), giving up after a bound."""

import time
from pathlib import Path

from django_tasks import task

from jobs import registry
from jobs.running import run_job

KIND = "test_hang"
GIVE_UP_AFTER_SECONDS = 120


def _wait(job, progress, output) -> None:
    progress(1, 10)
    output.write(b"half a file")
    output.flush()
    release = Path(job.params["release"])
    deadline = time.monotonic() + GIVE_UP_AFTER_SECONDS
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


@task()
def hang(job_id: str, attempt: int) -> str | None:
    return run_job(job_id, attempt, _wait)


registry.register(registry.JobKind(name=KIND, task=hang, describe=lambda job: "hang"))
