"""The registry of a partner unit's work: apps above teams register sources, civic reads them."""

import datetime

import pytest

from teams import partners
from teams.partners import UnitWork, add_work_source, work_of
from tests.factories import PartnerUnitFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _only_these_sources(monkeypatch):
    """The apps' own sources are registered at start-up: these tests see only their own."""
    monkeypatch.setattr(partners, "_work_sources", [])


def test_work_of_asks_every_source_for_the_period_and_merges_them_in_date_order():
    asked = []

    def shifts(unit, starts_on, ends_on):
        asked.append((unit, starts_on, ends_on))
        return [UnitWork(DAY + datetime.timedelta(days=2), "班次", "清扫", "东门", people=3, minutes=360)]

    def wishes(unit, starts_on, ends_on):
        return [UnitWork(DAY, "微心愿", "书包", "已确认")]

    add_work_source(shifts)
    add_work_source(wishes)
    add_work_source(shifts)  # registered once, however often ready() runs
    unit = PartnerUnitFactory()

    work = work_of(unit, DAY, DAY + datetime.timedelta(days=6))

    assert [item.title for item in work] == ["书包", "清扫"]
    assert asked == [(unit, DAY, DAY + datetime.timedelta(days=6))]


def test_without_sources_a_unit_has_no_work():
    assert work_of(PartnerUnitFactory(), DAY, DAY) == []
