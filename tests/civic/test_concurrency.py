"""Many people pressing "order" at once, with real threads: never the last item or the same points twice."""

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from civic import shop
from civic.models import Order, ShopItem
from civic.points import account_for
from tests.civic.conftest import give_points
from tests.civic.factories import ShopItemFactory
from tests.factories import TeamFactory, volunteer_in
from tests.shifts.test_concurrency import _postgres_answers

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
PRESSING = 12


def _press_together(orders):
    """Run each (volunteer, item) order in its own thread, all starting at once; the outcomes."""
    start_together = threading.Barrier(len(orders))

    def press(volunteer_and_item):
        volunteer, item = volunteer_and_item
        try:
            start_together.wait()
            return shop.place_order(volunteer=volunteer, item=item).state
        except ValidationError as refused:
            return refused.messages[0]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(orders)) as pool:
        return list(pool.map(press, orders))


@pytest.mark.django_db(transaction=True)
def test_many_people_ordering_the_last_item_get_exactly_one_order():
    team = TeamFactory()
    item = ShopItemFactory(office=team.office, price=10, stock=1)
    people = [volunteer_in(team) for _ in range(PRESSING)]
    for person in people:
        give_points(person, team.office, 100)

    outcomes = _press_together([(person, item) for person in people])

    assert outcomes.count(Order.State.PLACED) == 1
    assert Order.objects.count() == 1
    assert ShopItem.objects.get(pk=item.pk).stock == 0


@pytest.mark.django_db(transaction=True)
def test_one_person_ordering_many_things_at_once_never_spends_the_same_points_twice():
    team = TeamFactory()
    items = [ShopItemFactory(office=team.office, price=30, stock=5) for _ in range(PRESSING)]
    person = volunteer_in(team)
    give_points(person, team.office, 40)  # enough for one item, not two

    outcomes = _press_together([(person, item) for item in items])

    assert outcomes.count(Order.State.PLACED) == 1
    assert Order.objects.count() == 1
    assert account_for(office=team.office, volunteer=person).available() == 10


@pytest.mark.skipif(connection.vendor == "postgresql", reason="this run is on PostgreSQL already")
def test_the_same_holds_on_postgresql():
    """The SQLite run proves the PostgreSQL path too, in a child run against a real server."""
    if not _postgres_answers():
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", f"{__file__}", "-k", "not postgresql"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": POSTGRES_URL, "TEST_DATABASE_NAME": f"test_civic_concurrency_{os.getpid()}"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "2 passed" in result.stdout
