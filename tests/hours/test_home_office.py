import datetime

import pytest

from teams.models import Membership
from tests.factories import MembershipFactory, TeamFactory, VolunteerFactory
from volunteers.selectors import home_office_of, home_offices_of

pytestmark = pytest.mark.django_db


def test_the_home_office_is_that_of_the_longest_standing_active_team(django_assert_num_queries):
    first, second, left = TeamFactory(), TeamFactory(), TeamFactory()
    volunteer, loner = VolunteerFactory(), VolunteerFactory()
    MembershipFactory(team=second, user=volunteer.user, joined_on=datetime.date(2025, 6, 1))
    MembershipFactory(team=first, user=volunteer.user, joined_on=datetime.date(2024, 3, 1))
    MembershipFactory(
        team=left, user=volunteer.user, joined_on=datetime.date(2020, 1, 1), status=Membership.Status.LEFT
    )

    with django_assert_num_queries(1):
        homes = home_offices_of([volunteer, loner])

    assert homes == {volunteer.pk: first.office, loner.pk: None}
    assert home_office_of(volunteer) == first.office
