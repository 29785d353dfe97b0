"""Reminding office staff of attendance sheets that still wait for confirmation when the
10-working-day limit for posting is near (DESIGN rule 7): after it, the time can only come
in as a backfill, approved one by one. The cron run (`manage.py remind_sheets`) sends one
reminder a sheet a day, on the last SHEET_REMINDER_WORKING_DAYS working days."""

import datetime
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.notifications import notify
from shifts.models import Attendance, SheetReminder, Shift
from shifts.posting import POSTING_WORKING_DAYS
from shifts.workdays import is_working_day, working_days_after

# Reminders start when this many working days are left, today included.
SHEET_REMINDER_WORKING_DAYS = 3


def last_posting_day(ends_on: datetime.date) -> datetime.date:
    """The last day a sheet of a shift that ended on `ends_on` can be confirmed: its
    10th working day after (shifts.posting.posting_open)."""
    day, counted = ends_on, 0
    while counted < POSTING_WORKING_DAYS:
        day += datetime.timedelta(days=1)
        counted += is_working_day(day)
    return day


def unconfirmed_sheets(*, now: datetime.datetime):
    """Finished service shifts with someone whose time is not in the ledger yet: still
    checked in, waiting for review, or credited and not posted. Only shifts young enough
    for posting to be open can qualify (the bound is post_finished_shifts')."""
    oldest = now - datetime.timedelta(days=POSTING_WORKING_DAYS * 3 + 4)
    not_posted = Q(attendances__review_state__in=[Attendance.Review.OPEN, Attendance.Review.NEEDS_REVIEW])
    waiting = not_posted & (
        Q(attendances__status=Attendance.Status.CHECKED_IN)
        | Q(attendances__review_state=Attendance.Review.NEEDS_REVIEW)
        | Q(attendances__credited_minutes__gt=0)
    )
    return (
        Shift.objects.live()
        .filter(is_service=True, ends_at__lt=now, ends_at__gte=oldest)
        .annotate(waiting_count=Count("attendances", filter=waiting))
        .filter(waiting_count__gt=0)
        .select_related("team__office")
        .order_by("ends_at", "pk")
    )


@dataclass(frozen=True)
class Due:
    shift: Shift
    waiting: int
    last_day: datetime.date


def sheets_due(*, now: datetime.datetime) -> list[Due]:
    """The unconfirmed sheets whose last posting day is at most SHEET_REMINDER_WORKING_DAYS
    working days away (today counted) and not past."""
    today = timezone.localdate(now)
    due = []
    for shift in unconfirmed_sheets(now=now):
        ends_on = timezone.localdate(shift.ends_at)
        elapsed = working_days_after(ends_on, today)
        if POSTING_WORKING_DAYS - SHEET_REMINDER_WORKING_DAYS < elapsed <= POSTING_WORKING_DAYS:
            due.append(Due(shift=shift, waiting=shift.waiting_count, last_day=last_posting_day(ends_on)))
    return due


def staff_to_remind(shift: Shift) -> list[User]:
    """The active staff of the office the shift's team belongs to. Staff of offices above
    see the sheet too, but a street office would get every community's reminders."""
    return list(
        User.objects.filter(is_active=True, office_roles__office=shift.team.office_id).distinct().order_by("pk")
    )


def _reminder_text(due: Due) -> str:
    shift = due.shift
    starts = timezone.localtime(shift.starts_at, timezone.get_default_timezone())
    return ngettext(
        "The attendance sheet of %(title)s (%(team)s, %(date)s) is not confirmed: %(count)d person's time is "
        "not in the ledger. Confirm it by %(last_day)s; after that it can only be added as a backfill.",
        "The attendance sheet of %(title)s (%(team)s, %(date)s) is not confirmed: %(count)d people's time is "
        "not in the ledger. Confirm it by %(last_day)s; after that it can only be added as a backfill.",
        due.waiting,
    ) % {
        "title": shift.title,
        "team": shift.team.name,
        # Translators: dates in a reminder, in the format of Django's date filter.
        "date": date_format(starts, _("M j")),
        "last_day": date_format(due.last_day, _("M j")),
        "count": due.waiting,
    }


def remind_unconfirmed_sheets(*, now: datetime.datetime | None = None, text: bool = False) -> int:
    """Tell the office staff of each due sheet, once a sheet a day, on working days only
    (the count of days left does not move at weekends). `text` also sends each reminder as
    a text message. Safe in overlapping runs: the day's SheetReminder row is the claim, and
    the claim and the notifications share one transaction. Returns the sheets reminded of."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not is_working_day(today):
        return 0
    reminded = 0
    for due in sheets_due(now=now):
        staff = staff_to_remind(due.shift)
        if not staff:
            continue
        try:
            with transaction.atomic():
                SheetReminder.objects.create(shift=due.shift, day=today, sent_at=now)
                notify(
                    staff,
                    partial(_reminder_text, due),
                    link=reverse("shifts:attendance", args=[due.shift.pk]),
                    text=text,
                )
        except IntegrityError:
            continue  # reminded today already, by this run's twin
        reminded += 1
    return reminded
