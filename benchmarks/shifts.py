"""Shift list, roster and sign-up speed, as ratios against a trivial Django view.

    .venv/bin/python benchmarks/shifts.py [--users 2000] [--shifts 2000] [--signups 60000] [--requests 300]
    DATABASE_URL=postgres://user@127.0.0.1:5432/volunteers .venv/bin/python benchmarks/shifts.py

Builds a data set of ephios's size (2,000 users, 2,000 shifts, 60,000 sign-ups) with
bulk_create (benchmarks/_shape.py), on a throw-away SQLite file by default; with DATABASE_URL on a database
of its own next to the named one, dropped afterwards (benchmarks/_setup.py).

Every request goes through django.test.Client and the full middleware stack, logged
in with force_login. The baseline is a trivial view (an HttpResponse, mounted at
bench/trivial/ by a urlconf made here that includes config.urls), measured in the
same run. Prints requests per second, the cost relative to the baseline (2.0x = each
request takes twice as long as the trivial one) and SQL queries per request for:

- GET /shifts/ as a member of three teams,
- GET /shifts/<pk>/ as the team's leader (a roster of 30),
- POST /shifts/<pk>/signup/, each request a different volunteer and shift, so it writes.

Takes about a minute on SQLite.
"""

import argparse
import random
import sys
import time
import types

from _setup import report, throwaway_database
from _shape import build, logged_in
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path

from accounts.models import User
from shifts.models import Shift, Signup


def trivial(request):
    return HttpResponse("ok")


urls = types.ModuleType("bench_urls")
urls.urlpatterns = [path("bench/trivial/", trivial), path("", include("config.urls"))]
sys.modules["bench_urls"] = urls


WARM_UP = 3


def rate(count: int, work) -> float:
    """Requests per second over `count` calls of work(i), after WARM_UP calls; i runs on throughout."""
    for i in range(WARM_UP):
        work(i)
    start = time.perf_counter()
    for i in range(WARM_UP, WARM_UP + count):
        work(i)
    return count / (time.perf_counter() - start)


def queries(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        request()
    return len(captured)


def expect(response, status: int):
    assert response.status_code == status, (response.status_code, response.get("Location"))
    return response


def main(users: int, shifts: int, signups: int, requests: int) -> None:
    rng = random.Random(2026)
    started = time.perf_counter()
    with throwaway_database():
        data = build(rng, users, shifts, signups)
        built = time.perf_counter() - started
        print(f"data: {User.objects.count()} users, {Shift.objects.count()} shifts, {Signup.objects.count()} sign-ups")
        print(f"built in {built:.1f} s on {connection.vendor}")
        with override_settings(ROOT_URLCONF="bench_urls", ALLOWED_HOSTS=["testserver"]):
            measure(data, requests)
    print(f"total {time.perf_counter() - started:.0f} s")


def measure(data: dict, requests: int) -> None:
    member = logged_in(data["member"])
    leader = logged_in(data["leader"])
    detail_url = data["leader_shift"].get_absolute_url()
    listed = expect(member.get("/shifts/"), 200)
    assert b'data-testid="shift-' in listed.content, "the member should see upcoming shifts"
    roster = expect(leader.get(detail_url), 200)
    on_roster = Signup.objects.filter(shift=data["leader_shift"]).count()
    assert roster.content.count(b"<tr") > on_roster, f"the leader should see a roster of {on_roster}"

    pairs = data["pairs"]
    posts = min(requests, len(pairs) - WARM_UP - 1)
    clients = [logged_in(volunteer.user) for volunteer, _shift in pairs]
    before = Signup.objects.live().count()

    def post(i: int) -> None:
        _volunteer, shift = pairs[i]
        expect(clients[i].post(f"/shifts/{shift.pk}/signup/"), 302)

    results = {
        "trivial": rate(requests * 5, lambda i: expect(member.get("/bench/trivial/"), 200)),
        "list": rate(requests, lambda i: expect(member.get("/shifts/"), 200)),
        "detail": rate(requests, lambda i: expect(leader.get(detail_url), 200)),
        # Each call takes the next pair, so every request writes a new sign-up.
        "signup": rate(posts, post),
    }
    written = Signup.objects.live().count() - before
    counts = {
        "trivial": queries(lambda: member.get("/bench/trivial/")),
        "list": queries(lambda: member.get("/shifts/")),
        "detail": queries(lambda: leader.get(detail_url)),
        "signup": queries(lambda: post(WARM_UP + posts)),
    }
    assert written == WARM_UP + posts, f"expected {WARM_UP + posts} new sign-ups, got {written}"
    last_volunteer, last_shift = pairs[WARM_UP + posts]
    assert Signup.objects.confirmed().filter(volunteer=last_volunteer, shift=last_shift).exists()
    base = results["trivial"]
    labels = {
        "trivial": "trivial view (baseline)",
        "list": "GET /shifts/ (member of 3 teams)",
        "detail": f"GET shift detail (leader, roster {on_roster})",
        "signup": "POST sign-up (writes)",
    }
    print(f"{'':38} {'req/s':>8} {'cost':>7} {'queries':>8}")
    size = f"{Shift.objects.count():,} shifts, {Signup.objects.count():,} sign-ups"
    for key, label in labels.items():
        print(f"{label:38} {results[key]:8.0f} {base / results[key]:6.2f}x {counts[key]:8d}")
        # As a cost: time per request ÷ the trivial view's (lower is better).
        report(
            "shifts", f"{label}, ms/request ({counts[key]} queries)", 1000 / results[key], 1000 / base, size, unit="ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--shifts", type=int, default=2000)
    parser.add_argument("--signups", type=int, default=60000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    main(args.users, args.shifts, args.signups, args.requests)
