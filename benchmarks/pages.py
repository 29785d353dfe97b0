"""Every page at 1× and 10× data: SQL queries per request, and requests/s under gunicorn against a trivial view.

    .venv/bin/python benchmarks/pages.py [--scales 1,10] [--requests 200] [--seconds 10] [--threads 8] [--workers 4]
    .venv/bin/python benchmarks/pages.py --scales 0.1,1 --requests 20 --seconds 2 --threads 4 --workers 2   (QUICK)

For each scale, in a process and a throw-away database of its own (benchmarks/_setup.py:
SQLite by default, or next to DATABASE_URL's), builds ephios's shape times the scale with
bulk_create (benchmarks/_shape.py): at 1× 2,000 users in 50 teams, 2,000 shifts, 60,000
sign-ups and 50,000 ledger records over the last year, every month but the last two
closed. Ten times the data is ten times the teams, shifts and records; the people measured
keep the same share of it:

- a volunteer in three teams, with a year of records: home, the shift list, my shifts,
  my hours;
- the leader of a team with a shift of 90 people under way: the shift page and its
  attendance sheet;
- a staff member of the street office (which holds all the data): the dashboard, the top
  lists, the team's member list (the staff's list of volunteers) and the exports page.

Each page is first requested in-process (django.test.Client, logged in) to check it
answers 200 and to count its SQL queries, which must be the same at every scale: the
smallest scale's counts are handed to the next, which reports any page that differs.
Then gunicorn (sync workers) serves the database on 127.0.0.1 and client threads send a
fixed number of GETs (so the run stops by itself) with the logged-in session cookie:
one on each thread to warm the workers, which also sets the page's count (--requests,
or fewer for a slow page: about --seconds' worth at the warm-up's rate), then twice
--requests to a trivial view (an HttpResponse behind the full middleware stack, same
cookie) as the page's baseline, then the page's. Target: pages/s ÷ trivial/s ≥ 0.3 at
each scale. Takes about a quarter of an hour at 1× and 10× on SQLite on 2 busy cores (the
10× build four to seven minutes of it), about two at QUICK size.
"""

import argparse
import json
import subprocess
import sys
import time

PARSER = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
PARSER.add_argument("--scales", default="1,10", help="data sizes as multiples of ephios's, comma-separated")
PARSER.add_argument("--requests", type=int, default=200, help="GETs of a page at most (twice as many trivial)")
PARSER.add_argument("--seconds", type=float, default=10, help="fewer GETs of a slow page: about this long's worth")
PARSER.add_argument("--threads", type=int, default=8)
PARSER.add_argument("--workers", type=int, default=4)
PARSER.add_argument("--scale", type=float, help="one scale, in this process (the runs of --scales do this)")
PARSER.add_argument("--compare", default="", help="queries per page at a smaller scale, as JSON, to compare with")
ARGS = PARSER.parse_args()
TARGET = 0.3


