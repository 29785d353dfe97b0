import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from shifts.models import Shift, Signup
from shifts.services import sign_up
from teams.models import Membership
from tests.factories import ShiftFactory, TeamFactory, VolunteerFactory, volunteer_in

pytestmark = pytest.mark.django_db


def test_the_list_shows_my_teams_shifts_and_public_ones_grouped_by_day(client_for):
    team = TeamFactory()
    volunteer = volunteer_in(team)
    mine = ShiftFactory(team=team, title="六点半课堂辅导")
    public = ShiftFactory(title="河道巡护", is_public=True)
    hidden = ShiftFactory(title="内部培训")
    ShiftFactory(team=team, title="已取消", is_cancelled=True)
    page = client_for(volunteer.user).get(reverse("shifts:list"))
    content = page.content.decode()
    assert mine.title in content and public.title in content
    assert hidden.title not in content and "已取消" not in content
    assert len(page.context["days"]) >= 1


def test_the_list_filters_by_team_and_date(client_for):
    first, second = TeamFactory(), TeamFactory()
    volunteer = volunteer_in(first)
    Membership.objects.create(team=second, user=volunteer.user, status=Membership.Status.ACTIVE)
    soon = ShiftFactory(team=first, title="明天")
    later = ShiftFactory(team=first, title="九天后的培训", starts_at=timezone.now() + datetime.timedelta(days=9))
    other = ShiftFactory(team=second, title="别队")
    client = client_for(volunteer.user)
    content = client.get(reverse("shifts:list"), {"team": first.pk}).content.decode()
    # Seven days a page: the one nine days ahead is on a later page.
    assert soon.title in content and later.title not in content and other.title not in content
    from_date = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    content = client.get(reverse("shifts:list"), {"from": from_date}).content.decode()
    assert later.title in content and soon.title not in content
    assert client.get(reverse("shifts:list"), {"from": "not-a-date", "team": "x"}).status_code == 200


def test_the_shift_list_asks_a_fixed_number_of_queries(client_for):
    team = TeamFactory()
    volunteer = volunteer_in(team)
    client = client_for(volunteer.user)
    ShiftFactory.create_batch(3, team=team)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("shifts:list"))
    for shift in ShiftFactory.create_batch(30, team=team):
        sign_up(shift=shift, volunteer=volunteer_in(team))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("shifts:list"))
    assert len(many) == len(few)


def test_sign_up_for_the_last_place_then_the_waitlist_then_promotion(client_for):
    shift = ShiftFactory(capacity=1)
    first, second = volunteer_in(shift.team), volunteer_in(shift.team)
    first_client, second_client = client_for(first.user), client_for(second.user)

    first_client.post(reverse("shifts:signup", args=[shift.pk]))
    page = second_client.post(reverse("shifts:signup", args=[shift.pk]), follow=True)
    assert page.context["waitlist_position"] == 1

    first_client.post(reverse("shifts:cancel_signup", args=[shift.pk]))
    page = second_client.get(shift.get_absolute_url())
    assert page.context["my_signup"].status == Signup.Status.CONFIRMED
    assert Notification.objects.filter(user=second.user).exists()


