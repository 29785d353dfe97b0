"""The printed sign-in sheet (签到表) a leader takes to a shift: one A4 page per ~20 people."""

import io

import openpyxl
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from common.spreadsheets import inert
from shifts.models import Shift
from shifts.selectors import sign_in_list, team_leader_names

# A font every Chinese Excel and WPS has; LibreOffice substitutes a CJK one.
FONT_NAME = "宋体"
# Widths in characters: a CJK character counts about two. Together they fill an A4 portrait page.
COLUMN_WIDTHS = (6, 16, 15, 13, 13, 24)
WALK_IN_ROWS = 5
ROW_HEIGHT = 30  # points, about 1 cm: room for a signature
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def sign_in_sheet(shift: Shift, *, leaders: list[str] | None = None) -> bytes:
    """An .xlsx sign-in sheet for the confirmed people of `shift`, with empty rows for walk-ins.

    `leaders` names the people responsible; by default the team's leaders.
    """
    if leaders is None:
        leaders = team_leader_names(shift.team)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Sign-in sheet")[:31]
    columns = len(COLUMN_WIDTHS)

    title_lines = _title_lines(shift, leaders)
    for number, (text, size) in enumerate(title_lines, start=1):
        cell = sheet.cell(row=number, column=1, value=inert(text))
        cell.font = Font(name=FONT_NAME, size=size, bold=number == 1)
        cell.alignment = Alignment(horizontal="center" if number == 1 else "left", vertical="center")
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=columns)
        sheet.row_dimensions[number].height = 28 if number == 1 else 20

    header_row = len(title_lines) + 1
    headers = [
        pgettext("sign-in sheet column", "No."),
        pgettext("sign-in sheet column", "Name"),
        pgettext("sign-in sheet column", "Mobile"),
        pgettext("sign-in sheet column", "Signed in at"),
        pgettext("sign-in sheet column", "Signed out at"),
        pgettext("sign-in sheet column", "Signature"),
    ]
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=header_row, column=column, value=text)
        cell.font = Font(name=FONT_NAME, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    sheet.row_dimensions[header_row].height = 24

    people = [(signup.volunteer.real_name, signup.volunteer.user.masked_phone) for signup in sign_in_list(shift)]
    people += [("", "")] * WALK_IN_ROWS
    for index, (name, phone) in enumerate(people, start=1):
        row = header_row + index
        values = [index, inert(name), inert(phone), None, None, None]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.font = Font(name=FONT_NAME, size=12)
            cell.alignment = Alignment(horizontal="left" if column == 2 else "center", vertical="center")
            cell.border = BOX
        sheet.row_dimensions[row].height = ROW_HEIGHT

    for column, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    _set_up_page(sheet, header_row, last_row=header_row + len(people))

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title_lines(shift: Shift, leaders: list[str]) -> list[tuple[str, int]]:
    """(text, font size) of the rows above the table."""
    tz = timezone.get_default_timezone()  # Asia/Shanghai: the time printed is the time on the wall
    starts, ends = timezone.localtime(shift.starts_at, tz), timezone.localtime(shift.ends_at, tz)
    date_format = pgettext("sign-in sheet date format", "l, F j, Y")
    when = f"{dateformat.format(starts, date_format)} {starts:%H:%M}–"
    when += f"{ends:%H:%M}" if ends.date() == starts.date() else f"{dateformat.format(ends, date_format)} {ends:%H:%M}"
    if shift.has_break:
        when += " " + shift.break_note()
    lines = [
        (_("%(title)s · sign-in sheet") % {"title": shift.title}, 16),
        (_("Team: %(team)s") % {"team": shift.team.name}, 12),
        (_("Time: %(time)s") % {"time": when}, 12),
        (_("Place: %(place)s") % {"place": shift.place}, 12),
        (_("Responsible: %(names)s") % {"names": "、".join(leaders)}, 12),
    ]
    if shift.is_cancelled:
        lines.insert(1, (_("This shift has been cancelled."), 12))
    return lines


def _set_up_page(sheet: Worksheet, header_row: int, last_row: int) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    # Fit the columns to the page width; as many pages long as the list needs.
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_title_rows = f"1:{header_row}"
    sheet.print_area = f"A1:{get_column_letter(len(COLUMN_WIDTHS))}{last_row}"
    sheet.oddFooter.center.text = _("Page &P of &N")
