"""Monthly workbook speed and memory, as a ratio against raw openpyxl writing the same rows.

    .venv/bin/python benchmarks/export.py [records]   (default 200000)

Runs on a throw-away SQLite database: one street office, two communities, a month of
records (bulk_create). The baseline writes the detail rows, already in a Python list, with
openpyxl's write-only mode and no database; the export reads them from the database and
writes all four sheets. Targets: at most 1.5× the baseline, peak memory under 200 MB.
"""

import datetime
import io
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DIRECTORY = Path(tempfile.mkdtemp())
os.environ["DATABASE_URL"] = f"sqlite:///{DIRECTORY / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402

from accounts.models import User  # noqa: E402
from teams.models import Office, Team, TeamKind  # noqa: E402
from volunteers import exports  # noqa: E402
from volunteers.identity import check_char  # noqa: E402
from volunteers.models import ServiceRecord, Volunteer  # noqa: E402

MONTH = datetime.date(2027, 3, 1)
VOLUNTEERS = 2000


def populate(records: int) -> Office:
    call_command("migrate", verbosity=0)
    street = Office.objects.create(name="街道", kind=Office.Kind.STREET)
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
    ServiceRecord.objects.bulk_create(batch)
    return street


def baseline(rows: list[tuple]) -> None:
    """Raw openpyxl write-only: the same detail rows, dates and hours as plain values."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("明细")
    for row in rows:
        sheet.append(row)
    workbook.save(io.BytesIO())


def measure(work) -> tuple[float, float]:
    """Seconds, and peak traced memory in MB."""
    tracemalloc.start()
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return elapsed, peak


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main(records: int) -> None:
    start = time.perf_counter()
    street = populate(records)
    print(f"{records} records, {VOLUNTEERS} volunteers: generated in {time.perf_counter() - start:.1f} s")
    export = exports.MonthExport(office=street, month=MONTH)
    rows = [(row[0], *row[1:8], row[8] / 60, *row[9:]) for row in exports.detail_rows(export)]
    assert len(rows) == records

    raw = timed(lambda: baseline(rows))
    output = DIRECTORY / "export.xlsx"
    ours = timed(lambda: exports.write_workbook(str(output), office=street, month=MONTH, user=None))
    print(f"raw openpyxl write-only, detail rows only: {raw:.1f} s")
    print(f"export_hours, four sheets:                {ours:.1f} s  ({ours / raw:.2f}× raw; target ≤ 1.5×)")
    rows.clear()

    _elapsed, peak = measure(lambda: exports.write_workbook(str(output), office=street, month=MONTH, user=None))
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak traced memory of one export: {peak:.0f} MB (target < 200 MB); process max RSS {max_rss:.0f} MB")
    book = openpyxl.load_workbook(output, read_only=True)
    print(f"sheets: {', '.join(book.sheetnames)}; file {output.stat().st_size / 2**20:.1f} MB")
    book.close()


if __name__ == "__main__":
    try:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
    finally:
        shutil.rmtree(DIRECTORY, ignore_errors=True)
