"""Recognition: star notifications, ranking lists and honours (DESIGN rules 10–12).

Lists count the records of an office and every office below it in one grouped query,
by the month each record is reported in, as the close snapshot and the export do: a
backfill or correction for a closed month counts in the next open one, so the lists of a
closed month, a team's included, never change; the office's own list of a closed month
is the ranking frozen when it was closed. Public lists carry the surname and a star (张*),
never a phone or an ID number.
"""

import contextlib
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify
from hours.models import Honour, MonthClose, ServiceRecord
from hours.months import TOP_LIST_LENGTH, first_of_month, next_month, parse_month
from hours.stars import star_level, thresholds_for
from hours.units import hours
from teams.models import Office, Team
from volunteers.models import Volunteer
from volunteers.selectors import home_office_of, name_with_hint, namesake_hints

PERIOD_MONTH = "month"
PERIOD_YEAR = "year"
PERIOD_ALL = "all"
PERIODS = (PERIOD_MONTH, PERIOD_YEAR, PERIOD_ALL)
HONOUR_PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")


# ---------------------------------------------------------------- stars


def notify_new_star(
    volunteer: Volunteer, before_minutes: int, after_minutes: int, thresholds: tuple[int, ...] | None = None
) -> int:
    """Tell the volunteer once when a posting carries them over a star threshold; the new star count, or 0."""
    if after_minutes <= before_minutes:
        return 0
    if thresholds is None:
        thresholds = thresholds_for(home_office_of(volunteer))
    before, after = star_level(before_minutes, thresholds), star_level(after_minutes, thresholds)
    if after.stars <= before.stars:
        return 0
    words = {"hours": after.hours, "stars": after.symbols}
    notify(
        [volunteer.user],
        lambda: _("Congratulations! With %(hours)s hours of service you have reached %(stars)s.") % words,
        link=reverse("hours:my_hours"),
    )
    return after.stars


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date | None  # inclusive; None for all time
    end: datetime.date | None  # exclusive
    key: str  # "YYYY-MM", "YYYY" or "" (all time): how honours name it


def period_for(kind: str, month_text: str = "", today: datetime.date | None = None) -> Period:
    """The period asked for; an unknown kind or a malformed month falls back to the current one."""
    today = today or timezone.localdate()
    month = first_of_month(today)
    if month_text:
        with contextlib.suppress(ValidationError):
            month = parse_month(month_text)
    if kind == PERIOD_ALL:
        return Period(PERIOD_ALL, None, None, "")
    if kind == PERIOD_YEAR:
        start = month.replace(month=1)
        return Period(PERIOD_YEAR, start, start.replace(year=start.year + 1), f"{start:%Y}")
    return Period(PERIOD_MONTH, month, next_month(month), f"{month:%Y-%m}")


@dataclass(frozen=True)
class Row:
    rank: int
    volunteer_id: int
    public_name: str
    minutes: int
    team: str = ""
    stars: str = ""
    honours: tuple[str, ...] = ()

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


@dataclass
class RecognitionList:
    office: Office
    period: Period
    team: Team | None
    rows: list[Row] = field(default_factory=list)
    frozen: MonthClose | None = None  # the close that froze this list (without a team: whose snapshot it is)
    provisional: bool = False  # an open month: may still change
    honours: list[Honour] = field(default_factory=list)


def _records(tree_ids, period: Period, team: Team | None):
    # By reported month, not service date: records arriving after a close are reported in a
    # later month, so a closed month's sums stay as they were (rule 10). Ranges, not
    # year/month extraction: they use the (office, reported_month) index.
    records = ServiceRecord.objects.filter(office_id__in=tree_ids)
    if period.start is not None:
        records = records.filter(reported_month__gte=period.start, reported_month__lt=period.end)
    if team is not None:
        records = records.filter(team=team)
    return records


def top_list(
    *, office: Office, tree_ids: set[int], period: Period, team: Team | None = None, length: int = TOP_LIST_LENGTH
) -> RecognitionList:
    """Top volunteers of the office tree for the period: a fixed number of queries whatever the size."""
    result = RecognitionList(office=office, period=period, team=team)
    if period.kind == PERIOD_MONTH:
        # The list is frozen once every office whose records it counts has closed the month:
        # a team's office, or each office of the tree (a street office and its communities).
        counted = {team.office_id} if team is not None else set(tree_ids)
        # Without their snapshots: a street's holds a total for each of its 100,000
        # volunteers, and only the list's own close's top rows are read, below.
        closes = MonthClose.objects.filter(office_id__in=counted, month=period.start).defer("snapshot")
        by_office = {close.office_id: close for close in closes}
        if counted and by_office.keys() == counted:
            # The list's own office's close, or for a team list the team's office's.
            result.frozen = by_office.get(office.pk) or by_office[team.office_id]
        result.provisional = result.frozen is None
    # The snapshot holds the records of the offices it names (before closes covered the
    # offices below, only its own): it is the list when it counts the same offices.
    # Otherwise the sums by reported month are as frozen as the snapshot.
    frozen = None
    if result.frozen is not None and team is None:
        frozen = MonthClose.objects.filter(pk=result.frozen.pk).values_list("snapshot__offices", "snapshot__top").get()
    if frozen is not None and set(frozen[0] or [office.pk]) == set(tree_ids):
        ranked = [(row["volunteer"], row["public_name"], row["minutes"]) for row in frozen[1]]
    else:
        ranked = [
            (volunteer_id, f"{real_name[:1]}*" if real_name else "", total)
            for volunteer_id, real_name, total in _ranked(_records(tree_ids, period, team), length)
        ]
    ids = [volunteer_id for volunteer_id, _name, _minutes in ranked]
    teams = _main_team_of(ids, tree_ids, period, team)
    all_time = dict(
        ServiceRecord.objects.filter(volunteer_id__in=ids)
        .values("volunteer_id")
        .annotate(total=Sum("minutes"))
        .values_list("volunteer_id", "total")
    )
    honours = Honour.objects.current().filter(office=office).select_related("volunteer__user")
    if period.key:
        honours = honours.filter(period=period.key)
    result.honours = list(honours[:50])
    titles: dict[int, list[str]] = {}
    for honour in result.honours:
        titles.setdefault(honour.volunteer_id, []).append(honour.get_title_display())
    thresholds = thresholds_for(office)
    result.rows = [
        Row(
            rank=rank,
            volunteer_id=volunteer_id,
            public_name=public_name,
            minutes=minutes,
            team=teams.get(volunteer_id, ""),
            stars=star_level(all_time.get(volunteer_id, 0), thresholds).symbols,
            honours=tuple(titles.get(volunteer_id, ())),
        )
        for rank, (volunteer_id, public_name, minutes) in enumerate(ranked, start=1)
    ]
    return result


