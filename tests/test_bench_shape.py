"""benchmarks/_shape.py builds the sizes it is asked for: the page benchmarks' figures
(shifts.py, pages.py, ephios.py) are only worth their data size."""

import importlib
import random
from pathlib import Path

import pytest

from hours.models import MonthClose, ServiceRecord
from shifts.models import Shift, Signup
from teams.models import Membership, OfficeStaff
from volunteers.models import Volunteer

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.django_db
def test_the_shape_has_the_sizes_asked_for_and_the_people_the_pages_need(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    shape = importlib.import_module("_shape")

    data = shape.build(random.Random(1), 120, 60, 900, roster=12, records=240)

    assert Volunteer.objects.count() == 120 + 1  # and the street's staff member
    assert Shift.objects.count() == 60 + 1  # and the leader's shift under way
    assert Signup.objects.count() == 900 + 12
    assert Signup.objects.filter(shift=data["roster_shift"]).count() == 12
    assert ServiceRecord.objects.count() == 240
    assert ServiceRecord.objects.filter(volunteer__user=data["member"]).count() == 240 // 120
    assert Membership.objects.filter(user=data["member"]).count() == 3
    assert data["roster_shift"].team.memberships.filter(user=data["leader"], role=Membership.Role.LEADER).exists()
    assert OfficeStaff.objects.filter(user=data["staff"], office=data["street"]).exists()
    assert MonthClose.objects.filter(office=data["street"]).exists()
    for volunteer, shift in data["pairs"]:
        assert shift.team.memberships.filter(user=volunteer.user).exists()
        assert not Signup.objects.filter(shift=shift, volunteer=volunteer).exists()
