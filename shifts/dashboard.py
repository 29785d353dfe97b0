"""The office dashboard's shift figures for one month, in one query with conditional counts.

A shift is held in the month when it started in the month (local time), was not
cancelled and has ended. Attendance is counted for those shifts only, so a shift still
running does not lower the rate. The rate is among people who signed up: walk-ins
came without signing up and are left out; people on leave told the leader in time and
count neither way. Absent rows are what the leader marked, or what posting the sheet
made of signed-up people never scanned (`attendance.close_unfinished`).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from shifts.models import Attendance, Shift
from volunteers.dashboard import month_start
from volunteers.ledger import next_month

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
    signed_up = Q(attendances__is_walk_in=False)
    totals = (
        Shift.objects.live()
        .filter(team__office_id__in=office_ids, starts_at__gte=start, starts_at__lt=end, ends_at__lte=now)
        .aggregate(
            held=Count("pk", distinct=True),
            came=Count("attendances", filter=signed_up & Q(attendances__status__in=CAME)),
            no_shows=Count("attendances", filter=signed_up & Q(attendances__status=Attendance.Status.ABSENT)),
            waiting=Count("attendances", filter=Q(attendances__review_state=Attendance.Review.NEEDS_REVIEW)),
        )
    )
    return ShiftFigures(
        held=totals["held"], came=totals["came"], no_shows=totals["no_shows"], waiting_for_review=totals["waiting"]
    )
