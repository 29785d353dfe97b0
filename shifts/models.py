import datetime
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hours.months import EARLIEST_YEAR, LATEST_YEAR
from teams.models import PartnerUnit, Team
from volunteers.models import Volunteer

MINUTES_A_DAY = 24 * 60
IS_SERVICE_HELP = _(
    "Meetings and duty (例会、值班) are not volunteer service: untick this for them. "
    "Attendance is still kept, but no service hours are credited."
)


def _clock_minutes(time: datetime.time) -> int:
    return time.hour * 60 + time.minute


class ShiftSeries(models.Model):
    """A repeating shift, e.g. the 六点半课堂 every Monday to Saturday 18:30–20:00.

    It materialises its occurrences as ordinary shifts for a rolling window;
    editing the series changes its future shifts only.
    """

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="shift_series")
    title = models.CharField(_("title"), max_length=100)
    content = models.TextField(_("service content"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    weekdays = models.CharField(
        _("weekdays"), max_length=7, help_text=_("Monday is 0, Sunday is 6; e.g. 012345 for Monday to Saturday.")
    )
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"), help_text=_("Earlier than the start means the next day."))
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))
    skip_dates = models.JSONField(_("dates without a shift"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    # At most 30 days before: every date a series makes must stay a date (no year 0 or 10000).
    signup_closes_minutes = models.PositiveIntegerField(
        _("sign-up closes (minutes before the start)"), default=0, validators=[MaxValueValidator(MINUTES_A_DAY * 30)]
    )
    cancel_deadline_minutes = models.PositiveIntegerField(
        _("cancelling closes (minutes before the start)"),
        default=120,
        validators=[MaxValueValidator(MINUTES_A_DAY * 30)],
    )
    is_public = models.BooleanField(_("open to volunteers outside the team"), default=False)
    # Rule 6: rest and meals are not service time. Each occurrence gets the break at this
    # clock time, for this long; both or neither.
    break_start_time = models.TimeField(
        _("break starts at"), null=True, blank=True, help_text=_("Rest and meals are not service time.")
    )
    break_minutes = models.PositiveIntegerField(
        _("break length (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    is_service = models.BooleanField(_("counts as volunteer service"), default=True, help_text=IS_SERVICE_HELP)
    materialised_until = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shift series")
        verbose_name_plural = _("shift series")
        constraints = [
            models.CheckConstraint(condition=Q(last_date__gte=F("first_date")), name="series_dates_in_order"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="series_capacity_positive"),
            models.CheckConstraint(
                condition=Q(break_start_time__isnull=True, break_minutes__isnull=True)
                | Q(break_start_time__isnull=False, break_minutes__isnull=False, break_minutes__gte=1),
                name="series_break_whole_or_none",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        for name in ("first_date", "last_date"):
            day = getattr(self, name)
            if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
                errors[name] = _("Give a date between %(first)s and %(last)s.") % {
                    "first": EARLIEST_YEAR,
                    "last": LATEST_YEAR,
                }
        if (self.break_start_time is None) != (self.break_minutes is None):
            missing = "break_minutes" if self.break_minutes is None else "break_start_time"
            errors[missing] = _("Give both the start and the length of the break, or neither.")
        elif self.break_start_time is not None and self.start_time and self.end_time and self.break_minutes:
            # In clock minutes after the start, past midnight as times_on() and break_on() take it.
            start = _clock_minutes(self.start_time)
            length = (_clock_minutes(self.end_time) - start) % MINUTES_A_DAY
            offset = (_clock_minutes(self.break_start_time) - start) % MINUTES_A_DAY
            if length and not 0 < offset < length:
                errors["break_start_time"] = _("The break must start after the shift starts and before it ends.")
            elif length and offset + self.break_minutes >= length:
                errors["break_minutes"] = _("The break must end before the shift ends.")
        if errors:
            raise ValidationError(errors)

    def weekday_numbers(self) -> set[int]:
        return {int(day) for day in self.weekdays}

    def occurrence_dates(self, until: datetime.date) -> list[datetime.date]:
        skip = {datetime.date.fromisoformat(day) for day in self.skip_dates}
        days = self.weekday_numbers()
        last = min(self.last_date, until)
        count = (last - self.first_date).days + 1
        dates = (self.first_date + datetime.timedelta(days=offset) for offset in range(max(count, 0)))
        return [day for day in dates if day.weekday() in days and day not in skip]

    def times_on(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        tz = timezone.get_current_timezone()
        starts = datetime.datetime.combine(day, self.start_time, tzinfo=tz)
        end_day = day if self.end_time > self.start_time else day + datetime.timedelta(days=1)
        return starts, datetime.datetime.combine(end_day, self.end_time, tzinfo=tz)

    def break_on(self, day: datetime.date) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """The break of the occurrence on `day`; a break after midnight falls on the next day."""
        if self.break_start_time is None or self.break_minutes is None:
            return None, None
        tz = timezone.get_current_timezone()
        break_day = day if self.break_start_time >= self.start_time else day + datetime.timedelta(days=1)
        starts = datetime.datetime.combine(break_day, self.break_start_time, tzinfo=tz)
        return starts, starts + datetime.timedelta(minutes=self.break_minutes)


class ShiftQuerySet(models.QuerySet):
    def upcoming(self, now: datetime.datetime | None = None):
        return self.filter(ends_at__gt=now or timezone.now())

    def live(self):
        return self.filter(is_cancelled=False)


class Shift(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        FULL = "full", _("Full")
        CLOSED = "closed", _("Sign-up closed")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="shifts")
    series = models.ForeignKey(
        ShiftSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shifts",
    )
    occurrence_date = models.DateField(null=True, blank=True, editable=False)
    detached = models.BooleanField(
        default=False, editable=False, help_text="Edited alone: series edits no longer change it."
    )
    title = models.CharField(_("title"), max_length=100)
    content = models.TextField(_("service content"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # Rule 6: rest and meals are not service time. Both or neither, inside the shift.
    break_starts_at = models.DateTimeField(_("break starts at"), null=True, blank=True)
    break_ends_at = models.DateTimeField(_("break ends at"), null=True, blank=True)
    is_service = models.BooleanField(_("counts as volunteer service"), default=True, help_text=IS_SERVICE_HELP)
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    signup_closes_at = models.DateTimeField(_("sign-up closes at"))
    cancel_deadline = models.DateTimeField(_("cancelling closes at"))
    notes = models.TextField(_("notes"), blank=True)
    required_skills = models.CharField(_("skills needed"), max_length=200, blank=True)
    is_public = models.BooleanField(_("open to volunteers outside the team"), default=False)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    # Run together with a partner unit (共建单位) of the team's office: the unit gets the credit
    # on its page and in its quarterly feedback (teams.partners).
    partner_unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("run with partner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="shift_capacity_positive"),
            # Spelt out with isnull=False: a comparison with NULL would let half a break through.
            models.CheckConstraint(
                condition=Q(break_starts_at__isnull=True, break_ends_at__isnull=True)
                | Q(
                    break_starts_at__isnull=False,
                    break_ends_at__isnull=False,
                    break_starts_at__gt=F("starts_at"),
                    break_ends_at__gt=F("break_starts_at"),
                    break_ends_at__lt=F("ends_at"),
                ),
                name="shift_break_inside_or_none",
            ),
            models.UniqueConstraint(fields=["series", "occurrence_date"], name="one_shift_per_series_date"),
        ]
        indexes = [models.Index(fields=["team", "starts_at"]), models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("shifts:detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.starts_at and not EARLIEST_YEAR <= self.starts_at.year <= LATEST_YEAR:
            errors["starts_at"] = _("Give a date between %(first)s and %(last)s.") % {
                "first": EARLIEST_YEAR,
                "last": LATEST_YEAR,
            }
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.starts_at and self.ends_at and self.ends_at - self.starts_at > datetime.timedelta(hours=24):
            errors["ends_at"] = _("A shift lasts at most 24 hours.")
        if self.signup_closes_at and self.ends_at and self.signup_closes_at > self.ends_at:
            errors["signup_closes_at"] = _("Sign-up must close before the shift ends.")
        if self.cancel_deadline and self.ends_at and self.cancel_deadline > self.ends_at:
            errors["cancel_deadline"] = _("Cancelling must close before the shift ends.")
        if self.partner_unit and self.team_id and self.partner_unit.office_id != self.team.office_id:
            errors["partner_unit"] = _("Choose a partner unit of the team's own office.")
        errors.update(self._break_errors())
        if errors:
            raise ValidationError(errors)

    def _break_errors(self) -> dict:
        starts, ends = self.break_starts_at, self.break_ends_at
        if starts is None and ends is None:
            return {}
        if starts is None or ends is None:
            missing = "break_starts_at" if starts is None else "break_ends_at"
            return {missing: _("Give both the start and the end of the break, or neither.")}
        if ends <= starts:
            return {"break_ends_at": _("The break must end after it starts.")}
        if (self.starts_at and starts <= self.starts_at) or (self.ends_at and starts >= self.ends_at):
            return {"break_starts_at": _("The break must start after the shift starts and before it ends.")}
        if self.ends_at and ends >= self.ends_at:
            return {"break_ends_at": _("The break must end before the shift ends.")}
        return {}

    def state(self, confirmed: int, now: datetime.datetime | None = None) -> str:
        """Derived from time and data; `confirmed` is the number of confirmed sign-ups."""
        now = now or timezone.now()
        if self.is_cancelled:
            return self.State.CANCELLED
        if now >= self.ends_at:
            return self.State.FINISHED
        if now >= self.starts_at:
            return self.State.RUNNING
        if now >= self.signup_closes_at:
            return self.State.CLOSED
        if confirmed >= self.capacity:
            return self.State.FULL
        return self.State.OPEN

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def has_break(self) -> bool:
        return self.break_starts_at is not None and self.break_ends_at is not None

    def break_note(self) -> str:
        """ "(break 12:00–13:00, not service time)" on the wall clock, or "" without a break."""
        if not self.has_break:
            return ""
        wall = timezone.get_default_timezone()
        times = {
            "from": f"{timezone.localtime(self.break_starts_at, wall):%H:%M}",
            "until": f"{timezone.localtime(self.break_ends_at, wall):%H:%M}",
        }
        return gettext("(break %(from)s–%(until)s, not service time)") % times


class SignupQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=[Signup.Status.CONFIRMED, Signup.Status.WAITLISTED])

    def confirmed(self):
        return self.filter(status=Signup.Status.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=Signup.Status.WAITLISTED).order_by("created_at", "pk")


class Signup(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")
        REMOVED = "removed", _("Removed by a leader")

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="signups"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    added_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)

    objects = SignupQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="one_live_signup_per_shift",
            ),
        ]
        indexes = [models.Index(fields=["shift", "status"]), models.Index(fields=["volunteer", "status"])]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.shift} · {self.get_status_display()}"

    @property
    def may_cancel_now(self) -> bool:
        """Whether the volunteer's pages offer to cancel it: until the shift starts. Past the
        cancel deadline, services.cancel_signup says to tell the leader instead."""
        live = self.status in (self.Status.CONFIRMED, self.Status.WAITLISTED)
        return live and not self.shift.is_cancelled and self.shift.starts_at > timezone.now()


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's secret iCal address; renewing the token revokes the old address."""

    user = models.OneToOneField(
        "accounts.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=40, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class Attendance(models.Model):
    """One volunteer at one shift: what the scans and the leader's marks add up to."""

    class Status(models.TextChoices):
        CHECKED_IN = "checked_in", _("Checked in")
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        LEFT_EARLY = "left_early", _("Left early")
        NOT_SIGNED_OUT = "not_signed_out", _("Not signed out")
        NO_SIGN_IN = "no_sign_in", _("No sign-in")
        ON_LEAVE = "on_leave", _("On leave")
        ABSENT = "absent", _("Absent")

    class Review(models.TextChoices):
        OPEN = "open", _("Open")
        NEEDS_REVIEW = "needs_review", _("Needs review")
        POSTED = "posted", _("Posted")

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="attendances")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="attendances"
    )
    is_walk_in = models.BooleanField(_("walk-in"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CHECKED_IN)
    credited_minutes = models.PositiveIntegerField(_("credited minutes"), default=0)
    review_state = models.CharField(_("review"), max_length=14, choices=Review.choices, default=Review.OPEN)
    review_reasons = models.JSONField(_("why it needs review"), default=list, blank=True)
    # The time served, [from, to] pairs in ISO form: what a posted record will hold.
    served = models.JSONField(_("served"), default=list, blank=True)
    posted_record = models.OneToOneField(
        "hours.ServiceRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The leader's latest mend (AttendanceMend keeps them all): when `is_mended`, these
    # times stand for the scans, which stay as they were.
    is_mended = models.BooleanField(_("mended by the leader"), default=False)
    # Entered by hand for a shift created after it ended: posts only with the office's
    # approval, as a backfill (DESIGN rule 8: no one credits hours alone).
    entered_late = models.BooleanField(_("entered after the fact"), default=False)
    mended_in = models.DateTimeField(_("mended sign-in"), null=True, blank=True)
    mended_out = models.DateTimeField(_("mended sign-out"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["shift", "volunteer"], name="one_attendance_per_shift")]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.shift} · {self.get_status_display()}"


class ScanEvent(models.Model):
    """One check-in or check-out, as scanned (or marked) at the venue.

    `client_event_id` is made by the scanning phone, so a batch resent after a
    network failure is recorded once; `at` is when it was scanned, not when it arrived.
    """

    class Kind(models.TextChoices):
        IN = "in", _("Check-in")
        OUT = "out", _("Check-out")
        # Read in the scanner's automatic mode: in or out follows from all the person's reads.
        AUTO = "auto", _("Check-in or check-out")

    class Method(models.TextChoices):
        SCAN = "scan", _("Card scan")
        MANUAL = "manual", _("Marked by the leader")
        SELF = "self", _("Self check-in")
        OFFLINE = "offline", _("Scanned offline")

    client_event_id = models.CharField(max_length=64, unique=True)
    attendance = models.ForeignKey(Attendance, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, default=Method.SCAN)
    by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    device = models.CharField(_("device"), max_length=100, blank=True)
    outcome = models.CharField(max_length=20, blank=True, help_text="The first answer, repeated to a resend.")

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["attendance", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%H:%M}"


class AttendanceMend(models.Model):
    """The leader set or cleared a person's sign-in and sign-out times, and said why (DESIGN rule 8)."""

    attendance = models.ForeignKey(Attendance, on_delete=models.PROTECT, related_name="mends")
    checked_in = models.DateTimeField(_("sign-in"), null=True, blank=True)
    checked_out = models.DateTimeField(_("sign-out"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("mended at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance mend")
        verbose_name_plural = _("attendance mends")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.attendance} · {self.reason}"


class SheetReminder(models.Model):
    """Office staff were reminded on `day` that the shift's attendance sheet waits for
    confirmation before the 10-working-day limit (shifts.deadlines): once a sheet a day,
    whatever the number of cron runs, overlapping ones included (the constraint decides)."""

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("sheet reminder")
        verbose_name_plural = _("sheet reminders")
        constraints = [models.UniqueConstraint(fields=["shift", "day"], name="one_sheet_reminder_a_day")]

    def __str__(self) -> str:
        return f"{self.shift} · {self.day}"
