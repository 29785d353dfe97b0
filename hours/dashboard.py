"""The office dashboard's ledger figures for one month: an office and every office below it.

Each figure is one aggregate query, the ledger's over an indexed date range (the
(office, service_date) index); nothing loops over records in Python, at most over the
month's teams or the days of a year. A record counts in the month
of its service date (DESIGN rule 10), as on the ranking lists; the monthly workbook lists
records by the month they are reported in, which differs only for late records of a
closed month. Shift figures live in `shifts.dashboard`: the ledger does not know shifts.
"""

import contextlib
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from hours.charts import BarChart, bar_chart
from hours.exports import office_and_below
from hours.models import BackfillRequest, CorrectionRequest, ServiceRecord
from hours.months import first_of_month, month_start, next_month, parse_month, previous_month
from hours.units import hours
from teams.models import Membership, Office, Team
from volunteers.models import Volunteer

SERIES_MONTHS = 12
# The chart names the year under the first bar only up to October: a January two bars on
# or closer would put its year on top of it.
YEAR_LABEL_LAST_MONTH = 10


def chosen_month(text: str, today: datetime.date | None = None) -> datetime.date:
    """The first day of the month in `text` (YYYY-MM); malformed, out of parse_month's
    years or after next year: the current month."""
    today = today or timezone.localdate()
    month = first_of_month(today)
    with contextlib.suppress(ValidationError):
        asked = parse_month(text or "")
        if asked.year <= today.year + 1:
            month = asked
    return month


def root_offices(offices: list[Office]) -> list[Office]:
    """Of the offices someone manages, those not below another one of them."""
    ids = {office.pk for office in offices}
    return [office for office in offices if office.parent_id not in ids]


def chosen_office(offices: list[Office], asked: str) -> Office | None:
    """The office asked for by id, if it is one of `offices`; with nothing asked, the first top office.

    None when the office asked for is not among them: the caller refuses.
    """
    if not offices:
        return None
    if not asked:
        return root_offices(offices)[0]
    return next((office for office in offices if str(office.pk) == asked), None)


@dataclass(frozen=True)
class TeamRow:
    team_id: int | None
    team: str
    office: str
    minutes: int
    volunteers: int

    @property
    def hours(self) -> float:
        return hours(self.minutes)


@dataclass(frozen=True)
class MonthPoint:
    month: datetime.date
    minutes: int

    @property
    def hours(self) -> float:
        return hours(self.minutes)


