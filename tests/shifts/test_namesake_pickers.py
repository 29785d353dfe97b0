"""The leader's pickers (add to the roster, walk-in, backfill) and the scanner's roster
show a masked phone beside a name that occurs twice in the team (issue 14)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shifts.models import Signup
from teams.models import Membership
from tests.factories import MembershipFactory, ShiftFactory, TeamFactory, UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    team = TeamFactory()
    leader = VolunteerFactory(real_name="王队长")
    MembershipFactory(team=team, user=leader.user, role=Membership.Role.LEADER)
    people = [
        VolunteerFactory(real_name="张伟", user=UserFactory(phone="+8613800008000")),
        VolunteerFactory(real_name="张伟", user=UserFactory(phone="+8613900001234")),
        VolunteerFactory(real_name="李娜", user=UserFactory(phone="+8613700005555")),
    ]
    for volunteer in people:
        MembershipFactory(team=team, user=volunteer.user)
    return team, leader, people


def assert_told_apart(client, search_url: str, page_url: str) -> None:
    """The page carries the search box, no list; the search for 张 tells the two apart."""
    html = client.get(page_url).content.decode()
    assert f'data-search-url="{search_url}"' in html
    assert "<option" not in html.split('data-testid="person-search"')[1].split("</div>")[0]
    labels = [result["label"] for result in client.get(search_url, {"q": "张"}).json()["results"]]
    assert sorted(labels) == ["张伟（138****8000）", "张伟（139****1234）"]
    assert [result["label"] for result in client.get(search_url, {"q": "李"}).json()["results"]] == ["李娜"]
    assert "13800008000" not in html + str(client.get(search_url, {"q": "张"}).content)


def test_the_roster_add_picker_on_the_shift_page(client_for, world):
    team, leader, _people = world
    shift = ShiftFactory(team=team)
    search_url = reverse("shifts:member_search", args=[shift.pk])
    assert_told_apart(client_for(leader.user), search_url, shift.get_absolute_url())


def test_the_walk_in_picker_on_the_attendance_sheet(client_for, world):
    team, leader, _people = world
    starts_at = timezone.now() - datetime.timedelta(hours=1)
    shift = ShiftFactory(team=team, starts_at=starts_at)
    search_url = reverse("shifts:member_search", args=[shift.pk])
    assert_told_apart(client_for(leader.user), search_url, reverse("shifts:attendance", args=[shift.pk]))


def test_the_backfill_request_picker(client_for, world):
    team, leader, _people = world
    search_url = reverse("hours:backfill_member_search", args=[team.pk])
    assert_told_apart(client_for(leader.user), search_url, reverse("hours:backfill_request", args=[team.pk]))


def test_the_scanners_roster_uses_the_same_hints(client_for, world):
    team, leader, people = world
    shift = ShiftFactory(team=team)
    for volunteer in people:
        Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    page = client_for(leader.user).get(reverse("shifts:scanner", args=[shift.pk]))
    hints = {signup.volunteer.real_name + signup.hint for signup in page.context["roster"]}
    assert hints == {"张伟138****8000", "张伟139****1234", "李娜"}
