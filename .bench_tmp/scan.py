"""Scan endpoint speed under gunicorn, as a ratio against a trivial Django view.

    .venv/bin/python benchmarks/scan.py [--requests 1000] [--threads 8] [--workers 4] [--batch 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/scan.py

Starts gunicorn (sync workers) on 127.0.0.1 on a free port against a throw-away SQLite
file; with DATABASE_URL, on a database of its own next to the named one, dropped
afterwards (benchmarks/_setup.py). Threads
then post a fixed number of requests (so the run stops by itself):

- POST /shifts/<pk>/scan/ with one scan each, each a different rostered volunteer, so
  every request checks someone in (a write: one short transaction per scan);
- the same with --batch scans per request (a phone catching up after being offline);
- GET of a trivial view (an HttpResponse behind the full middleware stack, same cookies),
  measured in the same run as the baseline.

Prints requests and scans per second and the ratio scans/s ÷ trivial requests/s
(target ≥ 0.5 for single scans), and on Linux the gunicorn workers' CPU time per
request, which other work on a shared machine disturbs much less than the rates.
Takes well under a minute on SQLite.
"""

import argparse
import datetime
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from _setup import ON_SERVER, ROOT, SCRATCH, report, throwaway_database
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import User
from shifts.models import ScanEvent, Shift, Signup
from teams.models import Membership, Office, Team, TeamKind
from volunteers.cards import card_token
from volunteers.models import Volunteer

# gunicorn imports this module (written into SCRATCH): the project plus the trivial view.
WSGI_MODULE = """
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import include, path

application = get_wsgi_application()
settings.ROOT_URLCONF = __name__


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/trivial/", trivial), path("", include("config.urls"))]
"""
CSRF_SECRET = "b" * 32  # an unmasked secret is a valid token when cookie and header agree
BATCH = 2000


