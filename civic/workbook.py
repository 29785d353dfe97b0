"""The monthly workbook's points sheet (积分): registered from CivicConfig.ready() through
`hours.exports.add_sheet`, so the ledger's app never imports this one."""

import datetime

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from accounts.phones import mask_phone, national_phone
from civic.models import PointEntry, PointsPolicy
from hours.exports import MonthExport, WorkbookSheet, text
from hours.months import day_start

COLUMNS = ("hours", "deeds", "spent", "reversed", "lapsed")


def month_movements(export: MonthExport):
    """Each points account of the office and below that moved in the month: what it earned
    from hours and good deeds, spent, had reversed and lapsed (entries recorded in the month),
    and its balance at the month's end. One grouped query, whatever the number of people."""
    start, end = day_start(export.month), day_start(export.month_end)
    in_month = Q(recorded_at__gte=start)
    original = Q(reverses__isnull=True)
    return (
        PointEntry.objects.filter(account__office_id__in=export.office_ids, recorded_at__lt=end)
        .values(
            "account_id",
            "account__office__name",
            "account__volunteer__real_name",
            "account__volunteer__name_pinyin",
            "account__volunteer__user__phone",
        )
        .annotate(
            moved=Count("pk", filter=in_month),
            hours=Sum("points", filter=in_month & original & Q(kind=PointEntry.Kind.HOURS), default=0),
            deeds=Sum("points", filter=in_month & original & Q(kind=PointEntry.Kind.DEED), default=0),
            spent=Sum("points", filter=in_month & Q(kind=PointEntry.Kind.SPEND), default=0),
            reversed=Sum("points", filter=in_month & Q(reverses__isnull=False), default=0),
            lapsed=Sum("points", filter=in_month & Q(kind=PointEntry.Kind.EXPIRY), default=0),
            balance=Sum("points", default=0),
        )
        .filter(moved__gt=0)
        .order_by("account__office__name", "account__volunteer__name_pinyin", "account_id")
    )


def points_sheet(workbook: Workbook, export: MonthExport, today: datetime.date) -> None:
    """积分: one row per volunteer and office whose points moved in the month (DESIGN rule 20).
    Offices without points rules get no sheet."""
    if not PointsPolicy.objects.filter(office_id__in=export.office_ids).exists():
        return
    sheet = WorkbookSheet(
        workbook,
        pgettext("workbook sheet", "Points"),
        export,
        [
            (_("No."), 6),
            (_("Community"), 16),
            (_("Volunteer"), 14),
            (_("Mobile number"), 14),
            (_("Earned from hours"), 10),
            (_("Good deeds"), 10),
            (_("Spent"), 10),
            (_("Reversed"), 10),
            (_("Lapsed"), 10),
            (_("Balance at month end"), 12),
        ],
    )
    phone = national_phone if export.unmasked else mask_phone
    totals = dict.fromkeys((*COLUMNS, "balance"), 0)
    for number, row in enumerate(month_movements(export).iterator(chunk_size=2000), start=1):
        for key in totals:
            totals[key] += row[key]
        sheet.append(
            [
                number,
                text(row["account__office__name"]),
                text(row["account__volunteer__real_name"]),
                text(phone(row["account__volunteer__user__phone"] or "")),
                *(row[key] for key in COLUMNS),
                row["balance"],
            ]
        )
    sheet.totals([_("Total"), _("%(count)d volunteers") % {"count": sheet.rows}, "", "", *totals.values()])
    sheet.footer(today)
