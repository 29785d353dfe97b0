"""Small .xlsx files built in memory for the roster import tests."""

import io
from collections.abc import Sequence

import openpyxl

CHINESE_HEADER = ["姓名", "手机号", "证件类型", "证件号码", "性别", "出生日期", "所在网格", "是否党员", "技能特长"]
ENGLISH_HEADER = ["Name", "Mobile", "ID type", "ID number", "Gender", "Birth date", "Grid", "Party member", "Skills"]


def workbook_bytes(header: list | None, rows: Sequence[list] = ()) -> bytes:
    """One sheet: `header` on row 1 (None for an empty sheet), then `rows`."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_bytes(people: list[dict], header: list = CHINESE_HEADER) -> bytes:
    """People as {header name: value}; a column missing from a person is left blank."""
    return workbook_bytes(header, [[person.get(name) for name in header] for person in people])


def read_sheet(data: bytes) -> list[tuple]:
    """Every row of the first sheet, as values."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    try:
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
