import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teams.models import Membership, OfficeStaff, Team
from tests.factories import (
    LeaderFactory,
    MembershipFactory,
    OfficeStaffFactory,
    TeamFactory,
    VolunteerFactory,
    volunteer_in,
)

pytestmark = pytest.mark.django_db


def test_a_volunteer_joins_an_open_team_from_its_page(client_for):
    team = TeamFactory(join_policy=Team.JoinPolicy.OPEN)
    client = client_for(VolunteerFactory().user)
    response = client.post(reverse("teams:join", args=[team.pk]), follow=True)
    assert response.status_code == 200
    assert Membership.objects.active().filter(team=team).count() == 1


def test_a_leader_approves_a_request_from_the_member_list(client_for):
    team = TeamFactory(join_policy=Team.JoinPolicy.APPROVAL)
    leader = volunteer_in(team, Membership.Role.LEADER)
    request = MembershipFactory(team=team, user=VolunteerFactory().user, status=Membership.Status.PENDING)
    client = client_for(leader.user)
    page = client.get(team.get_absolute_url())
    assert reverse("teams:decide", args=[team.pk, request.pk, "approve"]).encode() in page.content
    client.post(reverse("teams:decide", args=[team.pk, request.pk, "approve"]))
    request.refresh_from_db()
    assert request.status == Membership.Status.ACTIVE


def test_an_unknown_decision_is_not_found(client_for):
    team = TeamFactory()
    leader = volunteer_in(team, Membership.Role.LEADER)
    request = MembershipFactory(team=team, status=Membership.Status.PENDING)
    response = client_for(leader.user).post(reverse("teams:decide", args=[team.pk, request.pk, "maybe"]))
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == Membership.Status.PENDING


def test_staff_create_a_team_in_their_office_only(client_for):
    staff = OfficeStaffFactory(role=OfficeStaff.Role.ADMIN)
    VolunteerFactory(user=staff.user)
    other = TeamFactory()
    client = client_for(staff.user)
    form = client.get(reverse("teams:create")).context["form"]
    assert list(form.fields["office"].queryset) == [staff.office]
    response = client.post(
        reverse("teams:create"),
        {
            "office": other.office.pk,
            "name": "助残服务队",
            "code": "disability-help",
            "kind": other.kind.pk,
            "join_policy": "open",
            "rounding_minutes": 30,
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the other office is not a valid choice
    assert not Team.objects.filter(code="disability-help").exists()


def test_the_team_list_is_searchable_and_shows_my_status(client_for):
    team = TeamFactory(name="六点半课堂")
    TeamFactory(name="环保志愿队")
    volunteer = volunteer_in(team)
    response = client_for(volunteer.user).get(reverse("teams:list"), {"q": "六点半"})
    rows = list(response.context["table"].rows)
    assert [row.record.name for row in rows] == ["六点半课堂"]
    assert rows[0].record.my_status == Membership.Status.ACTIVE


def test_the_team_list_asks_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    volunteer = VolunteerFactory()
    TeamFactory.create_batch(3)
    client = client_for(volunteer.user)
    client.get(reverse("teams:list"))
    for team in TeamFactory.create_batch(20):
        LeaderFactory(team=team)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("teams:list")).status_code == 200


def test_the_member_list_asks_a_fixed_number_of_queries(client_for):
    team = TeamFactory()
    leader = volunteer_in(team, Membership.Role.LEADER)
    client = client_for(leader.user)
    for _ in range(2):
        volunteer_in(team)
    with CaptureQueriesContext(connection) as few:
        client.get(team.get_absolute_url())
    for _ in range(15):
        volunteer_in(team)
    with CaptureQueriesContext(connection) as many:
        client.get(team.get_absolute_url())
    assert len(many) == len(few)


def test_staff_appoint_a_leader_from_the_member_list(client_for):
    staff = OfficeStaffFactory()
    team = TeamFactory(office=staff.office)
    member = MembershipFactory(team=team, user=VolunteerFactory().user)
    response = client_for(staff.user).post(reverse("teams:set_role", args=[team.pk, member.pk]), {"role": "leader"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == Membership.Role.LEADER


def test_staff_see_an_empty_teams_members_section_and_its_tools(client_for):
    team = TeamFactory()
    staff = OfficeStaffFactory(office=team.office).user

    page = client_for(staff).get(team.get_absolute_url()).content.decode()

    assert 'data-testid="members"' in page
    assert reverse("volunteers:roster_import", args=[team.pk]) in page
