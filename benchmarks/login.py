"""Server time of a password login, with the project's password hasher, against a trivial Django view.

    .venv/bin/python benchmarks/login.py [--logins 21]

On a throw-away database (benchmarks/_setup.py) with one volunteer whose password is
hashed by the first of settings.PASSWORD_HASHERS (Argon2), POSTs phone and password to
allauth's login address (reverse("account_login")) through django.test.Client and the
full middleware stack, each time signed out (the client's cookies cleared) and from
another address, so the per-address rate limit is not what is measured. Each login must answer
302 (signed in). A trivial view (an HttpResponse behind the same middleware) is timed
right before each login as the baseline. Reports the median login time; target < 300 ms
of server time. Also prints the hasher's own time for one check_password, as wall time
and as CPU time: on a machine whose cores are busy with other work the wall time grows
with their load, the CPU time much less.
Takes a few seconds.
"""

import argparse
import statistics
import sys
import time
import types

from _setup import report, throwaway_database
from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.http import HttpResponse
from django.test import Client
from django.test.utils import override_settings
from django.urls import include, path, reverse

from accounts.models import User
from volunteers.models import Volunteer

PHONE, PASSWORD = "+8613800000001", "xk3!Lm9q2z-bench"
TARGET_MS = 300


def trivial(request):
    return HttpResponse("ok")


urls = types.ModuleType("bench_urls")
urls.urlpatterns = [path("bench/trivial/", trivial), path("", include("config.urls"))]
sys.modules["bench_urls"] = urls


def seconds(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main(logins: int) -> None:
    started = time.perf_counter()
    with throwaway_database(), override_settings(ROOT_URLCONF="bench_urls", ALLOWED_HOSTS=["testserver"]):
        user = User.objects.create(phone=PHONE, password=make_password(PASSWORD), phone_verified=True)
        Volunteer.objects.create(user=user, real_name="志愿者")
        hasher = get_hasher()
        login_url = reverse("account_login")

        client = Client()

        def log_in(n: int) -> None:
            client.cookies.clear()  # signed out: no session, no CSRF cookie yet
            address = f"10.1.{n // 250}.{n % 250 + 1}"
            response = client.post(
                login_url, {"login": PHONE.removeprefix("+86"), "password": PASSWORD}, REMOTE_ADDR=address
            )
            assert response.status_code == 302, (response.status_code, response.content[:300])
            assert settings.SESSION_COOKIE_NAME in response.cookies, "the login should start a session"

        def get_trivial() -> None:
            assert client.get("/bench/trivial/").status_code == 200

        log_in(0)  # warm: imports, the first query of each table
        get_trivial()
        trivial_times, login_times = [], []
        for n in range(1, logins + 1):
            trivial_times.append(seconds(get_trivial))
            login_times.append(seconds(lambda n=n: log_in(n)))
        cpu_started = time.process_time()
        hash_ms = statistics.median(seconds(lambda: check_password(PASSWORD, user.password)) for _n in range(5)) * 1000
        hash_cpu_ms = (time.process_time() - cpu_started) * 1000 / 5
        login_ms = statistics.median(login_times) * 1000
        trivial_ms = statistics.median(trivial_times) * 1000
        verdict = "met" if login_ms < TARGET_MS else "NOT met"
        print(f"hasher {hasher.algorithm}: one check_password {hash_ms:.0f} ms, {hash_cpu_ms:.0f} ms of CPU")
        print(f"trivial view {trivial_ms:.2f} ms, password login POST {login_ms:.0f} ms (median of {logins})")
        print(f"target < {TARGET_MS} ms: {verdict}")
        report(
            "login",
            f"password login POST, server time, median of {logins} ({hasher.algorithm})",
            login_ms,
            trivial_ms,
            f"{logins} logins, 1 user",
            unit="ms",
            target=f"< {TARGET_MS} ms",
            verdict=verdict,
        )
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logins", type=int, default=21)
    main(parser.parse_args().logins)
