import pytest
from django.core.exceptions import ValidationError

from teams import services
from teams.models import Membership, Office, Team
from tests.factories import CommunityFactory, LeaderFactory, MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_open_team_takes_a_member_at_once():
    membership = services.request_to_join(team=TeamFactory(join_policy=Team.JoinPolicy.OPEN), user=UserFactory())
    assert membership.status == Membership.Status.ACTIVE
    assert membership.joined_on is not None


def test_an_approval_team_waits_for_a_leader_who_approves_or_refuses():
    team = TeamFactory(join_policy=Team.JoinPolicy.APPROVAL)
    leader = LeaderFactory(team=team).user
    first = services.request_to_join(team=team, user=UserFactory())
    second = services.request_to_join(team=team, user=UserFactory())
    assert first.status == second.status == Membership.Status.PENDING

    assert services.approve_membership(membership=first, by=leader).status == Membership.Status.ACTIVE
    assert services.refuse_membership(membership=second, by=leader).status == Membership.Status.REFUSED
    with pytest.raises(ValidationError):
        services.approve_membership(membership=second, by=leader)


def test_an_invite_only_team_needs_its_current_code():
    team = TeamFactory(join_policy=Team.JoinPolicy.INVITE)
    with pytest.raises(ValidationError):
        services.request_to_join(team=team, user=UserFactory())
    old_code = team.invite_code
    services.renew_invite_code(team=team)
    with pytest.raises(ValidationError):
        services.request_to_join(team=team, user=UserFactory(), invite_code=old_code)
    joined = services.request_to_join(team=team, user=UserFactory(), invite_code=team.invite_code)
    assert joined.status == Membership.Status.ACTIVE


def test_one_live_membership_per_person_and_team_and_rejoining_after_leaving():
    team = TeamFactory()
    user = UserFactory()
    services.request_to_join(team=team, user=user)
    with pytest.raises(ValidationError):
        services.request_to_join(team=team, user=user)
    left = services.leave_team(team=team, user=user)
    assert left.status == Membership.Status.LEFT and left.left_on
    services.request_to_join(team=team, user=user)
    assert Membership.objects.filter(team=team, user=user).count() == 2


def test_a_volunteer_may_belong_to_several_teams():
    user = UserFactory()
    for team in TeamFactory.create_batch(3):
        services.request_to_join(team=team, user=user)
    assert Membership.objects.active().filter(user=user).count() == 3


def test_an_inactive_team_takes_nobody():
    with pytest.raises(ValidationError):
        services.request_to_join(team=TeamFactory(is_active=False), user=UserFactory())


def test_staff_appoint_active_members_as_leaders_only():
    membership = MembershipFactory()
    staff = UserFactory()
    services.set_role(membership=membership, role=Membership.Role.LEADER, by=staff)
    assert Membership.objects.leaders().filter(pk=membership.pk).exists()
    pending = MembershipFactory(status=Membership.Status.PENDING)
    with pytest.raises(ValidationError):
        services.set_role(membership=pending, role=Membership.Role.LEADER, by=staff)
    with pytest.raises(ValidationError):
        services.set_role(membership=membership, role="captain", by=staff)


def test_add_member_approves_a_pending_request_instead_of_a_second_row():
    pending = MembershipFactory(status=Membership.Status.PENDING)
    added = services.add_member(team=pending.team, user=pending.user, by=None)
    assert added.pk == pending.pk and added.status == Membership.Status.ACTIVE


def test_offices_nest_street_above_community():
    community = CommunityFactory()
    nested = Office(name="x", kind=Office.Kind.COMMUNITY, parent=community)
    with pytest.raises(ValidationError):
        nested.full_clean()
    with pytest.raises(ValidationError):
        Office(name="y", kind=Office.Kind.STREET, parent=community.parent).full_clean()
