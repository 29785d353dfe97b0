"""Serving for real: gunicorn as `make serve` starts it (hashed, compressed static files,
DEBUG off, /healthz), and two app servers sharing one Redis agree on sessions and limits.

Each test starts app processes of its own on 127.0.0.1 against a SQLite file it migrates,
so they run the same under either CI database."""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py"]
REDIS_TEST_URL = "redis://127.0.0.1:6379/13"  # a database number of its own, flushed around the test
PASSWORD = "Sunny-Harbour-2026"
# A bound on waiting for a process to answer, not a measurement: a test that waits this long has failed.
WAIT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'app.sqlite3'}",
        SECRET_KEY="a-test-secret-key-that-is-long-enough-for-django-0123456789",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        COLLECTED_STATIC="1",
        WEB_CONCURRENCY="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@contextmanager
def app_server(env: dict[str, str]):
    port = free_port()
    process = subprocess.Popen(
        GUNICORN, cwd=ROOT, env={**env, "PORT": str(port)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        while True:
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not answer")
            if process.poll() is not None:
                pytest.fail(f"gunicorn stopped: {process.stdout.read().decode(errors='replace')}")
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=10)  # noqa: S310 - our own server on loopback
                break
            except urllib.error.HTTPError:  # it answers, if unhealthy: the test looks at what it says
                break
            except (urllib.error.URLError, OSError):  # not listening yet, or still loading the app
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(WAIT_SECONDS)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser(jar: http.cookiejar.CookieJar) -> urllib.request.OpenerDirector:
    """One person's browser: its cookies go to every app server (as behind one proxy)."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirects)


def fetch(opener, url: str, data: dict | None = None, headers: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 - loopback only
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx: the answer itself
        return error.code, dict(error.headers), error.read()
    return response.status, dict(response.headers), response.read()


def log_in(opener, base: str, phone: str, password: str) -> int:
    _status, _headers, page = fetch(opener, f"{base}/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()
    status, _headers, _page = fetch(
        opener,
        f"{base}/accounts/login/",
        {"csrfmiddlewaretoken": token, "login": phone, "password": password},
        {"Referer": f"{base}/accounts/login/"},
    )
    return status


def test_make_serve_serves_hashed_compressed_files_with_debug_off_and_a_health_check(tmp_path):
    env = app_env(tmp_path, HTTPS="1")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    with app_server(env) as base:
        opener = browser(http.cookiejar.CookieJar())
        status, headers, body = fetch(opener, f"{base}/healthz")
        assert (status, json.loads(body)) == (200, {"database": "ok"})
        assert headers["Cache-Control"] == "no-store"

        # Pages go to HTTPS; behind the proxy (which says so) they are served.
        status, headers, _ = fetch(opener, f"{base}/accounts/login/")
        assert status == 301 and headers["Location"].startswith("https://")
        status, _, page = fetch(opener, f"{base}/accounts/login/", headers={"X-Forwarded-Proto": "https"})
        assert status == 200
        stylesheet = re.search(rb'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page links the hashed stylesheet"

        status, headers, body = fetch(
            opener, base + stylesheet[1].decode(), headers={"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}
        )
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"]

        # DEBUG is off: an unknown page is the site's 404, not Django's debug page.
        status, _, page = fetch(opener, f"{base}/no-such-page/", headers={"X-Forwarded-Proto": "https"})
        assert status == 404 and b"Using the URLconf" not in page


def test_the_health_check_fails_when_redis_does_not_answer(tmp_path):
    env = app_env(tmp_path, REDIS_URL="redis://127.0.0.1:1/0", COLLECTED_STATIC="0")
    manage(env, "migrate", "--noinput", "-v0")
    with app_server(env) as base:
        status, _, body = fetch(browser(http.cookiejar.CookieJar()), f"{base}/healthz")
    assert (status, json.loads(body)) == (503, {"database": "ok", "redis": "unavailable"})


MAKE_USER = f"""
from accounts.models import User
User.objects.create_user(phone="13800001111", password="{PASSWORD}", phone_verified=True)
"""


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS_TEST_URL)
    client.flushdb()  # fails the test, not skips it, when Redis does not answer: CI has one
    yield client
    client.flushdb()


def test_two_app_servers_on_one_redis_share_sessions_and_the_login_limit(tmp_path, shared_redis):
    env = app_env(tmp_path, REDIS_URL=REDIS_TEST_URL, COLLECTED_STATIC="0")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "shell", "-c", MAKE_USER)
    with app_server(env) as first, app_server(env) as second:
        status, _, body = fetch(browser(http.cookiejar.CookieJar()), f"{second}/healthz")
        assert (status, json.loads(body)) == (200, {"database": "ok", "redis": "ok"})

        # Signed in on one server, signed in on the other.
        person = browser(http.cookiejar.CookieJar())
        assert log_in(person, first, "13800001111", PASSWORD) == 302
        status, _, _ = fetch(person, f"{second}/me/profile/")
        assert status == 200
        assert fetch(browser(http.cookiejar.CookieJar()), f"{second}/me/profile/")[0] == 302  # a stranger is not

        # Five wrong passwords spread over both servers lock the number on both.
        stranger = browser(http.cookiejar.CookieJar())
        for server in (first, second, first, second, first):
            assert log_in(stranger, server, "13800001111", "wrong-password") == 200
        assert log_in(browser(http.cookiejar.CookieJar()), second, "13800001111", PASSWORD) != 302
        assert shared_redis.dbsize() > 0  # the counts and sessions are in Redis
