"""Recurring series (e.g. the 六点半课堂, Monday to Saturday 18:30–20:00).

A series materialises its occurrences as ordinary shifts for a rolling window
ahead, topped up on save and by `manage.py materialise_series`. Editing a series
changes its future occurrences only; an occurrence edited or cancelled alone
(`detached`, or cancelled) keeps its own details.
"""

import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.notifications import notify
from shifts.models import Shift, ShiftSeries, Signup

MAX_SPAN_DAYS = 366
# The fields a series hands down to its occurrences.
COPIED_FIELDS = ("title", "content", "place", "capacity", "is_public", "is_service")


def window_end(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + datetime.timedelta(days=settings.SHIFT_SERIES_WINDOW_DAYS)


def validate_series(series: ShiftSeries) -> None:
    errors = {}
    if not series.weekdays or any(day not in "0123456" for day in series.weekdays):
        errors["weekdays"] = _("Choose at least one weekday.")
    if series.first_date and series.last_date:
        if series.last_date < series.first_date:
            errors["last_date"] = _("The last date must not be before the first date.")
        elif (series.last_date - series.first_date).days >= MAX_SPAN_DAYS:
            errors["last_date"] = _("A series may cover at most one year. Start a new series for the next year.")
    if series.start_time and series.start_time == series.end_time:
        errors["end_time"] = _("The end must differ from the start.")
    if errors:
        raise ValidationError(errors)
    series.weekdays = "".join(sorted(set(series.weekdays)))
    series.skip_dates = sorted({str(datetime.date.fromisoformat(str(day))) for day in series.skip_dates})


def _apply_to(shift: Shift, series: ShiftSeries, day: datetime.date) -> None:
    for field in COPIED_FIELDS:
        setattr(shift, field, getattr(series, field))
    shift.starts_at, shift.ends_at = series.times_on(day)
    shift.break_starts_at, shift.break_ends_at = series.break_on(day)
    shift.signup_closes_at = shift.starts_at - datetime.timedelta(minutes=series.signup_closes_minutes)
    shift.cancel_deadline = shift.starts_at - datetime.timedelta(minutes=series.cancel_deadline_minutes)


def _materialise(series: ShiftSeries, today: datetime.date) -> int:
    """Create the missing occurrences from today to the end of the window."""
    until = min(series.last_date, window_end(today))
    existing = set(series.shifts.values_list("occurrence_date", flat=True))
    new = []
    for day in series.occurrence_dates(until):
        if day < today or day in existing:
            continue
        shift = Shift(team_id=series.team_id, series=series, occurrence_date=day)
        _apply_to(shift, series, day)
        new.append(shift)
    Shift.objects.bulk_create(new)
    series.materialised_until = until
    series.save(update_fields=["materialised_until"])
    return len(new)


@transaction.atomic
def create_series(*, series: ShiftSeries, today: datetime.date | None = None) -> ShiftSeries:
    validate_series(series)
    series.full_clean()
    series.save()
    _materialise(series, today or timezone.localdate())
    return series


@transaction.atomic
def update_series(*, series: ShiftSeries, now: datetime.datetime | None = None) -> ShiftSeries:
    """Save an edit: future occurrences follow it, past ones and those edited alone do not.
    Occurrences on dates that left the pattern are cancelled, and their people told."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    validate_series(series)
    series.full_clean()
    series.save()
    wanted = set(series.occurrence_dates(window_end(today)))
    future = series.shifts.filter(starts_at__gt=now, is_cancelled=False, detached=False)
    for shift in future.select_for_update():
        if shift.occurrence_date not in wanted:
            _cancel_occurrence(shift)
            continue
        before = _when_and_where(shift)
        _apply_to(shift, series, shift.occurrence_date)
        shift.full_clean()
        shift.save()
        if _when_and_where(shift) != before:
            notify(
                _signed_up_users(shift),
                partial(_changed_text, shift),
                link=shift.get_absolute_url(),
            )
    _materialise(series, today)
    return series


def _changed_text(shift: Shift) -> str:
    return _("%(shift)s on %(date)s has changed. Please check the time and place.") % {
        "shift": shift.title,
        "date": date_format(shift.occurrence_date),
    }


def _when_and_where(shift: Shift) -> tuple:
    return (shift.starts_at, shift.ends_at, shift.break_starts_at, shift.break_ends_at, shift.place)


def _signed_up_users(shift: Shift):
    return [
        signup.volunteer.user for signup in Signup.objects.live().filter(shift=shift).select_related("volunteer__user")
    ]


def _cancel_occurrence(shift: Shift) -> None:
    """An occurrence nobody ever signed up for goes; one with any sign-up history is
    kept as cancelled, so that history stays."""
    if not shift.signups.exists():
        shift.delete()
        return
    people = _signed_up_users(shift)
    shift.is_cancelled = True
    shift.cancel_reason = _("The series no longer meets on this day.")
    shift.save(update_fields=["is_cancelled", "cancel_reason", "updated_at"])
    notify(
        people,
        lambda: (
            _("%(shift)s on %(date)s has been cancelled.")
            % {"shift": shift.title, "date": date_format(shift.occurrence_date)}
        ),
        link=shift.get_absolute_url(),
        text=True,
    )


def top_up_all(today: datetime.date | None = None) -> int:
    """Materialise every running series up to the window's end; returns shifts created."""
    today = today or timezone.localdate()
    created = 0
    for series in ShiftSeries.objects.filter(last_date__gte=today):
        with transaction.atomic():
            created += _materialise(series, today)
    return created
