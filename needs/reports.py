"""What the office reads about residents' requests: the figures page and the workbook's sheet.

Counts come from grouped queries over the office and every office below it; the two medians
read one column of durations each (SQLite has no median), for the chosen year only.
"""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from accounts.phones import mask_phone
from hours.exports import DATE_FORMAT, MonthExport, WorkbookSheet, office_and_below, text
from hours.months import day_start
from hours.units import WORKBOOK_FORMAT, exact_hours
from needs.deadlines import take_within
from needs.models import Need, NeedTaker
from teams.models import Office


@dataclass(frozen=True)
class Figures:
    total: int
    by_category: list[tuple[str, int]]
    by_grid: list[tuple[str, int]]
    by_month: list[tuple[datetime.date, int]]
    dispatched: int
    taken_in_time: int
    median_hours_to_take: float | None
    median_hours_to_finish: float | None
    average_rating: float | None
    rated: int

    @property
    def share_taken_in_time(self) -> int | None:
        return round(100 * self.taken_in_time / self.dispatched) if self.dispatched else None


def _median_hours(durations) -> float | None:
    hours = [duration.total_seconds() / 3600 for duration in durations if duration is not None]
    return round(statistics.median(hours), 1) if hours else None


def figures_for(office: Office, year: int) -> Figures:
    """Requests raised in `year` in the office and below it."""
    needs = Need.objects.filter(
        office_id__in=office_and_below(office),
        created_at__gte=day_start(datetime.date(year, 1, 1)),
        created_at__lt=day_start(datetime.date(year + 1, 1, 1)),
    )
    by_category = list(
        needs.values_list("category__name").annotate(count=Count("pk")).order_by("-count", "category__name")
    )
    by_grid = list(needs.values_list("grid").annotate(count=Count("pk")).order_by("-count", "grid"))
    by_month = list(
        needs.annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    limit = take_within()
    totals = needs.aggregate(
        total=Count("pk"),
        dispatched=Count("pk", filter=Q(dispatched_at__isnull=False)),
        taken_in_time=Count("pk", filter=Q(taken_at__isnull=False, taken_at__lte=F("dispatched_at") + limit)),
        average_rating=Avg("rating"),
        rated=Count("rating"),
    )
    to_take = needs.filter(taken_at__isnull=False).annotate(wait=F("taken_at") - F("dispatched_at"))
    to_finish = needs.filter(done_at__isnull=False).annotate(wait=F("done_at") - F("created_at"))
    return Figures(
        total=totals["total"],
        by_category=by_category,
        by_grid=[(grid or _("(no grid)"), count) for grid, count in by_grid],
        by_month=[
            (timezone.localtime(month).date() if isinstance(month, datetime.datetime) else month, count)
            for month, count in by_month
        ],
        dispatched=totals["dispatched"],
        taken_in_time=totals["taken_in_time"],
        median_hours_to_take=_median_hours(to_take.values_list("wait", flat=True)),
        median_hours_to_finish=_median_hours(to_finish.values_list("wait", flat=True)),
        average_rating=round(totals["average_rating"], 1) if totals["average_rating"] is not None else None,
        rated=totals["rated"],
    )


# ---------------------------------------------------------------- the workbook's sheet


def requests_sheet(workbook: Workbook, export: MonthExport, today: datetime.date) -> None:
    """服务需求: one row per request closed in the month (confirmed, refused or cancelled),
    the resident masked whatever the export (their number is not the volunteers' data)."""
    sheet = WorkbookSheet(
        workbook,
        pgettext("workbook sheet", "Resident requests"),
        export,
        [
            (_("Number"), 8),
            (_("Community"), 16),
            (_("Category"), 12),
            (_("Grid"), 14),
            (_("Raised"), 12),
            (_("Closed"), 12),
            (_("State"), 10),
            (_("Resident"), 10),
            (_("Mobile"), 14),
            (_("Volunteers"), 24),
            (_("Hours credited"), 10),
            (_("Satisfaction"), 8),
            (_("Comment"), 30),
        ],
    )
    takers = NeedTaker.objects.select_related("volunteer", "posted_record").order_by("taken_at", "pk")
    closed = (
        Need.objects.filter(
            office_id__in=export.office_ids,
            closed_at__gte=day_start(export.month),
            closed_at__lt=day_start(export.month_end),
        )
        .select_related("office", "category")
        .prefetch_related(Prefetch("takers", queryset=takers))
        .order_by("closed_at", "pk")
    )
    raised_cell, closed_cell = sheet.styled(DATE_FORMAT), sheet.styled(DATE_FORMAT)
    hours_cell = sheet.styled(WORKBOOK_FORMAT)
    total = 0
    for need in closed.iterator(chunk_size=500):
        served = list(need.takers.all())
        minutes = sum(taker.posted_record.minutes for taker in served if taker.posted_record is not None)
        total += minutes
        raised_cell.value = timezone.localdate(need.created_at)
        closed_cell.value = timezone.localdate(need.closed_at)
        hours_cell.value = exact_hours(minutes)
        sheet.append(
            [
                need.pk,
                text(need.office.name),
                text(need.category.name),
                text(need.grid),
                raised_cell,
                closed_cell,
                str(need.get_state_display()),
                text(need.masked_name),
                text(mask_phone(need.resident_phone)),
                text("、".join(taker.volunteer.real_name for taker in served)),
                hours_cell,
                need.rating,
                text(need.comment),
            ]
        )
    sheet.totals([_("Total"), _("%(count)d requests") % {"count": sheet.rows}, *[""] * 8, exact_hours(total)])
    sheet.footer(today)
