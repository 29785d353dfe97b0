"""The office's audit log: one entry per kind of change, readable by the office's admins only."""

import pytest
from django.urls import reverse

from teams import services
from teams.models import AuditEntry, Membership
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    OfficeStaffFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    volunteer_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(name="银龄互助志愿服务队")


def entries():
    return list(AuditEntry.objects.order_by("pk").values_list("action", "actor", "subject"))


def test_requests_to_join_approved_and_refused(team):
    leader = volunteer_in(team, role="leader").user
    first, second = UserFactory(), UserFactory()
    for user, decide in ((first, services.approve_membership), (second, services.refuse_membership)):
        membership = MembershipFactory(team=team, user=user, status=Membership.Status.PENDING, joined_on=None)
        decide(membership=membership, by=leader)

    assert entries() == [("approved", leader.pk, first.pk), ("refused", leader.pk, second.pk)]


def test_roles_changed(team):
    staff = OfficeStaffFactory(office=team.office).user
    member = volunteer_in(team).user

    services.set_role(membership=Membership.objects.get(user=member), role=Membership.Role.LEADER, by=staff)

    assert entries() == [("role", staff.pk, member.pk)]
    assert AuditEntry.objects.get().detail == {"role": "leader"}


def test_invitations_answered(team):
    yes, no = UserFactory(), UserFactory()
    services.invite_members(team=team, users=[yes, no], by=None)
    services.accept_invitation(membership=Membership.objects.get(user=yes), user=yes)
    services.decline_invitation(membership=Membership.objects.get(user=no), user=no)

    assert entries()[-2:] == [("accepted", yes.pk, yes.pk), ("declined", no.pk, no.pk)]
    assert [action for action, _actor, _subject in entries()[:2]] == ["invited", "invited"]


def test_full_numbers_seen(team, client_for):
    staff = OfficeStaffFactory(office=team.office, can_view_pii=True).user
    masked_staff = OfficeStaffFactory(office=team.office, can_view_pii=False).user
    member = volunteer_in(team)

    client_for(masked_staff).get(reverse("volunteers:detail", args=[member.pk]))
    client_for(member.user).get(reverse("volunteers:detail", args=[member.pk]))  # one's own: not logged
    client_for(staff).get(reverse("volunteers:detail", args=[member.pk]))

    assert entries() == [("pii_viewed", staff.pk, member.user.pk)]


def test_the_log_is_for_the_offices_admins_only(team, client_for):
    staff = OfficeStaffFactory(office=team.office).user
    other_staff = OfficeStaffFactory(office=CommunityFactory()).user
    member = volunteer_in(team)
    services.set_role(membership=Membership.objects.get(user=member.user), role="leader", by=staff)

    page = client_for(staff).get(reverse("teams:audit"))
    elsewhere = client_for(other_staff).get(reverse("teams:audit"))

    assert page.status_code == 200 and member.real_name in page.content.decode()
    assert elsewhere.status_code == 200 and member.real_name not in elsewhere.content.decode()
    assert client_for(VolunteerFactory().user).get(reverse("teams:audit")).status_code == 404
