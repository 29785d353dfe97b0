import datetime

import pytest
from django.utils import timezone

from civic.models import PointEntry
from civic.points import account_for
from tests.civic.factories import PointsPolicyFactory
from tests.factories import OfficeStaffFactory, TeamFactory, VolunteerFactory, volunteer_in


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def policy(team):
    return PointsPolicyFactory(office=team.office, points_per_hour=10)


@pytest.fixture
def volunteer(team):
    return volunteer_in(team)


@pytest.fixture
def staff(team):
    return OfficeStaffFactory(office=team.office, user=VolunteerFactory().user).user


@pytest.fixture
def second_staff(team):
    return OfficeStaffFactory(office=team.office, user=VolunteerFactory().user).user


def give_points(volunteer, office, points: int, *, key: str = "gift") -> PointEntry:
    """Points earned some way the test does not care about (a confirmed good deed's entry)."""
    return PointEntry.objects.create(
        account=account_for(office=office, volunteer=volunteer),
        points=points,
        kind=PointEntry.Kind.DEED,
        earned_on=timezone.localdate() - datetime.timedelta(days=1),
        source_key=f"test:{key}:{volunteer.pk}",
    )
