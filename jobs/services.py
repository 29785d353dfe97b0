"""Every change to a job: asking for one, retrying it, and the sweeps that keep the table
honest (jobs whose worker died, files past their days). The work itself runs in
jobs.running, inside the task."""

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from jobs import registry
from jobs.models import Job
from teams.models import Office

logger = logging.getLogger(__name__)


def partial_dir() -> Path:
    """Files being written wait here under a temporary name (same disk as the media, so
    finishing one is a rename)."""
    return Path(settings.MEDIA_ROOT) / "jobs" / "partial"


def request_job(
    *,
    kind: str,
    key: str,
    params: dict,
    requested_by: User | None,
    office: Office | None,
    holds_pii: bool = False,
    filename: str = "",
) -> Job:
    """The live job for `key`, or a new one, queued. Two people asking at once get one job:
    the partial unique constraint decides, and the loser of the race reads the winner's row."""
    with transaction.atomic():
        live = Job.objects.filter(key=key, state__in=Job.LIVE_STATES).first()
        if live is not None:
            return live
        job = Job(
            kind=kind,
            key=key,
            params=params,
            requested_by=requested_by,
            office=office,
            holds_pii=holds_pii,
            filename=filename,
        )
        job.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                job.save(force_insert=True)
        except IntegrityError:
            return Job.objects.get(key=key, state__in=Job.LIVE_STATES)
        _enqueue_after_commit(job)
        return job


@transaction.atomic
def retry_job(*, job: Job) -> Job:
    """Queue a failed job again. Idempotent: a job that is queued, running or done is left
    as it is, and if someone has meanwhile asked for the same thing, that job is the answer."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.state != Job.State.FAILED:
        return job
    live = Job.objects.filter(key=job.key, state__in=Job.LIVE_STATES).first()
    if live is not None:
        return live
    job.state = Job.State.QUEUED
    job.attempt += 1
    job.done = job.total = 0
    job.error = ""
    job.task_id = ""
    job.started_at = job.heartbeat_at = job.finished_at = None
    job.save()
    _enqueue_after_commit(job)
    return job


def _enqueue_after_commit(job: Job) -> None:
    # After the commit: a worker on another connection or machine must find the row.
    job_id, attempt = str(job.pk), job.attempt
    transaction.on_commit(lambda: enqueue(job_id=job_id, attempt=attempt))


def enqueue(*, job_id: str, attempt: int) -> None:
    job = Job.objects.get(pk=job_id)
    result = registry.kind_of(job).task.enqueue(job_id, attempt)
    # Only the id: with the immediate backend the work has already run and written its state.
    Job.objects.filter(pk=job_id, attempt=attempt).update(task_id=str(result.id)[:64])


# ---------------------------------------------------------------- sweeps


def sweep_stale_jobs(*, now: datetime.datetime | None = None, jobs: QuerySet[Job] | None = None) -> int:
    """Fail the running jobs whose worker has stopped giving signs of life (killed, machine
    gone), and queued ones never handed to a worker, so that nothing shows "running" for
    ever; the person can retry. A late finish of such a job is then ignored (attempts)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS)
    jobs = Job.objects.all() if jobs is None else jobs
    lost = jobs.filter(
        Q(state=Job.State.RUNNING, heartbeat_at__lt=cutoff)
        | Q(state=Job.State.QUEUED, task_id="", created_at__lt=cutoff)
    )
    count = 0
    for job_id in lost.values_list("pk", flat=True):
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job_id)
            if job.state == Job.State.RUNNING and job.heartbeat_at and job.heartbeat_at < cutoff:
                job.error = gettext("The worker stopped while working on this (it was restarted or shut down).")
            elif job.state == Job.State.QUEUED and not job.task_id and job.created_at < cutoff:
                job.error = gettext("The work was never handed to a worker.")
            else:
                continue
            job.state = Job.State.FAILED
            job.finished_at = now
            job.save(update_fields=["state", "error", "finished_at"])
            logger.warning("job %s (%s) marked failed: %s", job.pk, job.kind, job.error)
            count += 1
    return count


def delete_expired_results(*, now: datetime.datetime | None = None) -> int:
    """Delete finished files older than JOBS_KEEP_DAYS; the job stays, without its file."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.JOBS_KEEP_DAYS)
    count = 0
    for job in Job.objects.filter(state=Job.State.DONE, finished_at__lt=cutoff).exclude(result=""):
        with transaction.atomic():
            locked = Job.objects.select_for_update().get(pk=job.pk)
            name = locked.result.name
            if not name:
                continue
            locked.result = ""
            locked.save(update_fields=["result"])
            # The row first, then the file: a crash in between leaves an orphan file, never
            # a job pointing at nothing.
            transaction.on_commit(lambda name=name, storage=locked.result.storage: storage.delete(name))
            count += 1
    return count


def delete_abandoned_partials(*, now: datetime.datetime | None = None) -> int:
    """Temporary files left by a worker that was killed mid-write (named <job>-<attempt>-…),
    unless that attempt is still running."""
    now = now or timezone.now()
    cutoff = (now - datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS)).timestamp()
    folder = partial_dir()
    if not folder.is_dir():
        return 0
    running = {f"{pk}-{attempt}" for pk, attempt in Job.objects.running().values_list("pk", "attempt")}
    count = 0
    for path in folder.iterdir():
        owner = "-".join(path.name.split("-")[:6])  # a UUID has five parts, then the attempt
        if path.is_file() and owner not in running and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            count += 1
    return count
