"""The pages issue 16 compares with ephios, on its data shape at 1× and 2×, as costs against a trivial Django view.

    .venv/bin/python benchmarks/ephios.py [--sizes 1,2] [--rounds 15] [--batch 10]
    .venv/bin/python benchmarks/ephios.py --rounds 5 --batch 4   (QUICK)

For each size, in a process and a throw-away database of its own (benchmarks/_setup.py),
builds ephios's shape with bulk_create (benchmarks/_shape.py): at 1× 2,000 users,
2,000 shifts, 60,000 sign-ups and 5,000 service records; at 2× 4,000 users, 4,000 shifts,
120,000 sign-ups and 50,000 records (the issue's two ledger sizes), records spread over
the last year, every month but the last two closed.

In-process, like benchmarks/shifts.py: every request goes through django.test.Client
and the full middleware stack, logged in with force_login. In each round, for each page,
a batch of requests to a trivial view (an HttpResponse mounted at bench/trivial/) is
timed right before a batch of the page's, and the round's ratio is page time ÷ trivial
time; the figure is the median over the rounds, so that the machine's other load, which
comes and goes, weighs on both sides alike. Targets from issue 16 (at both sizes):

- home (a volunteer in three teams) ≤ 2.6×,
- the leader's shift page with 90 people on it ≤ 33×,
- the sign-up POST (each request a different volunteer and shift, so it writes) ≤ 4.6×,
- "my hours" (the same volunteer) ≤ 2.5×;

and, figures only, the office dashboard and the last complete month's CSV export of the
street office, as its staff member. Takes about five minutes on SQLite.
"""

import argparse
import statistics
import subprocess
import sys
import time

PARSER = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
PARSER.add_argument("--sizes", default="1,2", help="multiples of ephios's shape, comma-separated")
PARSER.add_argument("--rounds", type=int, default=15)
PARSER.add_argument("--batch", type=int, default=10, help="requests of each page in a round")
PARSER.add_argument("--size", type=int, help="one size, in this process (the runs of --sizes do this)")
ARGS = PARSER.parse_args()
RECORDS = {1: 5_000, 2: 50_000}  # the ledger sizes: 5,000 at 1×, 50,000 at 2×

if ARGS.size is None:
    code = 0
    for size in ARGS.sizes.split(","):
        command = [sys.executable, __file__, "--size", size, "--rounds", str(ARGS.rounds), "--batch", str(ARGS.batch)]
        code = code or subprocess.call(command)  # noqa: S603 - this very script
    sys.exit(code)

import random  # noqa: E402
import types  # noqa: E402

from _setup import report, throwaway_database  # noqa: E402 (sets up Django)
from _shape import build, logged_in  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402
from generate import settle  # noqa: E402

from hours.models import ServiceRecord  # noqa: E402
from hours.months import first_of_month, previous_month  # noqa: E402
from shifts.models import Shift, Signup  # noqa: E402
from volunteers.models import Volunteer  # noqa: E402

TARGETS = {"home": 2.6, "shift page": 33, "sign-up": 4.6, "my hours": 2.5}


def trivial(request):
    return HttpResponse("ok")


urls = types.ModuleType("bench_urls")
urls.urlpatterns = [path("bench/trivial/", trivial), path("", include("config.urls"))]
sys.modules["bench_urls"] = urls


def expect(response, status: int):
    assert response.status_code == status, (response.status_code, response.get("Location"))
    return response


def timed(count: int, work) -> float:
    """Seconds per call over `count` calls of work()."""
    started = time.perf_counter()
    for _n in range(count):
        work()
    return (time.perf_counter() - started) / count


def main(size: int) -> None:
    started = time.perf_counter()
    with throwaway_database():
        users = 2000 * size
        data = build(random.Random(2026), users, users, 30 * users, roster=90, records=RECORDS[size])
        settle()
        label = (
            f"{Volunteer.objects.count():,} users, {Shift.objects.count():,} shifts, "
            f"{Signup.objects.count():,} sign-ups, {ServiceRecord.objects.count():,} records ({size}×)"
        )
        print(f"{label}; built in {time.perf_counter() - started:.0f} s on {connection.vendor}", flush=True)
        with override_settings(ROOT_URLCONF="bench_urls", ALLOWED_HOSTS=["testserver"]):
            measure(data, label)
    print(f"total {time.perf_counter() - started:.0f} s")


