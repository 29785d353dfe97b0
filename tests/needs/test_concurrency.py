"""Twenty volunteers tapping "take" at once on a request that wants two, and ten claiming one
wish, with real threads."""

import os
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from needs import services
from needs.models import Need, NeedTaker, WishClaim
from needs.wishes import claim_wish
from tests.factories import TeamFactory, volunteer_in
from tests.needs.factories import CategoryFactory, dispatched
from tests.needs.test_wishes import a_wish

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
TAPPING = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_taps_at_once_give_exactly_the_places_wanted():
    team = TeamFactory()
    need = dispatched(CategoryFactory(office=team.office), team, places=2)
    people = [volunteer_in(team) for _ in range(TAPPING)]
    start_together = threading.Barrier(TAPPING)

    def tap(volunteer):
        try:
            start_together.wait()
            services.take(need=need, volunteer=volunteer)
            return "taken"
        except ValidationError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=TAPPING) as pool:
        outcomes = list(pool.map(tap, people))

    assert outcomes.count("taken") == 2
    assert outcomes.count("refused") == TAPPING - 2
    assert NeedTaker.objects.filter(need=need).count() == 2
    need.refresh_from_db()
    assert need.state == Need.State.TAKEN


@pytest.mark.django_db(transaction=True)
def test_ten_claims_at_once_make_one_claim():
    team = TeamFactory()
    wish = a_wish(team.office)
    people = [volunteer_in(team) for _ in range(10)]
    start_together = threading.Barrier(10)

    def claim(volunteer):
        try:
            start_together.wait()
            claim_wish(wish=wish, by=volunteer.user, volunteer=volunteer)
            return "claimed"
        except ValidationError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(claim, people))

    assert outcomes.count("claimed") == 1
    assert WishClaim.objects.filter(wish=wish).count() == 1


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
            f"{__file__}::test_twenty_taps_at_once_give_exactly_the_places_wanted",
            f"{__file__}::test_ten_claims_at_once_make_one_claim",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": POSTGRES_URL, "TEST_DATABASE_NAME": f"test_needs_concurrency_{os.getpid()}"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "2 passed" in result.stdout
