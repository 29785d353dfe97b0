"""Monthly workbook speed and memory, as a ratio against raw openpyxl writing the same rows.

    .venv/bin/python benchmarks/export.py [records] [--rounds N]   (default 200000 records, 3 rounds)

Runs on a throw-away SQLite database: one street office, two communities, ten teams,
2,000 volunteers and a month of records (bulk_create). The baseline is raw openpyxl
write-only writing the detail rows, already in a Python list, dates and hours as plain
values, no database; the export reads the records from the database and writes all four
sheets with their formatting. Both write a file in the same directory.

The two alternate, round after round, in this one process; the best round of each
counts. CPU time is the verdict: on a shared machine wall time also counts the time spent
waiting for a core, so it is printed beside it but swings from round to round.
Memory is measured in a fresh process that runs one export (so the baseline's rows do
not count): the peak traced by tracemalloc and the process's maximum resident set.
Targets: at most 1.5× the baseline, peak memory under 200 MB.
"""

import argparse
import datetime
import gc
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("records", nargs="?", type=int, default=200_000)
parser.add_argument("--rounds", type=int, default=3)
# The memory child: export once from the database the parent generated, then report.
parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
ARGS = parser.parse_args()
# The memory child reads the parent's SQLite file, so both stay on SQLite.
os.environ["BENCH_SQLITE_ONLY"] = "1"

import openpyxl  # noqa: E402
from _setup import SCRATCH, report, throwaway_database  # noqa: E402 (sets up Django)
from django.db.models import Sum  # noqa: E402

from accounts.models import User  # noqa: E402
from common.progress import TerminalProgress  # noqa: E402
from hours import exports  # noqa: E402
from hours.models import ServiceRecord  # noqa: E402
from hours.units import exact_hours  # noqa: E402
from teams.models import Office, Team, TeamKind  # noqa: E402
from volunteers.identity import check_char  # noqa: E402
from volunteers.models import Volunteer  # noqa: E402

MONTH = datetime.date(2027, 3, 1)
VOLUNTEERS = 2000
STREET = "街道"
TRACED_PEAK = "traced peak MB"
MAX_RSS = "max RSS MB"
MB = 2**20


def populate(records: int) -> Office:
    street = Office.objects.create(name=STREET, kind=Office.Kind.STREET)
    kind = TeamKind.objects.first() or TeamKind.objects.create(name="银龄")
    teams = []
    for number in range(2):
        community = Office.objects.create(name=f"社区{number}", kind=Office.Kind.COMMUNITY, parent=street)
        teams += [
            Team.objects.create(office=community, name=f"服务队{number}-{t}", code=f"bench-{number}-{t}", kind=kind)
            for t in range(5)
        ]
    users = User.objects.bulk_create([User(phone=f"+86139{n:08d}", phone_verified=True) for n in range(VOLUNTEERS)])
    volunteers = []
    for n, user in enumerate(users):
        first17 = f"4101{n // 1000:02d}19600501{n % 1000:03d}"
        volunteers.append(Volunteer(user=user, real_name=f"志愿者{n}", id_number=first17 + check_char(first17)))
    volunteers = Volunteer.objects.bulk_create(volunteers)
    with TerminalProgress(sys.stdout, "generating records", language="en") as progress:
        write_records(records, teams, volunteers, progress)
    return street


def write_records(records: int, teams: list[Team], volunteers: list[Volunteer], progress) -> None:
    batch = []
    for n in range(records):
        team = teams[n % len(teams)]
        batch.append(
            ServiceRecord(
                volunteer=volunteers[n % VOLUNTEERS],
                office_id=team.office_id,
                team=team,
                service_date=MONTH + datetime.timedelta(days=n % 31),
                activity="独居老人探访",
                place="阳光社区服务中心",
                content="陪伴聊天、打扫卫生",
                responsible_person="王主任",
                minutes=30 + n % 150,
                kind=ServiceRecord.Kind.ATTENDANCE,
                source_key=f"bench:{n}",
                reported_month=MONTH,
            )
        )
        if len(batch) == 5000:
            ServiceRecord.objects.bulk_create(batch)
            batch = []
            progress(n + 1, records)
    ServiceRecord.objects.bulk_create(batch)
    progress(records, records)