def test_a_refused_sign_up_shows_the_reason(client_for):
    shift = ShiftFactory(is_public=True, signup_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    volunteer = VolunteerFactory()
    page = client_for(volunteer.user).post(
        reverse("shifts:signup", args=[shift.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert [str(message) for message in page.context["messages"]] == ["Sign-up for this shift has closed."]
    assert not Signup.objects.exists()


def test_a_leader_creates_edits_and_cancels_a_shift_and_people_are_told(client_for):
    team = TeamFactory()
    leader = volunteer_in(team, Membership.Role.LEADER)
    client = client_for(leader.user)
    start = timezone.localtime() + datetime.timedelta(days=3)
    response = client.post(
        reverse("shifts:create", args=[team.pk]),
        {
            "title": "夜间巡逻",
            "place": "小区东门",
            "starts_at": start.strftime("%Y-%m-%dT21:00"),
            "ends_at": (start + datetime.timedelta(days=1)).strftime("%Y-%m-%dT01:00"),
            "capacity": 2,
        },
    )
    shift = Shift.objects.get(title="夜间巡逻")
    assert response.url == shift.get_absolute_url()
    assert shift.duration_minutes == 240
    assert shift.signup_closes_at == shift.starts_at
    member = volunteer_in(team)
    sign_up(shift=shift, volunteer=member)

    client.post(
        reverse("shifts:edit", args=[shift.pk]),
        {
            "title": "夜间巡逻",
            "place": "小区西门",
            "starts_at": start.strftime("%Y-%m-%dT21:00"),
            "ends_at": (start + datetime.timedelta(days=1)).strftime("%Y-%m-%dT01:00"),
            "capacity": 2,
        },
    )
    shift.refresh_from_db()
    assert shift.place == "小区西门"
    assert Notification.objects.filter(user=member.user).count() == 1

    client.post(reverse("shifts:cancel", args=[shift.pk]), {"reason": "暴雨预警"})
    shift.refresh_from_db()
    assert shift.is_cancelled
    assert Notification.objects.filter(user=member.user).count() == 2


def test_bad_shift_input_is_refused_with_field_errors(client_for):
    team = TeamFactory()
    leader = volunteer_in(team, Membership.Role.LEADER)
    start = timezone.localtime() + datetime.timedelta(days=3)
    response = client_for(leader.user).post(
        reverse("shifts:create", args=[team.pk]),
        {
            "title": "x",
            "place": "y",
            "starts_at": start.strftime("%Y-%m-%dT10:00"),
            "ends_at": start.strftime("%Y-%m-%dT09:00"),
            "capacity": 0,
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"ends_at", "capacity"}
    assert not Shift.objects.exists()


def test_a_leader_adds_a_member_by_hand_and_removes_with_a_reason(client_for):
    shift = ShiftFactory()
    leader = volunteer_in(shift.team, Membership.Role.LEADER)
    member = volunteer_in(shift.team)
    client = client_for(leader.user)
    client.post(reverse("shifts:roster_add", args=[shift.pk]), {"volunteer": member.pk})
    signup = Signup.objects.get(shift=shift, volunteer=member)
    assert signup.added_by == leader.user
    client.post(reverse("shifts:roster_remove", args=[shift.pk, signup.pk]), {"reason": ""})
    signup.refresh_from_db()
    assert signup.status == Signup.Status.CONFIRMED
    client.post(reverse("shifts:roster_remove", args=[shift.pk, signup.pk]), {"reason": "临时有事"})
    signup.refresh_from_db()
    assert signup.status == Signup.Status.REMOVED and signup.reason == "临时有事"


def test_another_teams_leader_cannot_touch_the_shift(client_for):
    shift = ShiftFactory()
    outsider = volunteer_in(TeamFactory(), Membership.Role.LEADER)
    client = client_for(outsider.user)
    assert client.get(shift.get_absolute_url()).status_code == 404
    assert client.post(reverse("shifts:cancel", args=[shift.pk])).status_code == 404
    assert client.get(reverse("shifts:create", args=[shift.team.pk])).status_code == 404
    shift.refresh_from_db()
    assert not shift.is_cancelled


def test_a_member_sees_the_shift_but_not_the_roster(client_for):
    shift = ShiftFactory()
    member = volunteer_in(shift.team)
    page = client_for(member.user).get(shift.get_absolute_url())
    assert page.status_code == 200 and "roster" not in page.context
    assert client_for(member.user).get(reverse("shifts:edit", args=[shift.pk])).status_code == 404


def test_my_shifts_lists_upcoming_and_past(client_for):
    team = TeamFactory()
    volunteer = volunteer_in(team)
    upcoming = ShiftFactory(team=team, title="下周服务")
    sign_up(shift=upcoming, volunteer=volunteer)
    past_start = timezone.now() - datetime.timedelta(days=3)
    past = ShiftFactory(
        team=team, title="上周服务", starts_at=past_start, ends_at=past_start + datetime.timedelta(hours=1)
    )
    Signup.objects.create(shift=past, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    page = client_for(volunteer.user).get(reverse("shifts:mine"))
    assert [signup.shift for signup in page.context["upcoming"]] == [upcoming]
    assert [signup.shift for signup in page.context["past"]] == [past]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_my_shifts_and_the_roster_ask_a_fixed_number_of_queries(client_for):
    team = TeamFactory()
    leader = volunteer_in(team, Membership.Role.LEADER)
    volunteer = volunteer_in(team)
    shift = ShiftFactory(team=team, capacity=3)
    sign_up(shift=shift, volunteer=volunteer)
    sign_up(shift=ShiftFactory(team=team, starts_at=timezone.now() + datetime.timedelta(days=3)), volunteer=volunteer)
    mine, roster = reverse("shifts:mine"), shift.get_absolute_url()
    volunteer_client, leader_client = client_for(volunteer.user), client_for(leader.user)
    few = (_queries(volunteer_client, mine), _queries(leader_client, roster))
    for hours in range(12):
        later = timezone.now() + datetime.timedelta(days=4, hours=3 * hours)
        sign_up(shift=ShiftFactory(team=team, starts_at=later), volunteer=volunteer)
        sign_up(shift=shift, volunteer=volunteer_in(team))
    assert (_queries(volunteer_client, mine), _queries(leader_client, roster)) == few
