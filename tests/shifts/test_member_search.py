"""The member pickers at a street office's size (issue 16): a team of 2,000 members sends
no list of 2,000 people, the search answers at most 20 in a fixed number of queries, and
the forms still take only the team's members."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from hours.models import BackfillRequest
from shifts.models import Attendance, Signup
from teams.models import Membership
from tests.factories import (
    LeaderFactory,
    MembershipFactory,
    ShiftFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    volunteer_in,
)
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

SURNAMES = "王李张刘陈杨赵黄周吴"


def add_members(team, count: int, start: int = 0) -> None:
    """`count` active members, in three bulk inserts (as a roster import writes them)."""
    users = User.objects.bulk_create(User(phone=f"+86135{n:08d}", password="!") for n in range(start, start + count))
    profiles = [Volunteer(user=user, real_name=f"{SURNAMES[n % 10]}{n:04d}") for n, user in enumerate(users, start)]
    for profile in profiles:
        profile.set_name_keys()
    Volunteer.objects.bulk_create(profiles)
    Membership.objects.bulk_create(
        Membership(team=team, user=user, status=Membership.Status.ACTIVE, joined_on=datetime.date(2026, 1, 5))
        for user in users
    )


@pytest.fixture
def world():
    team = TeamFactory()
    leader = VolunteerFactory(real_name="张队长")
    LeaderFactory(team=team, user=leader.user)
    wanted = VolunteerFactory(real_name="王秀英", user=UserFactory(phone="+8613800008000"))
    MembershipFactory(team=team, user=wanted.user)
    shift = ShiftFactory(team=team, starts_at=timezone.now() - datetime.timedelta(hours=1))
    return team, leader, wanted, shift


def queries_of(client, url, **params) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


def test_a_team_of_2000_sends_no_list_and_answers_20_in_the_same_queries(client_for, world):
    team, leader, _wanted, shift = world
    client = client_for(leader.user)
    pages = [
        shift.get_absolute_url(),
        reverse("shifts:attendance", args=[shift.pk]),
        reverse("hours:backfill_request", args=[team.pk]),
    ]
    searches = [
        reverse("shifts:member_search", args=[shift.pk]),
        reverse("hours:backfill_member_search", args=[team.pk]),
    ]
    add_members(team, 30)
    small = [queries_of(client, url)[0] for url in pages] + [queries_of(client, url, q="w")[0] for url in searches]

    add_members(team, 1970, start=30)
    assert Membership.objects.filter(team=team, status="active").count() == 2002
    large = []
    for url in pages:
        count, response = queries_of(client, url)
        large.append(count)
        html = response.content.decode()
        assert html.count("<option") < 20  # no list of the team
        assert "王0000" not in html and "李1971" not in html
    for url in searches:
        count, response = queries_of(client, url, q="w")
        large.append(count)
        results = response.json()["results"]
        assert len(results) == 20
        assert all(result["label"].startswith("王") for result in results)
        assert [result["label"] for result in results] == sorted(result["label"] for result in results)
    assert large == small


def test_pinyin_and_phone_tail_find_the_person_among_2000(client_for, world):
    team, leader, wanted, shift = world
    add_members(team, 2000)
    client = client_for(leader.user)
    url = reverse("shifts:member_search", args=[shift.pk])
    for typed in ("wxy", "wangxiuying", "王秀", "8000"):
        results = client.get(url, {"q": typed}).json()["results"]
        assert {"id": wanted.pk, "label": "王秀英"} in results, typed
        assert len(results) <= 20


def test_another_teams_leader_learns_nothing(client_for, world):
    team, _leader, _wanted, shift = world
    other = TeamFactory()
    stranger = VolunteerFactory()
    LeaderFactory(team=other, user=stranger.user)
    client = client_for(stranger.user)
    assert client.get(reverse("shifts:member_search", args=[shift.pk]), {"q": "王"}).status_code == 404
    assert client.get(reverse("hours:backfill_member_search", args=[team.pk]), {"q": "王"}).status_code == 404
    # A member who does not run the team does not search it either.
    member = volunteer_in(team)
    assert client_for(member.user).get(reverse("shifts:member_search", args=[shift.pk])).status_code == 404


def test_the_roster_add_form_without_javascript_finds_the_typed_name(client_for, world):
    _team, leader, wanted, _shift = world
    shift = ShiftFactory(team=_team, starts_at=timezone.now() + datetime.timedelta(days=1))
    client = client_for(leader.user)
    response = client.post(
        reverse("shifts:roster_add", args=[shift.pk]), {"volunteer": "", "volunteer_text": "wangxiuying"}
    )
    assert response.status_code == 302
    assert Signup.objects.live().filter(shift=shift, volunteer=wanted).exists()


def test_a_forged_id_of_someone_outside_the_team_is_refused_everywhere(client_for, world):
    team, leader, _wanted, shift = world
    outsider = volunteer_in(TeamFactory())
    client = client_for(leader.user)
    future = ShiftFactory(team=team, starts_at=timezone.now() + datetime.timedelta(days=1))
    client.post(reverse("shifts:roster_add", args=[future.pk]), {"volunteer": outsider.pk, "volunteer_text": "王秀英"})
    assert not Signup.objects.filter(volunteer=outsider).exists()
    client.post(
        reverse("shifts:attendance_walk_in", args=[shift.pk]),
        {"volunteer": outsider.pk, "volunteer_text": "王秀英", "checked_in": "09:00"},
    )
    assert not Attendance.objects.filter(volunteer=outsider).exists()
    today = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("hours:backfill_request", args=[team.pk]),
        {
            "volunteer": outsider.pk,
            "volunteer_text": "王秀英",
            "service_date": today.isoformat(),
            "start_time": "09:00",
            "end_time": "11:00",
            "activity": "巡逻",
            "hours": "2",
            "reason": "忘带卡",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("volunteer", code="invalid_choice")
    assert not BackfillRequest.objects.filter(volunteer=outsider).exists()
