"""A street office's month total, dashboard and top lists at full size, against one read of the whole ledger.

    .venv/bin/python benchmarks/street.py [--volunteers 100000] [--records 1000000] [--rounds 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch .venv/bin/python benchmarks/street.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/street .venv/bin/python benchmarks/street.py --existing

Builds the street office of benchmarks/generate.py on a throw-away database
(benchmarks/_setup.py), or with --existing reads one generate.py already filled. Then
times, best of --rounds, the reads a street office's staff wait for:

- the month total (hours.dashboard.office_totals) of the last open month,
- the whole ledger side of the dashboard (hours.dashboard.office_month) and its shift
  figures (shifts.dashboard.shift_figures),
- the top lists (hours.recognition.top_list) of the open month, a closed month, the
  year and all time,
- one volunteer's totals (hours.ledger.totals).

The baseline, timed in the same run, is one sequential read of the whole ledger
(SELECT count(*), sum(minutes)): a ratio below 1 means the indexes keep the read from
touching every record. Target: each under 1 s at 100,000 volunteers and 1,000,000
records on PostgreSQL. Prints the plan (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY
PLAN on SQLite) of each read's slowest query.
"""

import argparse
import datetime
import json
import os
import sys
import time

PARSER = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
PARSER.add_argument("--volunteers", type=int, default=100_000)
PARSER.add_argument("--records", type=int, default=1_000_000)
PARSER.add_argument("--rounds", type=int, default=5)
PARSER.add_argument("--existing", action="store_true", help="read the database DATABASE_URL names, already generated")
PARSER.add_argument("--plans", default="", help="also write the plans to this file")
ARGS = PARSER.parse_args()

if ARGS.existing and not os.environ.get("DATABASE_URL"):
    sys.exit("--existing reads the database DATABASE_URL names")

from _setup import SCRATCH, report, throwaway_database  # noqa: E402 (sets up Django)
from django.db import connection  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from generate import STREET, build, settle  # noqa: E402

from hours import dashboard, ledger, recognition  # noqa: E402
from hours.models import MonthClose, ServiceRecord  # noqa: E402
from hours.months import first_of_month, next_month  # noqa: E402
from shifts.dashboard import shift_figures  # noqa: E402
from teams.models import Office  # noqa: E402
from teams.permissions import office_tree_ids  # noqa: E402
from volunteers.models import Volunteer  # noqa: E402

TARGET_SECONDS = 1.0


def best_of(rounds: int, work) -> float:
    work()  # warm: the first run reads the pages from disk into the cache
    times = []
    for _round in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def slowest_query(work) -> dict:
    with CaptureQueriesContext(connection) as captured:
        work()
    return max(captured.captured_queries, key=lambda query: float(query["time"]))


def plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def measure(rounds: int, size: str) -> None:
    street = Office.objects.get(name=STREET, kind=Office.Kind.STREET)
    tree = office_tree_ids(street)
    closes = sorted(MonthClose.objects.filter(office=street).values_list("month", flat=True))
    # The month after the last close: open, and whole (generate.py closes all but the last two).
    latest = first_of_month(ServiceRecord.objects.filter(office_id__in=tree).latest("service_date").service_date)
    open_month = min(next_month(closes[-1]), latest) if closes else latest
    closed_month = closes[-1] if closes else open_month
    busiest = (
        ServiceRecord.objects.values("volunteer_id").annotate(n=Count("pk")).order_by("-n").first()["volunteer_id"]
    )
    volunteer = Volunteer.objects.get(pk=busiest)
    today = open_month + datetime.timedelta(days=20)

    def top(kind: str, month: datetime.date):
        period = recognition.period_for(kind, f"{month:%Y-%m}", today=today)
        return lambda: recognition.top_list(office=street, tree_ids=tree, period=period)

    reads = {
        "month total (open month)": lambda: dashboard.office_totals(sorted(tree), open_month),
        "dashboard, ledger figures": lambda: dashboard.office_month(office=street, month=open_month),
        "dashboard, shift figures": lambda: shift_figures(office_ids=sorted(tree), month=open_month),
        "top list, open month": top(recognition.PERIOD_MONTH, open_month),
        "top list, closed month": top(recognition.PERIOD_MONTH, closed_month),
        "top list, year": top(recognition.PERIOD_YEAR, open_month),
        "top list, all time": top(recognition.PERIOD_ALL, open_month),
        "one volunteer's totals": lambda: ledger.totals(volunteer, today=today),
    }
    assert dashboard.office_totals(sorted(tree), open_month)[0] > 0, "the open month should hold records"
    assert len(
        recognition.top_list(office=street, tree_ids=tree, period=recognition.period_for("year", "", today)).rows
    )

    baseline = best_of(rounds, lambda: ServiceRecord.objects.aggregate(n=Count("pk"), total=Sum("minutes")))
    records = ServiceRecord.objects.count()
    print(f"{records:,} records, {Volunteer.objects.count():,} volunteers, {len(tree)} offices, on {connection.vendor}")
    print(f"open month {open_month:%Y-%m}, closed month {closed_month:%Y-%m}; best of {rounds}")
    print(f"{'':30} {'seconds':>9} {'÷ baseline':>11}  target < {TARGET_SECONDS:g} s")
    print(f"{'read the whole ledger (baseline)':30} {baseline:9.3f}")
    report("street", "read the whole ledger (baseline)", baseline, baseline, size, unit="s")
    plans = []
    for label, work in reads.items():
        seconds = best_of(rounds, work)
        verdict = "met" if seconds < TARGET_SECONDS else "NOT met"
        print(f"{label:30} {seconds:9.3f} {seconds / baseline:10.2f}×  {verdict}")
        report("street", label, seconds, baseline, size, unit="s", target=f"< {TARGET_SECONDS:g} s", verdict=verdict)
        query = slowest_query(work)
        plans.append((label, float(query["time"]), query["sql"], plan_of(query["sql"])))
    text = []
    for label, seconds, sql, plan in plans:
        text.append(
            f"### {label}: slowest query ({seconds:.3f} s when captured)\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```\n"
        )
    print("\n".join(text))
    if ARGS.plans:
        with open(ARGS.plans, "w", encoding="utf-8") as out:
            out.write(json.dumps({"vendor": connection.vendor, "size": size, "plans": text}))


def main() -> None:
    size = f"{ARGS.volunteers:,} volunteers, {ARGS.records:,} records"
    if ARGS.existing:
        size = f"{Volunteer.objects.count():,} volunteers, {ServiceRecord.objects.count():,} records"
        measure(ARGS.rounds, size)
        SCRATCH.rmdir()  # made by _setup; unused without a throw-away database
        return
    with throwaway_database():
        started = time.perf_counter()
        build(volunteers=ARGS.volunteers, records=ARGS.records)
        print(f"generated in {time.perf_counter() - started:.0f} s")
        settle()
        measure(ARGS.rounds, size)


if __name__ == "__main__":
    main()
