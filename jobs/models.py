"""A piece of background work someone asked for: what, for whom, how far it got, its file.

The task framework's own result is not enough: the immediate backend keeps none, RQ's
expire, and none of them knows who asked, for which office, how far the work got or where
its file is. A `Job` row does, whatever the backend; it carries the backend's task id for
the logs. `key` names what was asked (kind and parameters), and while one job for a key is
queued or running, nobody starts a second (a constraint, so two presses at once race safely).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def result_path(job: "Job", filename: str) -> str:
    # Never served from a public folder: the download view checks who asks. The job's
    # random id keeps names apart; the attempt keeps a retry from meeting an old file.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"jobs/{job.pk}/{job.attempt}.{extension}"


class JobQuerySet(models.QuerySet):
    def running(self):
        return self.filter(state=Job.State.RUNNING)


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    LIVE_STATES = (State.QUEUED, State.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("key"), max_length=200, help_text=_("The kind and its parameters."))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    office = models.ForeignKey(
        "teams.Office", verbose_name=_("office"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holds_pii = models.BooleanField(
        _("holds full numbers"), default=False, help_text=_("Only staff allowed to see full numbers download it.")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    attempt = models.PositiveIntegerField(_("attempt"), default=1)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    result = models.FileField(_("result file"), upload_to=result_path, max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(state__in=["queued", "running"]), name="one_live_job_per_key"
            ),
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="job_done_within_total"),
        ]
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat"),
            models.Index(fields=["kind", "office", "created_at"], name="job_kind_office_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return (100 * self.done // self.total) if self.total else 0

    @property
    def has_file(self) -> bool:
        return self.state == self.State.DONE and bool(self.result)