def each_scale() -> int:
    """Runs a process per scale, smallest first, handing each the first one's query counts."""
    first: dict | None = None
    code = 0
    for scale in sorted(float(text) for text in ARGS.scales.split(",")):
        command = [sys.executable, __file__, "--scale", f"{scale:g}", "--requests", str(ARGS.requests)]
        command += ["--seconds", f"{ARGS.seconds:g}", "--threads", str(ARGS.threads), "--workers", str(ARGS.workers)]
        if first is not None:
            command += ["--compare", json.dumps(first)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603 - this very script
        for line in process.stdout:
            if line.startswith("COUNTS "):
                first = first or json.loads(line[len("COUNTS ") :])
            else:
                sys.stdout.write(line)
                sys.stdout.flush()
        code = code or process.wait()
    return code


if ARGS.scale is None:
    sys.exit(each_scale())

import random  # noqa: E402

from _setup import report, throwaway_database  # noqa: E402 (sets up Django)
from _shape import build  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from generate import settle  # noqa: E402
from scan import free_port, request, run, start_gunicorn  # noqa: E402

from hours.models import ServiceRecord  # noqa: E402
from shifts.models import Shift, Signup  # noqa: E402
from volunteers.models import Volunteer  # noqa: E402


def pages(data: dict) -> dict[str, tuple[str, str]]:
    """Each page: (who asks, its address)."""
    roster_shift, street = data["roster_shift"].pk, data["street"].pk
    return {
        "home": ("volunteer", reverse("volunteers:home")),
        "shift list": ("volunteer", reverse("shifts:list")),
        "my shifts": ("volunteer", reverse("shifts:mine")),
        "my hours": ("volunteer", reverse("hours:my_hours")),
        "leader's shift page (90 people)": ("leader", reverse("shifts:detail", args=[roster_shift])),
        "attendance sheet (90 people)": ("leader", reverse("shifts:attendance", args=[roster_shift])),
        "office dashboard": ("staff", reverse("hours:dashboard")),
        "top lists": ("staff", reverse("hours:recognition", args=[street])),
        "staff volunteer list (team members)": ("staff", reverse("teams:detail", args=[data["team"].pk])),
        "exports page": ("staff", reverse("hours:exports")),
    }


def checked(clients: dict[str, Client], addresses: dict) -> tuple[dict[str, int], dict[str, str]]:
    """Queries per request of each page answering 200 (its second request: the first fills
    caches), and the others' errors."""
    counts, errors = {}, {}
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for name, (who, address) in addresses.items():
            response = clients[who].get(address)
            if response.status_code != 200:
                errors[name] = f"HTTP {response.status_code}"
                continue
            if "90 people" in name:
                assert response.content.count(b"<tr") > 90, f"{name}: the leader should see 90 people"
            with CaptureQueriesContext(connection) as captured:
                clients[who].get(address)
            counts[name] = len(captured)
    return counts, errors


def rate(port: int, threads: int, count: int, address: str, cookie: str) -> float:
    """GETs per second, `count` of them on `threads` threads."""

    def job():
        status, _body = request(port, "GET", address, cookie)
        return None if status == 200 else f"{address}: HTTP {status}"

    return count / run(threads, [job] * count)


def main(scale: float) -> int:
    started = time.perf_counter()
    users, records = round(2000 * scale), round(50000 * scale)
    with throwaway_database():
        data = build(random.Random(2026), users, users, 30 * users, roster=90, records=records)
        settle()
        size = (
            f"{Volunteer.objects.count():,} volunteers, {Shift.objects.count():,} shifts, "
            f"{Signup.objects.count():,} sign-ups, {ServiceRecord.objects.count():,} records ({scale:g}×)"
        )
        print(f"{size}; built in {time.perf_counter() - started:.0f} s on {connection.vendor}", flush=True)
        addresses = pages(data)
        clients = {}
        for who in ("volunteer", "leader", "staff"):
            clients[who] = Client()
            clients[who].force_login(data["member" if who == "volunteer" else who])
        counts, errors = checked(clients, addresses)
        connection.close()
        cookies = {
            who: f"{settings.SESSION_COOKIE_NAME}={c.cookies[settings.SESSION_COOKIE_NAME].value}"
            for who, c in clients.items()
        }
        port = free_port()
        process = start_gunicorn(port, ARGS.workers)
        try:
            rates = {}
            for name, (who, address) in addresses.items():
                if name in errors:
                    continue
                # A request on each thread warms the workers and tells how many GETs take --seconds.
                warm = rate(port, ARGS.threads, ARGS.threads, address, cookies[who])
                count = max(ARGS.threads * 2, min(ARGS.requests, round(warm * ARGS.seconds)))
                trivial = rate(port, ARGS.threads, ARGS.requests * 2, "/bench/trivial/", cookies[who])
                rates[name] = (rate(port, ARGS.threads, count, address, cookies[who]), trivial, count)
        finally:
            process.terminate()
            process.wait(timeout=30)
    compare = json.loads(ARGS.compare) if ARGS.compare else None
    print(
        f"gunicorn {ARGS.workers} sync workers, {ARGS.threads} client threads, {ARGS.requests * 2} trivial GETs a page"
    )
    print(f"{'':38} {'GETs':>5} {'pages/s':>8} {'trivial/s':>9} {'ratio':>6} {'queries':>8}")
    for name, (who, _address) in addresses.items():
        if name in errors:
            print(f"{name:38} {errors[name]}")
            report("pages", f"{name} ({who}): {errors[name]}", 0, 0, size, target="HTTP 200", verdict="NOT met")
            continue
        page, trivial, count = rates[name]
        ratio = page / trivial
        print(f"{name:38} {count:5d} {page:8.1f} {trivial:9.0f} {ratio:6.2f} {counts[name]:8d}")
        verdict = "met" if ratio >= TARGET else "NOT met"
        label = f"{name} ({who}): requests/s (baseline: trivial view requests/s)"
        report("pages", label, page, trivial, size, unit="/s", target=f"≥ {TARGET}", verdict=verdict)
        if compare is not None and name in compare["counts"]:
            same = counts[name] == compare["counts"][name]
            report(
                "pages",
                f"{name} ({who}): SQL queries per request (baseline: at {compare['scale']:g}×)",
                counts[name],
                compare["counts"][name],
                size,
                target=f"same as at {compare['scale']:g}×",
                verdict="met" if same else "NOT met",
            )
            if not same:
                print(f"  queries differ: {compare['counts'][name]} at {compare['scale']:g}×, {counts[name]} here")
    print("COUNTS " + json.dumps({"scale": scale, "counts": counts}), flush=True)
    print(f"total {time.perf_counter() - started:.0f} s")
    return 1 if errors else 0


sys.exit(main(ARGS.scale))