def baseline(rows: list[tuple], output: Path) -> None:
    """Raw openpyxl write-only: the same detail rows, dates and hours as plain values."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("明细")
    for row in rows:
        sheet.append(row)
    workbook.save(output)


def export(street: Office, output: Path) -> None:
    exports.write_workbook(str(output), office=street, month=MONTH, user=None)


def clocked(work) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of `work()`, from a collected heap."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def memory_child() -> None:
    """Runs in the fresh process: one export under tracemalloc, then both peaks."""
    street = Office.objects.get(name=STREET)
    tracemalloc.start()
    export(street, SCRATCH / "memory.xlsx")
    print(f"{TRACED_PEAK}: {tracemalloc.get_traced_memory()[1] / MB}")
    # VmHWM is this process's own peak. getrusage's ru_maxrss would not do: Linux carries
    # the parent's high-water mark over the fork into the child.
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    print(f"{MAX_RSS}: {int(status['VmHWM'].split()[0]) / 1024}")


def measure_memory() -> tuple[float, float]:
    """(traced peak, max RSS) in MB of a fresh process exporting once."""
    command = [sys.executable, __file__, "--memory"]
    environment = {**os.environ, "BENCH_SCRATCH": str(SCRATCH)}
    child = subprocess.run(command, check=True, capture_output=True, text=True, env=environment)  # noqa: S603 - our own interpreter and script
    figures = dict(line.split(":") for line in child.stdout.splitlines() if line.startswith((TRACED_PEAK, MAX_RSS)))
    return float(figures[TRACED_PEAK]), float(figures[MAX_RSS])


def check_workbook(path: Path) -> None:
    """Four sheets, and the summary's and per-team totals equal the ledger's sum (the detail
    sheet's is checked by the tests; reading 200,000 rows back here would take longer than
    the export)."""
    expected = ServiceRecord.objects.aggregate(total=Sum("minutes"))["total"]
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        for sheet, column in ((book.worksheets[0], 3), (book.worksheets[2], 4)):
            total = next(row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] in ("合计", "Total"))
            assert round(total[column] * 60) == expected, (sheet.title, total, expected)
        print(f"sheets: {', '.join(book.sheetnames)}; totals = ledger; file {path.stat().st_size / MB:.1f} MB")
    finally:
        book.close()


def rate(records: int, seconds: float) -> str:
    return f"{seconds:6.1f} s {records / seconds:8,.0f} records/s"


def main(records: int, rounds: int) -> None:
    start = time.perf_counter()
    street = populate(records)
    print(f"{records:,} records, {VOLUNTEERS:,} volunteers: generated in {time.perf_counter() - start:.1f} s")
    month = exports.MonthExport(office=street, month=MONTH)
    rows = [(row[0], *row[1:8], exact_hours(row[8]), *row[9:]) for row in exports.detail_rows(month)]
    assert len(rows) == records

    raw_output, our_output = SCRATCH / "baseline.xlsx", SCRATCH / "export.xlsx"
    raw, ours = [], []
    print("round   raw openpyxl, detail rows (cpu / wall)    export, four sheets (cpu / wall)")
    for number in range(1, rounds + 1):
        raw.append(clocked(lambda: baseline(rows, raw_output)))
        ours.append(clocked(lambda: export(street, our_output)))
        print(
            f"{number:5}   cpu {raw[-1][0]:5.1f} s / wall {raw[-1][1]:5.1f} s"
            f"           cpu {ours[-1][0]:5.1f} s / wall {ours[-1][1]:5.1f} s"
            f"   ratio cpu {ours[-1][0] / raw[-1][0]:.2f}× wall {ours[-1][1] / raw[-1][1]:.2f}×",
            flush=True,
        )
    rows.clear()
    raw_cpu, raw_wall = min(cpu for cpu, _wall in raw), min(wall for _cpu, wall in raw)
    our_cpu, our_wall = min(cpu for cpu, _wall in ours), min(wall for _cpu, wall in ours)
    ratio = our_cpu / raw_cpu
    print(f"best of {rounds}, CPU time:")
    print(f"  raw openpyxl write-only, detail rows only {rate(records, raw_cpu)}")
    print(f"  export, four sheets                       {rate(records, our_cpu)}")
    verdict = "met" if ratio <= 1.5 else "NOT met"
    print(f"  ratio {ratio:.2f}× raw (target ≤ 1.5×: {verdict})")
    size = f"{records:,} records, {VOLUNTEERS:,} volunteers"
    label = "workbook, CPU s (baseline: raw openpyxl write-only, detail rows)"
    report("export", label, our_cpu, raw_cpu, size, unit="s", target="≤ 1.5×", verdict=verdict)
    print(f"best of {rounds}, wall time: {our_wall:.1f} s / {raw_wall:.1f} s = {our_wall / raw_wall:.2f}×")
    check_workbook(our_output)

    traced, max_rss = measure_memory()
    verdict = "met" if max(traced, max_rss) < 200 else "NOT met"
    print(f"one export in a fresh process: peak traced memory {traced:.0f} MB, max RSS {max_rss:.0f} MB", end="")
    print(f" (the interpreter, Django and tracemalloc's own records included; target < 200 MB: {verdict})")
    report("export", "one export: peak traced memory", traced, 200, size, unit="MB", target="< 200 MB", verdict=verdict)
    report("export", "one export: max RSS", max_rss, 200, size, unit="MB", target="< 200 MB", verdict=verdict)


if __name__ == "__main__":
    if ARGS.memory:
        memory_child()
    else:
        with throwaway_database():
            main(ARGS.records, ARGS.rounds)