def measure(data: dict, label: str) -> None:
    member, leader, staff = logged_in(data["member"]), logged_in(data["leader"]), logged_in(data["staff"])
    month = previous_month(first_of_month(data["roster_shift"].starts_at.date()))
    in_month = ServiceRecord.objects.filter(office__parent=data["street"], reported_month=month).count()
    own = ServiceRecord.objects.filter(volunteer__user=data["member"]).count()
    csv_url = reverse("hours:export_csv", args=[data["street"].pk, f"{month:%Y-%m}"])
    roster_url = reverse("shifts:detail", args=[data["roster_shift"].pk])
    home_url, hours_url, dashboard_url = (
        reverse("volunteers:home"),
        reverse("hours:my_hours"),
        reverse("hours:dashboard"),
    )
    pairs = iter(data["pairs"])
    clients = {}  # each sign-up's volunteer logged in before the rounds, outside the timing

    def sign_up():
        volunteer_, shift = next(pairs)
        expect(clients.pop(volunteer_.pk).post(f"/shifts/{shift.pk}/signup/"), 302)

    pages = {
        "home": (
            "home (volunteer in 3 teams), ms/request",
            lambda: expect(member.get(home_url), 200),
        ),
        "shift page": ("leader's shift page, 90 people, ms/request", lambda: expect(leader.get(roster_url), 200)),
        "sign-up": ("POST sign-up (writes), ms/request", sign_up),
        "my hours": (
            f"my hours ({own} records), ms/request",
            lambda: expect(member.get(hours_url), 200),
        ),
        "dashboard": (
            f"office dashboard (street, {ServiceRecord.objects.count():,} records), ms/request",
            lambda: expect(staff.get(dashboard_url), 200),
        ),
        "csv": (
            f"monthly CSV export (street, {month:%Y-%m}: {in_month:,} records), ms/request",
            lambda: b"".join(expect(staff.get(csv_url), 200).streaming_content),
        ),
    }
    assert leader.get(roster_url).content.count(b"<tr") > 90, "the leader should see 90 people"
    needed = (ARGS.rounds + 2) * ARGS.batch
    assert len(data["pairs"]) >= needed, f"{len(data['pairs'])} sign-up pairs, {needed} needed"
    for volunteer_, _shift in data["pairs"][:needed]:
        clients[volunteer_.pk] = logged_in(volunteer_.user)
    base = lambda: expect(member.get("/bench/trivial/"), 200)  # noqa: E731
    queries = {}
    for key, (_label, work) in pages.items():
        work()  # warm: the first request fills caches
        with CaptureQueriesContext(connection) as captured:
            work()
        queries[key] = len(captured)
    ratios = {key: [] for key in pages}
    times = {key: [] for key in pages}
    trivial_times = []
    for _round in range(ARGS.rounds):
        for key, (_label, work) in pages.items():
            trivial_time = timed(ARGS.batch, base)
            page_time = timed(ARGS.batch, work)
            trivial_times.append(trivial_time)
            times[key].append(page_time)
            ratios[key].append(page_time / trivial_time)
    trivial_ms = statistics.median(trivial_times) * 1000
    print(f"{ARGS.rounds} rounds of {ARGS.batch} requests; trivial view {trivial_ms:.2f} ms (median)")
    print(f"{'':62} {'ms':>7} {'ratio':>7} {'target':>7} {'queries':>8}")
    for key, (name, _work) in pages.items():
        ratio = statistics.median(ratios[key])
        page_ms = statistics.median(times[key]) * 1000
        target = TARGETS.get(key)
        verdict = "" if target is None else "met" if ratio <= target else "NOT met"
        shown = f"≤ {target:g}×" if target else ""
        shown_name = name.removesuffix(", ms/request")
        print(f"{shown_name:62} {page_ms:7.1f} {ratio:6.2f}× {shown:>7} {queries[key]:8d} {verdict}")
        report(
            "ephios",
            f"{name} ({queries[key]} queries)",
            page_ms,
            trivial_ms,
            label,
            unit="ms",
            ratio=ratio,
            target=shown,
            verdict=verdict,
        )


main(ARGS.size)
