"""grants_for: what a user's roles grant, worked out in one query per request (teams/permissions.py)."""

import pytest

from teams.models import Membership
from teams.permissions import forget_grants, grants_for
from tests.factories import (
    CommunityFactory,
    LeaderFactory,
    MembershipFactory,
    OfficeFactory,
    OfficeStaffFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """A street with two communities, a team in each, and a street elsewhere."""
    street = OfficeFactory()
    east, west = CommunityFactory(parent=street), CommunityFactory(parent=street)
    return {
        "street": street,
        "east": east,
        "west": west,
        "elsewhere": OfficeFactory(),
        "east team": TeamFactory(office=east),
        "west team": TeamFactory(office=west),
    }


def _roles(user, tree, roles):
    for role, name in roles:
        if role == "staff":
            OfficeStaffFactory(user=user, office=tree[name], can_view_pii=False)
        elif role == "pii staff":
            OfficeStaffFactory(user=user, office=tree[name], can_view_pii=True)
        elif role == "leader":
            LeaderFactory(user=user, team=tree[name])
        elif role == "left leader":
            LeaderFactory(user=user, team=tree[name], status=Membership.Status.LEFT)
        else:
            MembershipFactory(user=user, team=tree[name])


@pytest.mark.parametrize(
    ("roles", "managed", "pii", "led", "queries"),
    [
        pytest.param([], [], [], [], 1, id="volunteer"),
        pytest.param([("member", "east team")], [], [], [], 1, id="member"),
        pytest.param([("leader", "east team"), ("leader", "west team")], [], [], ["east team", "west team"], 1),
        pytest.param([("left leader", "east team")], [], [], [], 1, id="a-leader-who-left"),
        # Staff: their office and every office below it, one query per level found.
        pytest.param([("staff", "east")], ["east"], [], [], 2, id="community-staff"),
        pytest.param([("staff", "street")], ["street", "east", "west"], [], [], 3, id="street-staff"),
        pytest.param(
            [("pii staff", "street")], ["street", "east", "west"], ["street", "east", "west"], [], 5, id="street-pii"
        ),
        pytest.param(
            [("staff", "street"), ("pii staff", "elsewhere"), ("leader", "east team")],
            ["street", "east", "west", "elsewhere"],
            ["elsewhere"],
            ["east team"],
            4,
            id="staff-and-leader",
        ),
    ],
)
def test_grants(tree, django_assert_num_queries, roles, managed, pii, led, queries):
    user = UserFactory()
    _roles(user, tree, roles)

    with django_assert_num_queries(queries):
        grants = grants_for(user)
    with django_assert_num_queries(0):
        assert grants_for(user) is grants  # kept for the rest of the request

    assert grants.managed_office_ids == {tree[name].pk for name in managed}
    assert grants.pii_office_ids == {tree[name].pk for name in pii}
    assert grants.led_team_ids == {tree[name].pk for name in led}
    assert grants.is_staff_somewhere == bool(managed)


def test_forgetting_grants_reads_the_roles_again(tree):
    user = UserFactory()
    assert grants_for(user).led_team_ids == set()
    LeaderFactory(user=user, team=tree["east team"])
    forget_grants(user)
    assert grants_for(user).led_team_ids == {tree["east team"].pk}


def test_the_teams_led_are_exactly_membership_leaders():
    """grants_for writes its query out by hand: it must keep agreeing with leaders()."""
    user = UserFactory()
    for status in Membership.Status.values:
        for role in Membership.Role.values:
            MembershipFactory(user=user, team=TeamFactory(), status=status, role=role)

    led = grants_for(user).led_team_ids

    assert led == set(Membership.objects.leaders().filter(user=user).values_list("team_id", flat=True))
    assert len(led) == 1
