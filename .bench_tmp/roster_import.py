"""Roster import speed, as ratios against openpyxl merely reading the same file.

    .venv/bin/python benchmarks/roster_import.py [rows]

Runs on a throw-away SQLite database. Prints: the baseline (openpyxl read-only,
values only), checking the roster (read_roster: parse, validate, look up who is
registered) and writing it (import_roster), each with its ratio to the baseline.
"""

import io
import os
import sys
import time

os.environ["BENCH_SQLITE_ONLY"] = "1"  # measured against openpyxl on the same machine, not a server

import openpyxl
from _setup import report, throwaway_database

from teams.models import Office, Team, TeamKind
from volunteers.identity import check_char
from volunteers.roster import COLUMNS, read_roster
from volunteers.services import import_roster


def roster_file(rows: int) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([chinese for chinese, _english in COLUMNS.values()])
    for number in range(rows):
        first17 = f"4101{number // 1000:02d}19600501{number % 1000:03d}"
        sheet.append(
            [
                f"志愿者{number}",
                f"139{number:08d}",
                "身份证",
                first17 + check_char(first17),
                "",
                "",
                "第一网格",
                "否",
                "理发",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main(rows: int) -> None:
    street = Office.objects.create(name="街道", kind=Office.Kind.STREET)
    team = Team.objects.create(
        office=Office.objects.create(name="社区", kind=Office.Kind.COMMUNITY, parent=street),
        name="银龄",
        code="bench",
        kind=TeamKind.objects.first(),
    )
    data = roster_file(rows)

    def baseline():
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for _row in workbook.worksheets[0].iter_rows(values_only=True):
            pass
        workbook.close()

    base = best_of(3, baseline)
    check = best_of(3, lambda: read_roster(data))
    roster = read_roster(data)
    assert roster.ok, roster.errors[:3]
    write = best_of(1, lambda: import_roster(team=team, roster=roster, by=None))
    print(f"rows: {rows}")
    print(f"baseline  openpyxl read      {base * 1000:8.0f} ms   1.00x")
    print(f"check     read_roster        {check * 1000:8.0f} ms   {check / base:5.2f}x")
    print(f"write     import_roster      {write * 1000:8.0f} ms   {write / base:5.2f}x")
    size = f"{rows:,} roster rows"
    report("roster_import", "check (read_roster), baseline openpyxl read", check, base, size, unit="s")
    report("roster_import", "write (import_roster), baseline openpyxl read", write, base, size, unit="s")


if __name__ == "__main__":
    with throwaway_database():
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