def build(people: int) -> dict:
    now = timezone.now()
    office = Office.objects.create(name="社区", kind=Office.Kind.COMMUNITY)
    kind, _created = TeamKind.objects.get_or_create(name="银龄")
    team = Team.objects.create(office=office, name="志愿服务队", code="bench-scan", kind=kind)
    unusable = make_password(None)
    users = User.objects.bulk_create(
        (User(phone=f"+86139{n:08d}", password=unusable, phone_verified=True) for n in range(people + 1)),
        batch_size=BATCH,
    )
    volunteers = Volunteer.objects.bulk_create(
        (Volunteer(user=user, real_name=f"志愿者{n}") for n, user in enumerate(users)), batch_size=BATCH
    )
    leader, volunteers = volunteers[0], volunteers[1:]
    Membership.objects.bulk_create(
        [Membership(team=team, user=leader.user, role=Membership.Role.LEADER, status="active", joined_on=now.date())]
        + [Membership(team=team, user=v.user, status="active", joined_on=now.date()) for v in volunteers],
        batch_size=BATCH,
    )
    starts_at = now.replace(microsecond=0) - datetime.timedelta(minutes=10)
    shift = Shift.objects.create(
        team=team,
        title="六点半课堂",
        place="社区活动室",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        capacity=people,
        signup_closes_at=starts_at,
        cancel_deadline=starts_at - datetime.timedelta(hours=2),
    )
    Signup.objects.bulk_create(
        (Signup(shift=shift, volunteer=v, status=Signup.Status.CONFIRMED) for v in volunteers), batch_size=BATCH
    )
    client = Client()
    client.force_login(leader.user)
    return {
        "shift": shift,
        "tokens": [card_token(v) for v in volunteers],
        "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
        f"{settings.CSRF_COOKIE_NAME}={CSRF_SECRET}",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_for_workers() -> str:
    url = urlsplit(os.environ["DATABASE_URL"])
    if not ON_SERVER:
        return os.environ["DATABASE_URL"]
    return urlunsplit(url._replace(path="/" + settings.DATABASES["default"]["NAME"]))


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    (SCRATCH / "bench_wsgi.py").write_text(WSGI_MODULE)
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_workers(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "PYTHONPATH": os.pathsep.join([str(SCRATCH), str(ROOT)]),
    }
    command = [
        *(sys.executable, "-m", "gunicorn", "bench_wsgi:application"),
        *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--chdir", str(ROOT)),
        *("--log-level", "warning"),
    ]
    process = subprocess.Popen(command, env=env, cwd=str(ROOT))  # noqa: S603 - our own interpreter and arguments
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _body = request(port, "GET", "/bench/trivial/", cookie="")
            if status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not answer within 30 s")


def request(port: int, method: str, path: str, cookie: str, body: bytes | None = None) -> tuple[int, bytes]:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    if body is not None:
        headers |= {"Content-Type": "application/json", "X-CSRFToken": CSRF_SECRET}
    try:
        connection_.request(method, path, body=body, headers=headers)
        response = connection_.getresponse()
        return response.status, response.read()
    finally:
        connection_.close()


def run(threads: int, jobs: list) -> float:
    """Seconds to do all jobs on `threads` threads."""
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        for failure in pool.map(lambda job: job(), jobs):
            if failure:
                raise SystemExit(failure)
    return time.perf_counter() - started


def workers_cpu_seconds(master: int) -> float | None:
    """CPU time used so far by gunicorn's workers (Linux /proc). On a machine shared with
    other work the rates swing with their load; the CPU spent per request does much less."""
    if not Path("/proc").is_dir():
        return None
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        if int(fields[1]) == master:
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measured(threads: int, jobs: list, master: int) -> tuple[float, float | None]:
    """Seconds for all jobs, and the workers' CPU milliseconds per job (None without /proc)."""
    before = workers_cpu_seconds(master)
    seconds = run(threads, jobs)
    after = workers_cpu_seconds(master)
    return seconds, None if before is None or after is None else (after - before) * 1000 / len(jobs)


def main(requests: int, threads: int, workers: int, batch: int) -> None:
    started = time.perf_counter()
    process = None
    with throwaway_database():
        try:
            warm = max(threads * 2, 20)
            batches = max(requests // batch, 1)
            data = build(people=warm + requests + batches * batch)
            connection.close()
            port = free_port()
            process = start_gunicorn(port, workers)
            scan_url = f"/shifts/{data['shift'].pk}/scan/"
            cookie = data["cookie"]
            tokens = iter(data["tokens"])
            lock = threading.Lock()
            outcomes: dict[str, int] = {}

            def scan_job(size: int):
                with lock:
                    chosen = [next(tokens) for _ in range(size)]
                at = timezone.now().isoformat()
                body = json.dumps({"events": [{"id": str(uuid.uuid4()), "token": t, "at": at} for t in chosen]})
                status, answer = request(port, "POST", scan_url, cookie, body.encode())
                if status != 200:
                    return f"scan: HTTP {status}: {answer[:300]!r}"
                with lock:
                    for result in json.loads(answer)["results"]:
                        outcomes[result["outcome"]] = outcomes.get(result["outcome"], 0) + 1
                return None

            def trivial_job():
                status, _answer = request(port, "GET", "/bench/trivial/", cookie)
                return None if status == 200 else f"trivial: HTTP {status}"

            run(threads, [trivial_job] * warm + [lambda: scan_job(1)] * warm)
            trivial_seconds, trivial_cpu = measured(threads, [trivial_job] * requests, process.pid)
            single_seconds, single_cpu = measured(threads, [lambda: scan_job(1)] * requests, process.pid)
            batch_seconds, batch_cpu = measured(threads, [lambda: scan_job(batch)] * batches, process.pid)

            written = ScanEvent.objects.count()
            expected = warm + requests + batches * batch
            assert outcomes == {"checked_in": expected}, outcomes
            assert written == expected, (written, expected)
            trivial_rate = requests / trivial_seconds
            single_rate = requests / single_seconds
            print(f"{connection.vendor}, gunicorn {workers} sync workers, {threads} client threads, ", end="")
            print(f"{requests} requests each")
            print(f"trivial view        {trivial_rate:8.0f} requests/s")
            ratio = single_rate / trivial_rate
            print(f"scan, 1 per request {single_rate:8.0f} scans/s    ratio {ratio:.2f} (target ≥ 0.5)")
            batch_rate = batches * batch / batch_seconds
            print(
                f"scan, {batch} per request {batch_rate:7.0f} scans/s    ({batches / batch_seconds:.0f} requests/s, "
                f"ratio {batch_rate / trivial_rate:.2f})"
            )
            if None not in (trivial_cpu, single_cpu, batch_cpu):
                print(
                    f"server CPU per request: trivial {trivial_cpu:.1f} ms, scan {single_cpu:.1f} ms "
                    f"(ratio {trivial_cpu / single_cpu:.2f}), {batch} scans {batch_cpu:.1f} ms"
                )
            print(f"{written} scans written, each once")
            size = f"{requests} requests, {threads} threads, {workers} workers"
            report(
                "scan",
                "scans/s, 1 per request (baseline: trivial view requests/s)",
                single_rate,
                trivial_rate,
                size,
                unit="/s",
                target="≥ 0.5",
                verdict="met" if ratio >= 0.5 else "NOT met",
            )
            report("scan", f"scans/s, {batch} per request", batch_rate, trivial_rate, size, unit="/s")
        finally:
            if process is not None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=20)
    arguments = parser.parse_args()
    main(arguments.requests, arguments.threads, arguments.workers, arguments.batch)