@dataclass
class OfficeMonth:
    office: Office
    month: datetime.date
    office_ids: list[int]
    teams: list[TeamRow] = field(default_factory=list)
    minutes: int = 0
    active_volunteers: int = 0
    new_volunteers: int = 0
    pending_backfills: int = 0
    pending_corrections: int = 0
    series: list[MonthPoint] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return hours(self.minutes)

    @property
    def waiting_for_review(self) -> int:
        return self.pending_backfills + self.pending_corrections

    @property
    def month_key(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def several_offices(self) -> bool:
        return len(self.office_ids) > 1

    @property
    def chart(self) -> BarChart:
        points = []
        for index, point in enumerate(self.series):
            new_year = point.month.month == 1 or (index == 0 and point.month.month <= YEAR_LABEL_LAST_MONTH)
            points.append(
                (
                    str(point.month.month),
                    str(point.month.year) if new_year else "",
                    float(point.hours),
                    f"{point.month:%Y-%m}: {point.hours:g}",
                )
            )
        return bar_chart(points)


def _month_records(office_ids: list[int], month: datetime.date):
    return ServiceRecord.objects.filter(
        office_id__in=office_ids, service_date__gte=month, service_date__lt=next_month(month)
    )


# A record that still counts: positive and not reversed. A reversal copies the service date
# and team of what it reverses, so within a month and a team a volunteer's signed sum is
# above 0 exactly when one such record is there (what `ledger.credited` counts too).
CREDITED = Q(minutes__gt=0, reversed_by__isnull=True)

# Per team (and recording office), the sums of the volunteers' signed sums: a volunteer
# counts where theirs is above 0 (see CREDITED). Summed per volunteer first, from the
# (office, service_date) index's range: a count of distinct volunteers filtered by a join
# to the reversals made SQLite walk the whole ledger in team order instead.
TEAM_SUMS_SQL = """
    SELECT team_id, office_id, SUM(signed), SUM(CASE WHEN signed > 0 THEN 1 ELSE 0 END)
    FROM ({per_volunteer}) per_volunteer GROUP BY team_id, office_id
"""


def team_rows(office_ids: list[int], month: datetime.date) -> list[TeamRow]:
    """Hours and active volunteers per team: one grouped query, and one for the names."""
    per_volunteer = (
        _month_records(office_ids, month)
        .values("team_id", "office_id", "volunteer_id")
        .annotate(signed=Sum("minutes"))
        .order_by()
    )
    sql, params = per_volunteer.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(TEAM_SUMS_SQL.format(per_volunteer=sql), params)
        sums = cursor.fetchall()
    teams = dict(Team.objects.filter(pk__in={row[0] for row in sums}).values_list("pk", "name"))
    offices = dict(Office.objects.filter(pk__in={row[1] for row in sums}).values_list("pk", "name"))
    rows = [
        TeamRow(
            team_id=team_id, team=teams.get(team_id, ""), office=offices[office_id], minutes=total, volunteers=active
        )
        for team_id, office_id, total, active in sums
    ]
    return sorted(rows, key=lambda row: (-row.minutes, row.team, row.office))


def office_totals(office_ids: list[int], month: datetime.date) -> tuple[int, int]:
    """(minutes, active volunteers) of the month: someone serving in two teams counts once."""
    totals = _month_records(office_ids, month).aggregate(
        total=Sum("minutes", default=0), volunteers=Count("volunteer_id", distinct=True, filter=CREDITED)
    )
    return totals["total"], totals["volunteers"]


def new_volunteers(office_ids: list[int], month: datetime.date) -> int:
    """Profiles registered in the month by people now active in a team of the offices."""
    member = Membership.objects.active().filter(user_id=OuterRef("user_id"), team__office_id__in=office_ids)
    return Volunteer.objects.filter(
        Exists(member), created_at__gte=month_start(month), created_at__lt=month_start(next_month(month))
    ).count()


def pending_backfills(office_ids: list[int]) -> int:
    """Backfills waiting for a decision, of any month: the queue staff work through."""
    return BackfillRequest.objects.filter(state=BackfillRequest.State.PENDING, office_id__in=office_ids).count()


def pending_corrections(office_ids: list[int]) -> int:
    return CorrectionRequest.objects.filter(
        state=CorrectionRequest.State.PENDING, record__office_id__in=office_ids
    ).count()


def months_back(month: datetime.date, count: int) -> list[datetime.date]:
    """`count` months ending with `month`, oldest first."""
    months = [month]
    for _step in range(count - 1):
        months.insert(0, previous_month(months[0]))
    return months


def monthly_series(office_ids: list[int], month: datetime.date, count: int = SERIES_MONTHS) -> list[MonthPoint]:
    """Minutes per service month for `count` months up to `month`, empty months as 0.

    One query: sums per service date over one date range of the (office, service_date)
    index, at most a year of days, put into months here. Conditional sums per month made
    every record test twelve conditions; extracting the month cannot use the index.
    """
    months = months_back(month, count)
    by_day = (
        ServiceRecord.objects.filter(
            office_id__in=office_ids, service_date__gte=months[0], service_date__lt=next_month(month)
        )
        .values("service_date")
        .annotate(day_minutes=Sum("minutes"))
        .order_by()
    )
    sums = dict.fromkeys(months, 0)
    for day in by_day:
        sums[first_of_month(day["service_date"])] += day["day_minutes"]
    return [MonthPoint(start, minutes) for start, minutes in sums.items()]


def office_month(*, office: Office, month: datetime.date) -> OfficeMonth:
    """Every ledger figure of the dashboard for the office and the offices below it."""
    office_ids = office_and_below(office)
    minutes, active = office_totals(office_ids, month)
    return OfficeMonth(
        office=office,
        month=month,
        office_ids=office_ids,
        teams=team_rows(office_ids, month),
        minutes=minutes,
        active_volunteers=active,
        new_volunteers=new_volunteers(office_ids, month),
        pending_backfills=pending_backfills(office_ids),
        pending_corrections=pending_corrections(office_ids),
        series=monthly_series(office_ids, month),
    )
