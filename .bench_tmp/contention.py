"""Sign-up contention on PostgreSQL: 200 people pressing "sign up" at once for 20 places.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/contention.py
        [--people 200] [--places 20] [--connections 40]

PostgreSQL only (on SQLite the immediate transaction queues every writer, so there is no
race to see); without a PostgreSQL DATABASE_URL it says so and stops. Runs on a database
of its own next to the named one, dropped afterwards (benchmarks/_setup.py).

Every person is a thread that calls the real service, `shifts.services.sign_up`, after a
barrier lets them all go at once. A server's connections are shared (max_connections is
100 here, and other work uses some): at most --connections threads hold one at a time,
as behind app servers with that many workers, and the rest wait for a free one. Expected:
exactly --places confirmed, the others waitlisted, no errors.

The baseline, in the same run, is the same number of sign-ups one after another on a
second shift of the same size: the ratio is the concurrent run's throughput over it.
"""

import argparse
import datetime
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from _setup import ON_SERVER, report, throwaway_database
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from accounts.models import User
from shifts.models import Shift, Signup
from shifts.services import sign_up
from teams.models import Membership, Office, Team, TeamKind
from volunteers.models import Volunteer


def build(people: int, places: int) -> tuple[list[Shift], list[Volunteer]]:
    now = timezone.now()
    office = Office.objects.create(name="社区", kind=Office.Kind.COMMUNITY)
    kind, _created = TeamKind.objects.get_or_create(name="银龄")
    team = Team.objects.create(office=office, name="志愿服务队", code="bench-contention", kind=kind)
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(phone=f"+86139{n:08d}", password=unusable, phone_verified=True) for n in range(2 * people)
    )
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(user=user, real_name=f"志愿者{n}") for n, user in enumerate(users)
    )
    Membership.objects.bulk_create(
        Membership(team=team, user=user, status="active", joined_on=now.date()) for user in users
    )
    shifts = []
    for day in (3, 4):
        starts_at = (now + datetime.timedelta(days=day)).replace(minute=0, second=0, microsecond=0)
        shifts.append(
            Shift.objects.create(
                team=team,
                title="核酸检测引导",
                place="社区广场",
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=2),
                capacity=places,
                signup_closes_at=starts_at,
                cancel_deadline=starts_at - datetime.timedelta(hours=2),
            )
        )
    return shifts, volunteers


def concurrently(shift: Shift, people: list[Volunteer], connections: int) -> tuple[Counter, float]:
    go = threading.Barrier(len(people) + 1)
    seats = threading.BoundedSemaphore(connections)

    def press(volunteer: Volunteer) -> str:
        go.wait()
        with seats:
            try:
                return sign_up(shift=shift, volunteer=volunteer).status
            except Exception as error:
                return f"error: {type(error).__name__}: {error}"
            finally:
                connection.close()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        futures = [pool.submit(press, volunteer) for volunteer in people]
        go.wait()
        started = time.perf_counter()
        outcomes = Counter(future.result() for future in futures)
    return outcomes, time.perf_counter() - started


def one_after_another(shift: Shift, people: list[Volunteer]) -> float:
    started = time.perf_counter()
    for volunteer in people:
        sign_up(shift=shift, volunteer=volunteer)
    return time.perf_counter() - started


def main(people: int, places: int, connections: int) -> int:
    if not ON_SERVER or "postgres" not in connection.vendor:
        print("contention: PostgreSQL only; set DATABASE_URL to a PostgreSQL database (skipped)")
        return 0
    with throwaway_database():
        (raced, calm), volunteers = build(people, places)
        size = f"{people} people, {places} places, {connections} connections"
        sequential = one_after_another(calm, volunteers[people:])
        outcomes, seconds = concurrently(raced, volunteers[:people], connections)
        confirmed = Signup.objects.confirmed().filter(shift=raced).count()
        waitlisted = Signup.objects.waitlisted().filter(shift=raced).count()
        errors = {outcome: n for outcome, n in outcomes.items() if outcome.startswith("error")}
    print(f"{size} on {connection.vendor}")
    print(f"at once: {outcomes[Signup.Status.CONFIRMED]} confirmed, {outcomes[Signup.Status.WAITLISTED]} waitlisted,")
    print(f"         {sum(errors.values())} errors in {seconds:.2f} s ({people / seconds:.0f} sign-ups/s)")
    for outcome, n in errors.items():
        print(f"  {n} × {outcome}")
    print(f"one after another: {sequential:.2f} s ({people / sequential:.0f} sign-ups/s)")
    ok = confirmed == places and waitlisted == people - places and not errors
    verdict = "met" if ok else "NOT met"
    print(f"in the database: {confirmed} confirmed, {waitlisted} waitlisted;", end=" ")
    print(f"target exactly {places} confirmed and 0 errors: {verdict}")
    report(
        "contention",
        f"confirmed of {people} at once (errors {sum(errors.values())})",
        confirmed,
        places,
        size,
        unit="sign-ups",
        target=f"exactly {places} confirmed, 0 errors",
        verdict=verdict,
    )
    report(
        "contention",
        "sign-ups/s at once (baseline: one after another)",
        people / seconds,
        people / sequential,
        size,
        unit="/s",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--places", type=int, default=20)
    parser.add_argument("--connections", type=int, default=40)
    args = parser.parse_args()
    sys.exit(main(args.people, args.places, args.connections))
