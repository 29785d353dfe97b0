"""The ledger tests' usual world: a member of `team` (tests/conftest.py), and one record of theirs."""

import datetime

import pytest

from tests.factories import volunteer_in
from tests.hours.ledger_helpers import at, post

RECORD_DAY = datetime.date(2026, 3, 6)


@pytest.fixture
def volunteer(team):
    return volunteer_in(team)


@pytest.fixture
def record(volunteer, team):
    """Scheduled 09:00–12:00 on RECORD_DAY, credited 2 h."""
    return post(volunteer, team, key="attendance:1", starts_at=at(RECORD_DAY), minutes=120, length=180)
