import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hours.units import hours
from volunteers.models import Volunteer


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("service records are append-only: post a correction instead")

    def delete(self):
        raise PermissionError("service records are append-only: post a correction instead")


class ServiceRecord(models.Model):
    """One line of a volunteer's service-hours ledger (志愿服务记录). Never updated or deleted:
    a correction is a reversing record plus a new one (DESIGN rules 7–10).

    It carries its own copy of what was served, so it stays true when a shift is
    later edited or deleted; the ledger knows nothing of shifts.
    """

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", _("Attendance")
        REQUEST = "request", _("Resident request")
        BACKFILL = "backfill", _("Backfill")
        CORRECTION = "correction", _("Correction")

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="service_records"
    )
    office = models.ForeignKey(
        "teams.Office", verbose_name=_("recording office"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service_date = models.DateField(_("service date"))
    starts_at = models.DateTimeField(_("from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("to"), null=True, blank=True)
    break_minutes = models.PositiveIntegerField(
        _("break (minutes)"), default=0, help_text=_("Rest and meals between from and to: not service time.")
    )
    # The time served, [from, to] pairs in ISO form and time order: clipped to the
    # shift, the break and time credited elsewhere taken out (rule 5). Empty where only
    # the scheduled from–to is known (backfills, and records from before it was kept).
    served = models.JSONField(_("served"), default=list, blank=True)
    activity = models.CharField(_("activity"), max_length=100)
    place = models.CharField(_("place"), max_length=200, blank=True)
    content = models.TextField(_("service content"), blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=100, blank=True)
    minutes = models.IntegerField(_("minutes"), help_text=_("Negative for a reversal."))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    source_key = models.CharField(_("source"), max_length=80, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # The first day of the month whose totals and export show this record: the month of the
    # service date, or, when that month was already closed for the office, the next open one
    # (DESIGN rule 10). Set once, at insert, by the ledger.
    reported_month = models.DateField(_("reported in month"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-service_date", "-pk"]
        # The office indexes carry the volunteer and the minutes too, so a street office's
        # month and year sums (dashboard, top lists) read the index alone, never the wide
        # rows: a covering index PostgreSQL and SQLite both use (benchmarks/street.py).
        indexes = [
            models.Index(fields=["volunteer", "service_date"]),
            models.Index(fields=["office", "service_date", "volunteer", "minutes"], name="record_office_date_cover"),
            models.Index(fields=["office", "reported_month", "volunteer", "minutes"], name="record_office_month_cover"),
        ]

    def __str__(self) -> str:
        return f"{self.service_date} {self.activity} {self.minutes} min"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("service records are append-only: post a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("service records are append-only: post a correction instead")

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)

    @property
    def correction_may_be_asked(self) -> bool:
        """Whether its volunteer may still ask for a correction (rule 9). Needs the
        `is_reversed` and `correction_pending` annotations of selectors.hours_records_for."""
        return self.minutes > 0 and not self.is_reversed and not self.correction_pending

    @property
    def served_intervals(self) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The time this record holds for its volunteer: as served, else as scheduled."""
        if self.served:
            return [intervals_from_json(pair) for pair in self.served]
        if self.starts_at is None or self.ends_at is None:
            return []
        return [(self.starts_at, self.ends_at)]


def intervals_to_json(intervals) -> list[list[str]]:
    return [[start.isoformat(), end.isoformat()] for start, end in intervals]


def intervals_from_json(pair) -> tuple[datetime.datetime, datetime.datetime]:
    return datetime.datetime.fromisoformat(pair[0]), datetime.datetime.fromisoformat(pair[1])


class DecidedRequest(models.Model):
    """Something asked of office staff: who asked and when, and the decision by
    someone else (DESIGN rules 8 and 9)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def record_decision(self, *, approved: bool, by, note: str) -> None:
        self.state = self.State.APPROVED if approved else self.State.REFUSED
        self.decided_by, self.decided_at, self.decision_note = by, timezone.now(), note
        self.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])


class CorrectionRequest(DecidedRequest):
    """A volunteer asks for a record of their own to be corrected (DESIGN rule 9), or a leader
    of the record's team asks for it (`requested_by` says who).

    Office staff of the record's office decide; an approval reverses the record and
    posts the asked value through the ledger.
    """

    record = models.ForeignKey(
        ServiceRecord, verbose_name=_("record"), on_delete=models.PROTECT, related_name="correction_requests"
    )
    requested_minutes = models.PositiveIntegerField(_("right time (minutes)"))
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(state="pending"), name="one_pending_correction_request_per_record"
            ),
        ]
        indexes = [models.Index(fields=["state", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.record} → {self.requested_minutes} min · {self.get_state_display()}"

    @property
    def requested_hours(self) -> Decimal:
        return hours(self.requested_minutes)


class BackfillRequest(DecidedRequest):
    """A record asked for after the fact (补录, DESIGN rule 8): a reason, and approval by
    someone other than the person who asked. Approval posts a backfill record."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="backfill_requests"
    )
    office = models.ForeignKey("teams.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+")
    service_date = models.DateField(_("service date"))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    activity = models.CharField(_("activity"), max_length=100)
    place = models.CharField(_("place"), max_length=200, blank=True)
    content = models.TextField(_("service content"), blank=True)
    break_minutes = models.PositiveIntegerField(
        _("break (minutes)"), default=0, help_text=_("Rest and meals between from and to: not service time.")
    )
    minutes = models.PositiveIntegerField(_("minutes to credit"))
    # What the backfill stands for when it was not asked for directly: an attendance the
    # leader entered by hand after the fact ("attendance:<pk>"); its record takes this key.
    source_key = models.CharField(_("source"), max_length=80, blank=True)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("backfill request")
        verbose_name_plural = _("backfill requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="backfill_ends_after_it_starts"),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="backfill_credits_some_time"),
        ]
        indexes = [models.Index(fields=["office", "state"])]

    def __str__(self) -> str:
        return f"{self.service_date} {self.activity} {self.minutes} min · {self.get_state_display()}"

    @property
    def scheduled_minutes(self) -> int:
        """From start to end less the break (rule 6): the most a backfill credits (rule 8)."""
        return int((self.ends_at - self.starts_at).total_seconds() // 60) - self.break_minutes

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)

    def clean(self) -> None:
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                raise ValidationError({"ends_at": _("The end must be after the start.")})
            if self.scheduled_minutes <= 0:
                too_long = _("The break must be shorter than the time from start to end.")
                raise ValidationError({"break_minutes": too_long})
            if self.minutes and self.minutes > self.scheduled_minutes:
                raise ValidationError({"minutes": _("A backfill never exceeds the scheduled length.")})
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("Say why the record is backfilled.")})


class MonthCloseQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("a closed month stays closed: deleting the close would reopen it")


class MonthClose(models.Model):
    """A month closed for an office (DESIGN rule 10): its totals and ranking frozen in `snapshot`.

    Records of a closed month that arrive later are reported in the next open month. A
    close is never deleted: that would reopen the month, and the ledger would report
    late records in it again, beside the frozen snapshot.
    """

    office = models.ForeignKey("teams.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)
    snapshot = models.JSONField(_("frozen totals and ranking"), default=dict)

    objects = MonthCloseQuerySet.as_manager()

    class Meta:
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        ordering = ["-month", "office__name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "month"], name="one_close_per_office_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="month_close_on_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.month:%Y-%m}"

    def delete(self, *args, **kwargs):
        raise PermissionError("a closed month stays closed: deleting the close would reopen it")


class ExportLog(models.Model):
    """One monthly export of an office's hours (DESIGN rules 14-15): who, what, whether unmasked."""

    class Kind(models.TextChoices):
        XLSX = "xlsx", _("Excel workbook")
        CSV = "csv", _("CSV file")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    office = models.ForeignKey("teams.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    unmasked = models.BooleanField(_("unmasked"), default=False)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default=Kind.XLSX)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_at = models.DateTimeField(_("exported at"), default=timezone.now)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.office} {self.month:%Y-%m} {self.kind}"


class Certificate(models.Model):
    """A service certificate (志愿服务记录证明, DESIGN rule 13): totals frozen at issue, verifiable by its code."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="certificates"
    )
    office = models.ForeignKey(
        "teams.Office", verbose_name=_("recording office"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("certificate number"), max_length=24, unique=True)
    verify_code = models.CharField(_("verification code"), max_length=40, unique=True)
    # The person as issued (DESIGN rule 19): a later change of name or ID number leaves
    # what the certificate says, and what its verification page shows, as it was.
    holder_name = models.CharField(_("name"), max_length=50)
    holder_id_masked = models.CharField(_("ID number (masked)"), max_length=40, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    total_minutes_period = models.IntegerField(_("minutes in the period"))
    total_minutes_all = models.IntegerField(_("minutes all time"))
    by_team = models.JSONField(_("minutes by team"), default=list, blank=True)
    by_activity = models.JSONField(_("minutes by activity"), default=list, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Staff only: it may name a person or a mistake in someone's records.
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=F("period_from")), name="certificate_period_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("hours:certificate_detail", args=[self.pk])

    @property
    def holder_public_name(self) -> str:
        """张*: the name as the public verification page shows it."""
        return f"{self.holder_name[:1]}*" if self.holder_name else ""

    @property
    def hours_period(self) -> Decimal:
        return hours(self.total_minutes_period)

    @property
    def hours_all(self) -> Decimal:
        return hours(self.total_minutes_all)


class HonourQuerySet(models.QuerySet):
    def current(self):
        """Honours not revoked: the only ones lists and profiles show."""
        return self.filter(revoked_at__isnull=True)


class Honour(models.Model):
    """An honour an office awards a volunteer for a year or a month (优秀志愿者, 最美志愿者).

    A wrong honour is revoked, not deleted: the row keeps who awarded and who revoked it.
    """

    class Title(models.TextChoices):
        OUTSTANDING = "outstanding", _("Outstanding volunteer")
        MOST_ADMIRED = "most_admired", _("Most admired volunteer")
        STAR = "star", _("Star volunteer of the month")
        CIVILISED_HOUSEHOLD = "civilised_household", _("Civilised household")

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="honours"
    )
    office = models.ForeignKey("teams.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=20, choices=Title.choices)
    period = models.CharField(_("period"), max_length=7, help_text=_("YYYY or YYYY-MM."))
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = HonourQuerySet.as_manager()

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-period", "-awarded_at", "-pk"]
        constraints = [
            # A revoked honour does not block awarding it again, rightly this time.
            models.UniqueConstraint(
                fields=["volunteer", "office", "title", "period"],
                condition=Q(revoked_at__isnull=True),
                name="one_honour_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_title_display()} {self.period}"
