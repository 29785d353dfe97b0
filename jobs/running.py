"""The worker's side of a job: claim it, write its file under a temporary name with a
heartbeat and progress beside it, then keep the file and mark it done, or throw the file
away and record why it failed.

Progress is written by a thread on a connection of its own, once a second: the work itself
usually runs inside one long read transaction (the workbook's consistent snapshot), where
nothing may be written and nothing written would be seen. The same writes are the heartbeat
that tells a live job from one whose worker was killed (jobs.services.sweep_stale_jobs).
Progress is a courtesy: a write that finds the database busy is skipped, never waited for.
"""

import contextlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from jobs.models import Job
from jobs.services import partial_dir

logger = logging.getLogger(__name__)

# A progress write that waits longer than this for SQLite's lock is skipped.
BUSY_TIMEOUT_MS = 200


class Progress:
    """Called by the work as progress(done, total); the heartbeat thread writes it out."""

    def __init__(self, job: Job):
        self.job_id = job.pk
        self.attempt = job.attempt
        self.done = 0
        self.total = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, done: int, total: int) -> None:
        self.total = max(total, 0)
        self.done = min(max(done, 0), self.total)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._beat, name=f"job-{self.job_id}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _beat(self) -> None:
        try:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            while not self._stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
                self.write()
        except DatabaseError:
            logger.warning("job %s: progress thread gave up", self.job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def write(self) -> None:
        done, total = self.done, self.total
        with contextlib.suppress(DatabaseError):  # busy: the next beat writes it
            Job.objects.filter(pk=self.job_id, attempt=self.attempt, state=Job.State.RUNNING).update(
                done=min(done, total), total=total, heartbeat_at=timezone.now()
            )


class PartialFile(File):
    """The finished temporary file, which FileSystemStorage moves into place by renaming."""

    def temporary_file_path(self) -> str:
        return self.file.name


Work = Callable[[Job, Progress, BinaryIO], None]


def run_job(job_id: str, attempt: int, work: Work) -> str | None:
    """Run `work(job, progress, output)` for the job's attempt; returns the state it ended in
    (None when this attempt is not the job's to run: done already, retried, or swept)."""
    job = _claim(job_id, attempt)
    if job is None:
        return None
    folder = partial_dir()
    folder.mkdir(parents=True, exist_ok=True)
    output = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept or removed below
        dir=folder, prefix=f"{job.pk}-{job.attempt}-", suffix=".part", delete=False
    )
    progress = Progress(job)
    progress.start()
    try:
        work(job, progress, output)
        output.close()
    except Exception as error:
        progress.stop()
        output.close()
        os.unlink(output.name)
        _fail(job, reason_for(error))
        raise
    progress.stop()
    return _finish(job, output.name, progress)


def reason_for(error: Exception) -> str:
    """What the person is told: our own refusals as they are worded, anything else by name."""
    if isinstance(error, ValidationError | PermissionDenied):
        messages = getattr(error, "messages", None) or [str(error)]
        return " ".join(str(message) for message in messages)
    return gettext("Unexpected error: %(error)s") % {"error": f"{type(error).__name__}: {error}"[:500]}


def _claim(job_id: str, attempt: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.attempt != attempt or job.state != Job.State.QUEUED:
            logger.info("job %s attempt %s: nothing to run", job_id, attempt)
            return None
        now = timezone.now()
        job.state = Job.State.RUNNING
        job.started_at = job.heartbeat_at = now
        job.save(update_fields=["state", "started_at", "heartbeat_at"])
        return job


def _finish(job: Job, path: str, progress: Progress) -> str | None:
    with transaction.atomic():
        current = Job.objects.select_for_update().get(pk=job.pk)
        if current.attempt != job.attempt or current.state != Job.State.RUNNING:
            # Swept as lost, or retried, while this ran on: its file is nobody's.
            os.unlink(path)
            return None
        with open(path, "rb") as handle:
            current.result.save(current.filename or os.path.basename(path), PartialFile(handle), save=False)
        saved = current.result.name
        try:
            current.state = Job.State.DONE
            current.total = max(progress.total, progress.done)
            current.done = current.total
            current.finished_at = current.heartbeat_at = timezone.now()
            current.error = ""
            current.save(update_fields=["state", "done", "total", "finished_at", "heartbeat_at", "error", "result"])
        except Exception:
            # The row rolls back; the moved file must go with it.
            current.result.storage.delete(saved)
            raise
        return current.state


def _fail(job: Job, reason: str) -> None:
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, attempt=job.attempt, state=Job.State.RUNNING).update(
            state=Job.State.FAILED, error=reason, finished_at=timezone.now()
        )
    if updated:
        logger.warning("job %s (%s) failed: %s", job.pk, job.kind, reason)