def _ranked(records, length: int) -> list[tuple[int, str, int]]:
    """The `length` volunteers with the most time in `records`, by time, then name, then id.

    Summed per volunteer first, names joined only to the sums: grouping by volunteer and
    name would join every record to its volunteer before summing (a million joins for a
    street office's year). The sums read only the (office, month, volunteer, minutes)
    index. One query.
    """
    grouped, params = (
        records.values("volunteer_id")
        .annotate(total=Sum("minutes"))
        .filter(total__gt=0)
        .order_by()
        .query.sql_with_params()
    )
    volunteers = connection.ops.quote_name(Volunteer._meta.db_table)
    # Only Django's own compiled SQL and a quoted table name go into the text; values are parameters.
    sql = (
        f"SELECT sums.volunteer_id, person.real_name, sums.total FROM ({grouped}) sums "  # noqa: S608
        f"INNER JOIN {volunteers} person ON person.id = sums.volunteer_id "
        "ORDER BY sums.total DESC, person.real_name ASC, sums.volunteer_id ASC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, length])
        return list(cursor.fetchall())


def hints_for_staff(listing: RecognitionList) -> list[tuple[int, str]]:
    """For staff who award the office's honours: the award picker's choices (rank, 张*,
    team) and, as `staff_hint`, a hint on each listed honour. Where two people would read
    the same, the masked phone tells them apart, so that the right 张* is honoured or
    revoked; the page still shows no real name (rule 12). One query."""
    ids = {row.volunteer_id for row in listing.rows}
    people = Volunteer.objects.select_related("user").in_bulk(ids)
    teams = {row.volunteer_id: row.team for row in listing.rows}
    hints = namesake_hints(people.values(), name=lambda volunteer: (volunteer.public_name, teams[volunteer.pk]))
    choices = [
        (
            row.volunteer_id,
            name_with_hint(f"{row.rank}. {row.public_name} · {row.team or '—'}", hints.get(row.volunteer_id, "")),
        )
        for row in listing.rows
    ]
    honoured = {honour.volunteer_id: honour.volunteer for honour in listing.honours}
    hints = namesake_hints(honoured.values(), name=lambda volunteer: volunteer.public_name)
    for honour in listing.honours:
        honour.staff_hint = hints.get(honour.volunteer_id, "")
    return choices


def _main_team_of(ids: list[int], tree_ids, period: Period, team: Team | None) -> dict[int, str]:
    """Each listed volunteer's team with the most time in the period (one query)."""
    if team is not None:
        return dict.fromkeys(ids, team.name)
    found: dict[int, str] = {}
    rows = (
        _records(tree_ids, period, None)
        .filter(volunteer_id__in=ids, team__isnull=False)
        .values("volunteer_id", "team__name")
        .annotate(total=Sum("minutes"))
        .order_by("volunteer_id", "-total", "team__name")
    )
    for row in rows:
        found.setdefault(row["volunteer_id"], row["team__name"])
    return found


# ---------------------------------------------------------------- honours


@transaction.atomic
def award_honour(
    *, office: Office, tree_ids: set[int], volunteer: Volunteer, title: str, period: str, by: User
) -> Honour:
    """An honour for someone who served in the office's tree."""
    period = (period or "").strip()
    if not HONOUR_PERIOD.match(period):
        raise ValidationError(_("Give the period as YYYY or YYYY-MM."))
    if not ServiceRecord.objects.filter(volunteer=volunteer, office_id__in=tree_ids).exists():
        raise ValidationError(_("Only someone who served for this office can be honoured here."))
    honour = Honour(volunteer=volunteer, office=office, title=title, period=period, awarded_by=by)
    honour.full_clean()
    honour.save()
    return honour


@transaction.atomic
def revoke_honour(*, honour: Honour, by: User) -> Honour:
    """Take back a wrong honour: it leaves every list and profile, the row keeps who awarded and who revoked it.

    Revoking it again changes nothing.
    """
    honour = Honour.objects.select_for_update().get(pk=honour.pk)
    if honour.revoked_at is None:
        honour.revoked_at = timezone.now()
        honour.revoked_by = by
        honour.save(update_fields=["revoked_at", "revoked_by"])
    return honour
