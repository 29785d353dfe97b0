"""The sweeps that keep jobs honest, and the guard against a late finish (jobs/services.py,
jobs/running.py)."""

import datetime
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from jobs.running import run_job
from jobs.services import (
    delete_abandoned_partials,
    delete_expired_results,
    partial_dir,
    retry_job,
    sweep_stale_jobs,
)
from tests.factories import VolunteerFactory
from tests.jobs.factories import JobFactory

pytestmark = pytest.mark.django_db


def later(seconds: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def test_a_running_job_without_a_heartbeat_is_failed_and_can_be_retried(settings):
    job = JobFactory(state=Job.State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), total=10)

    assert sweep_stale_jobs(now=later(settings.JOBS_STALE_SECONDS - 5)) == 0
    assert sweep_stale_jobs(now=later(settings.JOBS_STALE_SECONDS + 5)) == 1

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "处理程序" in job.error
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert retry_job(job=job).state == Job.State.QUEUED


def test_a_queued_job_never_handed_to_a_worker_is_failed(settings):
    handed = JobFactory(task_id="abc")
    lost = JobFactory()

    assert sweep_stale_jobs(now=later(settings.JOBS_STALE_SECONDS + 5)) == 1

    assert Job.objects.get(pk=lost.pk).state == Job.State.FAILED
    assert Job.objects.get(pk=handed.pk).state == Job.State.QUEUED


def test_the_status_view_sweeps_its_job(client_for, settings):
    settings.JOBS_STALE_SECONDS = 0
    job = JobFactory(
        state=Job.State.RUNNING,
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=1),
        requested_by=VolunteerFactory().user,
    )

    status = client_for(job.requested_by).get(reverse("jobs:status", args=[job.pk])).json()

    assert status["state"] == "failed"


def test_a_finish_after_the_job_was_swept_is_thrown_away(settings):
    job = JobFactory(params={})

    def work(job, progress, output):
        output.write(b"late")
        progress(1, 1)
        sweep_stale_jobs(now=later(settings.JOBS_STALE_SECONDS + 5))

    assert run_job(str(job.pk), job.attempt, work) is None

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert not job.result
    assert list(partial_dir().iterdir()) == []


def test_an_attempt_runs_once():
    job = JobFactory(params={})
    runs = []

    def work(job, progress, output):
        runs.append(job.attempt)

    assert run_job(str(job.pk), job.attempt, work) == Job.State.DONE
    assert run_job(str(job.pk), job.attempt, work) is None  # delivered twice: nothing more
    assert run_job(str(job.pk), job.attempt + 1, work) is None  # not this job's attempt
    assert runs == [1]


def test_files_are_deleted_after_the_days_they_are_kept(settings, django_capture_on_commit_callbacks):
    settings.JOBS_KEEP_DAYS = 7
    old, fresh = JobFactory(params={}, filename="old.xlsx"), JobFactory(params={}, filename="fresh.xlsx")
    for job in (old, fresh):
        run_job(str(job.pk), job.attempt, lambda job, progress, output: output.write(b"PK"))
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))
    old.refresh_from_db()
    path = old.result.path

    with django_capture_on_commit_callbacks(execute=True):
        assert delete_expired_results() == 1

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert not old.result
    assert not os.path.exists(path)
    assert fresh.result and os.path.exists(fresh.result.path)


def test_temporary_files_of_dead_attempts_are_deleted(settings):
    running = JobFactory(state=Job.State.RUNNING, heartbeat_at=timezone.now())
    dead = JobFactory(state=Job.State.FAILED)
    folder = partial_dir()
    folder.mkdir(parents=True)
    kept = folder / f"{running.pk}-1-x.part"
    gone = folder / f"{dead.pk}-1-y.part"
    for path in (kept, gone):
        path.write_bytes(b"half")

    assert delete_abandoned_partials(now=later(settings.JOBS_STALE_SECONDS + 5)) == 1

    assert kept.exists()
    assert not gone.exists()


def test_the_cleanup_command_says_what_it_did():
    JobFactory(state=Job.State.RUNNING, heartbeat_at=timezone.now() - datetime.timedelta(days=1))
    out = StringIO()
    call_command("cleanup_jobs", stdout=out)

    assert "1 个中断的任务" in out.getvalue()
