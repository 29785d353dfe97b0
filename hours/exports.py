"""The monthly workbook of an office (DESIGN rules 14–16), and its detail sheet as CSV.

One workbook covers the office and every office below it. Records are grouped by the
month they are reported in (`ServiceRecord.reported_month`): a backfill or correction for
a closed month is reported in the next open one and listed again under corrections.

The workbook streams: openpyxl's write-only mode, records read in chunks, and one
aggregate query per summary sheet over date ranges (no month extraction). Hours are
numbers (minutes / 60); every total is computed in whole minutes, so it equals the
ledger's signed sum exactly. ID numbers and phones are text cells, masked unless an
unmasked export was asked for by someone allowed to see them; every piece of user text
goes through `common.spreadsheets.inert`. Every export is logged (`ExportLog`).
"""

import codecs
import csv
import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from accounts.models import User
from accounts.phones import mask_phone, national_phone
from common.spreadsheets import inert
from common.transactions import consistent_read
from hours.models import ExportLog, ServiceRecord
from hours.months import first_of_month, next_month
from hours.stars import star_level, thresholds_for
from hours.units import WORKBOOK_FORMAT, exact_hours
from teams.models import Office
from teams.permissions import ACCESS_OFFICE_MANAGE, ACCESS_OFFICE_PII, has_access
from volunteers.identity import mask_id_number

CHUNK_SIZE = 2000
CACHE_SIZE = 8192
DATE_FORMAT = "yyyy-mm-dd"
# Offices nest street → community; a few more levels cost one query each.
MAX_OFFICE_DEPTH = 4


# ---------------------------------------------------------------- what is exported


@dataclass(frozen=True)
class MonthExport:
    office: Office
    month: datetime.date  # first day
    unmasked: bool = False

    @property
    def month_end(self) -> datetime.date:
        return next_month(self.month)

    @property
    def year_start(self) -> datetime.date:
        return self.month.replace(month=1)

    @functools.cached_property
    def office_ids(self) -> list[int]:
        return office_and_below(self.office)

    def records(self):
        """Every record of the office and below, reported in the month (an index range)."""
        return ServiceRecord.objects.filter(
            office_id__in=self.office_ids, reported_month__gte=self.month, reported_month__lt=self.month_end
        )

    def title(self) -> str:
        return _("%(office)s · volunteer service hours · %(month)s") % {
            "office": self.office.name,
            "month": f"{self.month:%Y-%m}",
        }


