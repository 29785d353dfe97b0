"""The office dashboard's shift figures for one month: two aggregate queries, whatever the size.

A shift is held in the month when it started in the month (local time), was not
cancelled and has ended. Attendance is counted for those shifts only, so a shift still
running does not lower the rate. The rate is among people who signed up: walk-ins
came without signing up and are left out; people on leave told the leader in time and
count neither way. A no-show is a confirmed sign-up with no attendance, or with one
marked absent: a sheet confirmed before the check-out window closed, or a shift nobody
scanned at, has no absent rows for the people who stayed away.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from hours.months import month_start, next_month
from shifts.models import Attendance, Shift, Signup

NOT_THERE = (Attendance.Status.ABSENT, Attendance.Status.ON_LEAVE)
CAME = tuple(status for status in Attendance.Status if status not in NOT_THERE)


@dataclass(frozen=True)
class ShiftFigures:
    held: int
    came: int  # signed up and came: checked in, present, late, left early or not signed out
    no_shows: int  # signed up and absent
    waiting_for_review: int  # attendance the leader still has to look at

    @property
    def attendance_rate(self) -> int | None:
        """Per cent of those signed up (on leave aside) who came; None with nobody to count."""
        expected = self.came + self.no_shows
        if not expected:
            return None
        return round(100 * self.came / expected)


def shift_figures(*, office_ids: list[int], month: datetime.date, now: datetime.datetime | None = None) -> ShiftFigures:
    now = now or timezone.now()
    start, end = month_start(month), month_start(next_month(month))
    held = Shift.objects.live().filter(
        team__office_id__in=office_ids, starts_at__gte=start, starts_at__lt=end, ends_at__lte=now
    )
    signed_up = Q(attendances__is_walk_in=False)
    totals = held.aggregate(
        held=Count("pk", distinct=True),
        came=Count("attendances", filter=signed_up & Q(attendances__status__in=CAME)),
        waiting=Count("attendances", filter=Q(attendances__review_state=Attendance.Review.NEEDS_REVIEW)),
    )
    there_or_excused = Attendance.objects.filter(
        shift_id=OuterRef("shift_id"), volunteer_id=OuterRef("volunteer_id")
    ).exclude(status=Attendance.Status.ABSENT)
    no_shows = Signup.objects.confirmed().filter(shift__in=held).exclude(Exists(there_or_excused)).count()
    return ShiftFigures(
        held=totals["held"], came=totals["came"], no_shows=no_shows, waiting_for_review=totals["waiting"]
    )
