"""Fifty people pressing "sign up" at once on the last places, with real threads."""

import os
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from shifts.models import Signup
from shifts.services import sign_up
from tests.factories import ShiftFactory, volunteer_in

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
PRESSING = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_people_at_once_get_exactly_capacity_places_and_the_rest_the_waitlist():
    shift = ShiftFactory(capacity=3)
    people = [volunteer_in(shift.team) for _ in range(PRESSING)]
    start_together = threading.Barrier(PRESSING)

    def press(volunteer):
        try:
            start_together.wait()
            return sign_up(shift=shift, volunteer=volunteer).status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=PRESSING) as pool:
        statuses = list(pool.map(press, people))

    assert statuses.count(Signup.Status.CONFIRMED) == 3
    assert statuses.count(Signup.Status.WAITLISTED) == PRESSING - 3
    assert Signup.objects.confirmed().filter(shift=shift).count() == 3
    assert Signup.objects.waitlisted().filter(shift=shift).count() == PRESSING - 3


def _postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(connection.vendor == "postgresql", reason="this run is on PostgreSQL already")
def test_the_same_holds_on_postgresql():
    """The SQLite run proves the PostgreSQL path too, in a child run against a real server."""
    if not _postgres_answers():
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:xdist",
            "-q",
            f"{__file__}::test_fifty_people_at_once_get_exactly_capacity_places_and_the_rest_the_waitlist",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": POSTGRES_URL,
            "TEST_DATABASE_NAME": f"test_shifts_concurrency_{os.getpid()}",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "1 passed" in result.stdout