def office_and_below(office: Office) -> list[int]:
    found = {office.pk}
    frontier = {office.pk}
    for _level in range(MAX_OFFICE_DEPTH):
        frontier = set(Office.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        if not frontier:
            break
        found |= frontier
    return sorted(found)


def check_may_export(user: User | None, office: Office, *, unmasked: bool) -> None:
    """Staff who manage the office; full numbers need the PII permission too (rule 15)."""
    if user is None:
        if unmasked:
            raise PermissionDenied(_("An unmasked export needs a person allowed to see full numbers."))
        return
    if not has_access(user, office, ACCESS_OFFICE_MANAGE):
        raise PermissionDenied(_("You do not manage this office."))
    if unmasked and not has_access(user, office, ACCESS_OFFICE_PII):
        raise PermissionDenied(_("You may not see full phone and ID numbers of this office."))


# ---------------------------------------------------------------- cells


def text(value) -> str:
    """User text as a safe text cell: no control characters, never a formula (rule 16)."""
    if not value:
        return ""
    return inert(str(value))


def _cached(function):
    """`function` memoised for one export. A month's rows repeat the same few thousand
    people, teams, activities and places, so each is cleaned once; the bound keeps memory
    flat however many distinct values a month holds. Only for short fields: a free-text
    content could pin megabytes."""
    return functools.lru_cache(maxsize=CACHE_SIZE)(function)


class _Masks:
    """ID number and phone as text, masked unless unmasked."""

    def __init__(self, unmasked: bool):
        if unmasked:
            self.id_number = _cached(lambda value: text(value))
            self.phone = _cached(lambda value: text(national_phone(value or "")))
        else:
            self.id_number = _cached(lambda value: text(mask_id_number(value or "")))
            self.phone = _cached(lambda value: text(mask_phone(value or "")))


Progress = Callable[[int, int], None]


class _Progress:
    """Rows written over rows to write, told to `report(done, total)` every few hundred rows."""

    EVERY = 200

    def __init__(self, report: Progress | None, total: int = 0):
        self.report = report
        self.total = total
        self.done = 0

    def step(self) -> None:
        self.done += 1
        if self.report is not None and self.done % self.EVERY == 0:
            self.report(min(self.done, self.total), self.total)

    def finish(self) -> None:
        if self.report is not None:
            self.report(self.done, max(self.total, self.done))


def rows_to_write(export: MonthExport) -> int:
    """The data rows of the four sheets: one per volunteer, per record, per team (and
    office) and per late record. Two queries, asked only when someone watches progress."""
    counts = export.records().aggregate(
        records=Count("pk"),
        volunteers=Count("volunteer_id", distinct=True),
        late=Count("pk", filter=Q(service_date__lt=export.month)),
    )
    teams = export.records().values("team_id", "team__name", "office__name").distinct().count()
    return counts["records"] + counts["volunteers"] + counts["late"] + teams


class _Sheet:
    """A write-only sheet with a title row, a frozen header, widths and a signed footer."""

    def __init__(
        self,
        workbook: Workbook,
        name: str,
        export: MonthExport,
        columns: list[tuple[str, int]],
        progress: "_Progress | None" = None,
    ):
        self.progress = progress or _Progress(None)
        self.sheet = workbook.create_sheet(title=name)
        self.width = len(columns)
        for index, (_label, width) in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = "A3"
        self.sheet.print_title_rows = "2:2"
        title = WriteOnlyCell(self.sheet, value=text(export.title()))
        title.font = Font(bold=True, size=14)
        self.sheet.append([title])
        header = []
        for label, _width in columns:
            cell = WriteOnlyCell(self.sheet, value=text(label))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header.append(cell)
        self.sheet.append(header)
        self.rows = 0

    def styled(self, number_format: str, bold: bool = False) -> WriteOnlyCell:
        """A cell to reuse row after row: write-only rows are written out as they are appended."""
        cell = WriteOnlyCell(self.sheet)
        cell.number_format = number_format
        if bold:
            cell.font = Font(bold=True)
        return cell

    def append(self, values) -> None:
        self.sheet.append(values)
        self.rows += 1
        self.progress.step()

    def totals(self, values) -> None:
        row = []
        for value in values:
            if isinstance(value, float):
                cell = self.styled(WORKBOOK_FORMAT, bold=True)
                cell.value = value
            else:
                cell = WriteOnlyCell(self.sheet, value=value)
                cell.font = Font(bold=True)
            row.append(cell)
        self.sheet.append(row)

    def footer(self, today: datetime.date) -> None:
        self.sheet.append([])
        date = self.styled(DATE_FORMAT)
        date.value = today
        self.sheet.append([_("Compiled by:"), "", _("Reviewed by:"), "", _("Date:"), date])


# The frame other apps' sheets are written in (see add_sheet).
WorkbookSheet = _Sheet

# Sheets other apps add after the ledger's own (needs: residents' requests), registered from
# their AppConfig.ready(): the ledger never imports them (DESIGN: imports flow one way).
EXTRA_SHEETS: list[Callable[[Workbook, MonthExport, datetime.date], None]] = []


def add_sheet(writer: Callable[[Workbook, MonthExport, datetime.date], None]) -> None:
    if writer not in EXTRA_SHEETS:
        EXTRA_SHEETS.append(writer)


# ---------------------------------------------------------------- the sheets


def _summary(workbook: Workbook, export: MonthExport, today: datetime.date, progress: _Progress) -> None:
    sheet = _Sheet(
        workbook,
        pgettext("workbook sheet", "Summary"),
        export,
        [
            (_("No."), 6),
            (_("Volunteer"), 14),
            (_("ID number"), 22),
            (_("Hours this month"), 12),
            (_("Hours this year"), 12),
            (_("Hours all time"), 12),
            (_("Star level"), 10),
            (_("Teams"), 40),
        ],
        progress,
    )
    in_office = Q(office_id__in=export.office_ids)
    this_month = in_office & Q(reported_month__gte=export.month, reported_month__lt=export.month_end)
    # One query: the month's volunteers, their office totals up to the month, and their
    # all-time total everywhere (what the star level counts, as on "my hours").
    rows = (
        ServiceRecord.objects.filter(
            volunteer_id__in=export.records().values("volunteer_id"), reported_month__lt=export.month_end
        )
        .values("volunteer_id", "volunteer__real_name", "volunteer__id_number")
        .annotate(
            month_minutes=Sum("minutes", filter=this_month, default=0),
            year_minutes=Sum("minutes", filter=in_office & Q(reported_month__gte=export.year_start), default=0),
            office_minutes=Sum("minutes", filter=in_office, default=0),
            all_minutes=Sum("minutes", default=0),
        )
        .order_by("-month_minutes", "volunteer__real_name", "volunteer_id")
    )
    teams: dict[int, list[str]] = {}
    for volunteer_id, team_name in (
        export.records().exclude(team=None).values_list("volunteer_id", "team__name").distinct().order_by("team__name")
    ):
        teams.setdefault(volunteer_id, []).append(team_name)
    masks = _Masks(export.unmasked)
    thresholds = thresholds_for(export.office)
    month_cell, year_cell, all_cell = (sheet.styled(WORKBOOK_FORMAT) for _i in range(3))
    totals = [0, 0, 0]
    for number, row in enumerate(rows.iterator(chunk_size=CHUNK_SIZE), start=1):
        totals[0] += row["month_minutes"]
        totals[1] += row["year_minutes"]
        totals[2] += row["office_minutes"]
        month_cell.value = exact_hours(row["month_minutes"])
        year_cell.value = exact_hours(row["year_minutes"])
        all_cell.value = exact_hours(row["office_minutes"])
        sheet.append(
            [
                number,
                text(row["volunteer__real_name"]),
                masks.id_number(row["volunteer__id_number"]),
                month_cell,
                year_cell,
                all_cell,
                star_level(row["all_minutes"], thresholds).symbols,
                text("、".join(teams.get(row["volunteer_id"], []))),
            ]
        )
    sheet.totals(
        [_("Total"), _("%(count)d volunteers") % {"count": sheet.rows}, "", *(exact_hours(total) for total in totals)]
    )
    sheet.footer(today)


def _kind_labels() -> dict[str, str]:
    return {value: str(label) for value, label in ServiceRecord.Kind.choices}


def detail_columns() -> list[tuple[str, int]]:
    return [
        (_("Service date"), 12),
        (_("Volunteer"), 12),
        (_("ID number"), 22),
        (_("Mobile number"), 14),
        (_("Team"), 24),
        (_("Activity"), 24),
        (_("Place"), 20),
        (_("Service content"), 40),
        (_("Hours"), 9),
        (_("Kind"), 10),
        (_("Responsible person"), 12),
    ]


DETAIL_ORDER = ("service_date", "volunteer__name_pinyin", "volunteer__real_name", "volunteer_id", "pk")
DETAIL_FIELDS = (
    "service_date",
    "volunteer__real_name",
    "volunteer__id_number",
    "volunteer__user__phone",
    "team__name",
    "activity",
    "place",
    "content",
    "minutes",
    "kind",
    "responsible_person",
)


def detail_rows(export: MonthExport):
    """(service_date, name, id, phone, team, activity, place, content, minutes, kind label, responsible)."""
    masks = _Masks(export.unmasked)
    kinds = _kind_labels()
    cell = _cached(text)
    # By day, then by name in pinyin order, where people look a name up.
    records = export.records().order_by(*DETAIL_ORDER).values_list(*DETAIL_FIELDS)
    for day, name, id_number, phone, team, activity, place, content, minutes, kind, responsible in records.iterator(
        chunk_size=CHUNK_SIZE
    ):
        yield (
            day,
            cell(name),
            masks.id_number(id_number),
            masks.phone(phone),
            cell(team),
            cell(activity),
            cell(place),
            text(content),
            minutes,
            kinds.get(kind, kind),
            cell(responsible),
        )


def _detail(workbook: Workbook, export: MonthExport, today: datetime.date, progress: _Progress) -> int:
    sheet = _Sheet(workbook, pgettext("workbook sheet", "Details"), export, detail_columns(), progress)
    date_cell, hours_cell = sheet.styled(DATE_FORMAT), sheet.styled(WORKBOOK_FORMAT)
    total = 0
    for row in detail_rows(export):
        date_cell.value = row[0]
        hours_cell.value = exact_hours(row[8])
        total += row[8]
        sheet.append([date_cell, *row[1:8], hours_cell, *row[9:]])
    sheet.totals([_("Total"), _("%(count)d records") % {"count": sheet.rows}, *[""] * 6, exact_hours(total)])
    sheet.footer(today)
    return sheet.rows


def _by_team(workbook: Workbook, export: MonthExport, today: datetime.date, progress: _Progress) -> None:
    sheet = _Sheet(
        workbook,
        pgettext("workbook sheet", "By team"),
        export,
        [(_("Team"), 30), (_("Office"), 20), (_("Volunteers"), 10), (_("Records"), 10), (_("Hours"), 12)],
        progress,
    )
    rows = (
        export.records()
        .values("team_id", "team__name", "office__name")
        .annotate(minutes=Sum("minutes"), headcount=Count("volunteer_id", distinct=True), records=Count("pk"))
        .order_by("-minutes", "team__name", "office__name")
    )
    hours_cell = sheet.styled(WORKBOOK_FORMAT)
    total = records = 0
    for row in rows:
        total += row["minutes"]
        records += row["records"]
        hours_cell.value = exact_hours(row["minutes"])
        sheet.append(
            [
                text(row["team__name"]) if row["team_id"] else _("(no team)"),
                text(row["office__name"]),
                row["headcount"],
                row["records"],
                hours_cell,
            ]
        )
    # People serving in two teams count once in the office's headcount.
    headcount = export.records().aggregate(n=Count("volunteer_id", distinct=True))["n"]
    sheet.totals([_("Total"), "", headcount, records, exact_hours(total)])
    sheet.footer(today)


def _corrections(workbook: Workbook, export: MonthExport, today: datetime.date, progress: _Progress) -> None:
    sheet = _Sheet(
        workbook,
        pgettext("workbook sheet", "Backfills and corrections"),
        export,
        [
            (_("Service date"), 12),
            (_("Service month"), 10),
            (_("Volunteer"), 12),
            (_("ID number"), 22),
            (_("Team"), 24),
            (_("Activity"), 24),
            (_("Hours"), 9),
            (_("Kind"), 10),
            (_("Reason"), 40),
        ],
        progress,
    )
    masks = _Masks(export.unmasked)
    kinds = _kind_labels()
    records = (
        export.records()
        .filter(service_date__lt=export.month)
        .order_by(*DETAIL_ORDER)
        .values_list(
            "service_date",
            "volunteer__real_name",
            "volunteer__id_number",
            "team__name",
            "activity",
            "minutes",
            "kind",
            "reason",
        )
    )
    date_cell, hours_cell = sheet.styled(DATE_FORMAT), sheet.styled(WORKBOOK_FORMAT)
    total = 0
    for day, name, id_number, team, activity, minutes, kind, reason in records.iterator(chunk_size=CHUNK_SIZE):
        date_cell.value = day
        hours_cell.value = exact_hours(minutes)
        total += minutes
        sheet.append(
            [
                date_cell,
                f"{day:%Y-%m}",
                text(name),
                masks.id_number(id_number),
                text(team),
                text(activity),
                hours_cell,
                kinds.get(kind, kind),
                text(reason),
            ]
        )
    sheet.totals([_("Total"), _("%(count)d records") % {"count": sheet.rows}, *[""] * 4, exact_hours(total)])
    sheet.footer(today)


# ---------------------------------------------------------------- the services


def _log(export: MonthExport, *, user: User | None, kind: str, rows: int) -> ExportLog:
    return ExportLog.objects.create(
        user=user, office=export.office, month=export.month, unmasked=export.unmasked, kind=kind, rows=rows
    )


def write_workbook(
    output,
    *,
    office: Office,
    month: datetime.date,
    user: User | None,
    unmasked: bool = False,
    today: datetime.date | None = None,
    progress: Progress | None = None,
) -> ExportLog:
    """Write the month's workbook to `output` (a path or a binary file) and log it.
    `progress(done, total)`, if given, hears how many data rows are written."""
    check_may_export(user, office, unmasked=unmasked)
    export = MonthExport(office=office, month=first_of_month(month), unmasked=unmasked)
    today = today or timezone.localdate()
    workbook = Workbook(write_only=True)
    # One snapshot for all four sheets, so their totals agree, without stopping scans and
    # postings for the minutes a large office's month takes.
    with consistent_read():
        counter = _Progress(progress, rows_to_write(export) if progress else 0)
        if progress:
            progress(0, counter.total)
        _summary(workbook, export, today, counter)
        rows = _detail(workbook, export, today, counter)
        _by_team(workbook, export, today, counter)
        _corrections(workbook, export, today, counter)
        for write_sheet in EXTRA_SHEETS:
            write_sheet(workbook, export, today)
    workbook.save(output)
    counter.finish()
    return _log(export, user=user, kind=ExportLog.Kind.XLSX, rows=rows)


def write_csv(output, *, office: Office, month: datetime.date, user: User | None, unmasked: bool = False) -> ExportLog:
    """The detail sheet as CSV, UTF-8 with a BOM (Excel opens it right), to a binary file."""
    check_may_export(user, office, unmasked=unmasked)
    export = MonthExport(office=office, month=first_of_month(month), unmasked=unmasked)
    output.write(codecs.BOM_UTF8)
    stream = codecs.getwriter("utf-8")(output)
    writer = csv.writer(stream)
    writer.writerow([label for label, _width in detail_columns()])
    rows = 0
    for row in detail_rows(export):
        id_number, phone = (as_csv_text(value) for value in row[2:4])
        writer.writerow(
            [f"{row[0]:%Y-%m-%d}", row[1], id_number, phone, *row[4:8], f"{exact_hours(row[8]):.2f}", *row[9:]]
        )
        rows += 1
    stream.flush()
    return _log(export, user=user, kind=ExportLog.Kind.CSV, rows=rows)


def as_csv_text(value) -> str:
    """A number Excel must keep as written (18-digit ID numbers, mobile numbers): a leading
    tab makes it text when the CSV is opened, instead of 4.10102E+17."""
    return f"\t{value}" if value else ""


def export_filename(office: Office, month: datetime.date, extension: str, *, unmasked: bool = False) -> str:
    """Masked and unmasked files never share a name: the full-number one says so."""
    return f"{office.name}-{month:%Y-%m}{'-full-numbers' if unmasked else ''}.{extension}"
