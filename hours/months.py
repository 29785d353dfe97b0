"""Months: the one place for their arithmetic, and closing a month for an office (DESIGN rule 10).

A close freezes the month's per-volunteer totals and its ranking in a snapshot. It
covers the records the office itself recorded; a street office closes each of its
communities (its staff may). Records for a closed month that arrive later are reported
in the next open month (`ledger.reported_month_for`), which is what exports group by.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from hours.models import MonthClose, ServiceRecord
from teams.models import Office
from teams.permissions import office_tree_ids

TOP_LIST_LENGTH = 20


# Months outside these years are typing mistakes; refusing them also keeps "the month
# after" and year arithmetic clear of date.max.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2099


def parse_month(text: str) -> datetime.date:
    """'2027-03' → 2027-03-01."""
    try:
        month = datetime.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError as error:
        raise ValidationError(_("Give the month as YYYY-MM, e.g. 2027-03.")) from error
    if not EARLIEST_YEAR <= month.year <= LATEST_YEAR:
        raise ValidationError(
            _("Give a month between %(first)s and %(last)s.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
        )
    return month


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    """The first day of the month after the one `month` falls in."""
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    """The first day of the month before the one `month` falls in."""
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of the day, local time: where timestamps (not dates) are compared."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def month_start(month: datetime.date) -> datetime.datetime:
    """Midnight at the start of the month, local time."""
    return day_start(first_of_month(month))


def month_snapshot(office: Office, month: datetime.date, office_ids: set[int] | None = None) -> dict:
    """Per-volunteer totals of the records the office and the offices below it report in
    `month` (as its workbook counts them), and the month's top list."""
    office_ids = office_ids if office_ids is not None else office_tree_ids(office)
    year_start = month.replace(month=1)
    rows = list(
        ServiceRecord.objects.filter(office_id__in=office_ids, reported_month__lte=month)
        .values("volunteer_id", "volunteer__real_name")
        .annotate(
            records=Count("pk", filter=Q(reported_month=month)),
            month_minutes=Sum("minutes", filter=Q(reported_month=month), default=0),
            year_minutes=Sum("minutes", filter=Q(reported_month__gte=year_start), default=0),
            all_time_minutes=Sum("minutes", default=0),
        )
        .filter(records__gt=0)
        .order_by("-month_minutes", "volunteer__real_name", "volunteer_id")
    )
    totals = [
        {
            "volunteer": row["volunteer_id"],
            "name": row["volunteer__real_name"],
            "month_minutes": row["month_minutes"],
            "year_minutes": row["year_minutes"],
            "all_time_minutes": row["all_time_minutes"],
        }
        for row in rows
    ]
    top = [
        {
            "rank": rank,
            "volunteer": row["volunteer"],
            "name": row["name"],
            "public_name": f"{row['name'][:1]}*" if row["name"] else "",
            "minutes": row["month_minutes"],
        }
        for rank, row in enumerate((row for row in totals if row["month_minutes"] > 0), start=1)
        if rank <= TOP_LIST_LENGTH
    ]
    return {
        "office": office.pk,
        "offices": sorted(office_ids),
        "office_name": office.name,
        "month": f"{month:%Y-%m}",
        "volunteers": len(totals),
        "total_minutes": sum(row["month_minutes"] for row in totals),
        "totals": totals,
        "top": top,
    }


@transaction.atomic
def close_month(
    *, office: Office, month: datetime.date, by: User | None, today: datetime.date | None = None
) -> MonthClose:
    """Close `month` for the office and every office below it not closed yet (a street
    office's close covers its communities), each with its own frozen snapshot. Returns
    the office's own close."""
    month = first_of_month(month)
    today = today or timezone.localdate()
    if month >= first_of_month(today):
        raise ValidationError(_("Only a month that has ended can be closed."))
    tree = office_tree_ids(office)
    # The ledger locks the offices before it picks a record's month: no record slips in
    # between these snapshots and the closes. In pk order, as the ledger does.
    offices = list(Office.objects.select_for_update().filter(pk__in=tree).order_by("pk"))
    if MonthClose.objects.filter(office=office, month=month).exists():
        raise ValidationError(
            _("%(month)s is already closed for %(office)s.") % {"month": f"{month:%Y-%m}", "office": office.name}
        )
    first = (
        ServiceRecord.objects.filter(office_id__in=tree)
        .order_by("reported_month")
        .values_list("reported_month", flat=True)
        .first()
    )
    if month.year < EARLIEST_YEAR:
        raise ValidationError(
            _("Give a month between %(first)s and %(last)s.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
        )
    if first is not None and month < first:
        raise ValidationError(
            _("Nothing was recorded for %(office)s before %(first)s: %(month)s has nothing to close.")
            % {"office": office.name, "first": f"{first:%Y-%m}", "month": f"{month:%Y-%m}"}
        )
    already = set(MonthClose.objects.filter(office_id__in=tree, month=month).values_list("office_id", flat=True))
    closes = []
    for each in offices:
        if each.pk in already:
            continue
        below = office_tree_ids(each) if each.pk != office.pk else tree
        close = MonthClose(office=each, month=month, closed_by=by, snapshot=month_snapshot(each, month, below))
        close.full_clean()
        closes.append(close)
    MonthClose.objects.bulk_create(closes)
    return next(close for close in closes if close.office_id == office.pk)
