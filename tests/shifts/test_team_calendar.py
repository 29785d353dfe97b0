import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shifts.models import Signup
from shifts.selectors import team_calendar, week_start
from teams.models import Membership
from tests.factories import (
    MembershipFactory,
    OfficeStaffFactory,
    ShiftFactory,
    TeamFactory,
    VolunteerFactory,
    volunteer_in,
)

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def shift_on(team, day: datetime.date, hour: int = 9, **fields):
    starts = at(day, hour)
    return ShiftFactory(team=team, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), **fields)


def calendar_url(team, **params) -> str:
    url = reverse("shifts:team_calendar", args=[team.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def member(team):
    return volunteer_in(team)


def test_a_member_sees_four_weeks_from_this_monday_grouped_by_day(client_for, team, member):
    today = timezone.localdate()
    monday = week_start(today)
    soon = shift_on(team, today + datetime.timedelta(days=1), title="明天的课堂")
    late_at_night = shift_on(team, monday + datetime.timedelta(days=27), hour=23, title="四周末夜巡")
    too_late = shift_on(team, monday + datetime.timedelta(days=28), title="第五周")
    other_team = shift_on(TeamFactory(), today + datetime.timedelta(days=1), title="别队的班")

    response = client_for(member.user).get(calendar_url(team))

    assert response.status_code == 200
    weeks = response.context["weeks"]
    assert len(weeks) == 4
    assert [len(week.days) for week in weeks] == [7, 7, 7, 7]
    assert weeks[0].days[0].date == monday and monday.weekday() == 0
    by_day = {day.date: [shift.pk for shift in day.shifts] for week in weeks for day in week.days}
    assert soon.pk in by_day[today + datetime.timedelta(days=1)]
    assert by_day[monday + datetime.timedelta(days=27)] == [late_at_night.pk]  # Shanghai's day, not UTC's
    assert [day.is_today for week in weeks for day in week.days].count(True) == 1
    content = response.content.decode()
    assert soon.title in content and late_at_night.title in content
    assert too_late.title not in content and other_team.title not in content
    assert soon.get_absolute_url() in content


def test_each_shift_shows_time_places_taken_and_its_state(client_for, team, member):
    day = timezone.localdate() + datetime.timedelta(days=2)
    full = shift_on(team, day, hour=18, capacity=1, title="满员班")
    Signup.objects.create(shift=full, volunteer=member, status=Signup.Status.CONFIRMED)
    cancelled = shift_on(team, day, hour=9, is_cancelled=True, title="取消的班")
    open_shift = shift_on(team, day, hour=14, capacity=5, title="空位班")

    response = client_for(member.user).get(calendar_url(team), HTTP_ACCEPT_LANGUAGE="en")

    content = response.content.decode()
    shifts = {shift.pk: shift for week in response.context["weeks"] for day in week.days for shift in day.shifts}
    assert [shifts[pk].current_state for pk in (full.pk, cancelled.pk, open_shift.pk)] == ["full", "cancelled", "open"]
    assert "18:00–20:00" in content
    assert "1 of 1 taken" in content and "0 of 5 taken" in content
    assert ">Full<" in content and ">Cancelled<" in content and ">Open<" in content
    assert "Signed up" in content  # the member's own sign-up
    day_shifts = next(d for week in response.context["weeks"] for d in week.days if d.date == day).shifts
    assert [shift.pk for shift in day_shifts] == [cancelled.pk, open_shift.pk, full.pk]  # by time


def test_the_chinese_page(client_for, team, member):
    shift_on(team, timezone.localdate() + datetime.timedelta(days=1), capacity=4)

    content = client_for(member.user).get(calendar_url(team), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()

    assert "下一周" in content and "上一周" in content
    assert "已报 0 / 4" in content


def test_start_moves_by_weeks_and_bad_input_falls_back_to_today(client_for, team, member):
    client = client_for(member.user)
    this_monday = week_start(timezone.localdate())
    later = this_monday + datetime.timedelta(weeks=6, days=3)  # a Thursday
    shift = shift_on(team, later, title="六周后")

    response = client.get(calendar_url(team, start=later.isoformat()))

    assert response.context["weeks"][0].days[0].date == week_start(later)
    assert shift.title in response.content.decode()
    assert response.context["previous_start"] == week_start(later) - datetime.timedelta(weeks=1)
    assert response.context["next_start"] == week_start(later) + datetime.timedelta(weeks=1)
    content = response.content.decode()
    assert f"?start={response.context['next_start']:%Y-%m-%d}" in content
    assert f"?start={response.context['previous_start']:%Y-%m-%d}" in content
    for bad in ("tomorrow", "2026-02-30", "", "9999-12-31", "0001-01-01", "2026-1-1%00"):
        response = client.get(reverse("shifts:team_calendar", args=[team.pk]), {"start": bad})
        assert response.status_code == 200, bad
        assert response.context["weeks"][0].days[0].date == this_monday, bad


def test_past_weeks_show_finished_shifts(client_for, team, member):
    past = timezone.localdate() - datetime.timedelta(days=14)
    shift = shift_on(team, past, title="两周前")

    response = client_for(member.user).get(calendar_url(team, start=past.isoformat()))

    shifts = [s for week in response.context["weeks"] for day in week.days for s in day.shifts]
    assert [(s.pk, s.current_state) for s in shifts] == [(shift.pk, "finished")]


@pytest.mark.parametrize("who", ["leader", "office_staff", "superuser"])
def test_those_who_run_the_team_see_the_calendar(client_for, team, who):
    if who == "leader":
        user = volunteer_in(team, Membership.Role.LEADER).user
    elif who == "office_staff":
        user = OfficeStaffFactory(office=team.office).user
    else:
        user = VolunteerFactory(user__is_superuser=True).user
    shift = shift_on(team, timezone.localdate() + datetime.timedelta(days=3), title="队内班")

    response = client_for(user).get(calendar_url(team))

    assert response.status_code == 200
    assert shift.title in response.content.decode()
    assert reverse("shifts:create", args=[team.pk]) in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "pending", "left", "other_leader"])
def test_others_get_404(client_for, team, who):
    if who == "outsider":
        user = VolunteerFactory().user
    elif who == "other_leader":
        user = volunteer_in(TeamFactory(), Membership.Role.LEADER).user
    else:
        status = Membership.Status.PENDING if who == "pending" else Membership.Status.LEFT
        user = MembershipFactory(team=team, user=VolunteerFactory().user, status=status).user
    shift_on(team, timezone.localdate() + datetime.timedelta(days=3), is_public=True)

    assert client_for(user).get(calendar_url(team)).status_code == 404


def test_unknown_team_is_404_and_anonymous_visitors_log_in(client, client_for, member, team):
    assert client_for(member.user).get(reverse("shifts:team_calendar", args=[999999])).status_code == 404
    response = client.get(calendar_url(team))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_members_of_an_inactive_team_get_404(client_for, team, member):
    team.is_active = False
    team.save()

    assert client_for(member.user).get(calendar_url(team)).status_code == 404


def test_the_team_page_links_to_the_calendar_for_members_and_leaders(client_for, team, member):
    url = reverse("shifts:team_calendar", args=[team.pk])
    leader = volunteer_in(team, Membership.Role.LEADER)

    assert url in client_for(member.user).get(team.get_absolute_url()).content.decode()
    assert client_for(leader.user).get(team.get_absolute_url()).content.decode().count(url) == 1
    assert url not in client_for(VolunteerFactory().user).get(team.get_absolute_url()).content.decode()


def _add_shifts(team, how_many: int) -> None:
    today = timezone.localdate()
    for number in range(how_many):
        shift = shift_on(team, today + datetime.timedelta(days=number % 20), hour=8 + number % 12)
        Signup.objects.create(shift=shift, volunteer=volunteer_in(team), status=Signup.Status.CONFIRMED)


def test_the_selector_asks_one_query_whatever_the_number_of_shifts(django_assert_num_queries, team, member):
    user = member.user
    start = timezone.localdate()
    team_calendar(team, user, start, 4)  # grants are worked out once per user object
    _add_shifts(team, 5)
    with django_assert_num_queries(1):
        weeks = team_calendar(team, user, start, 4)
    assert sum(week.shift_count for week in weeks) == 5
    _add_shifts(team, 35)
    with django_assert_num_queries(1):
        weeks = team_calendar(team, user, start, 4)
    assert sum(week.shift_count for week in weeks) == 40


@pytest.mark.parametrize("role", ["member", "leader"])
def test_the_page_asks_the_same_number_of_queries_for_5_or_40_shifts(client_for, team, member, role):
    user = member.user if role == "member" else volunteer_in(team, Membership.Role.LEADER).user
    client = client_for(user)
    url = calendar_url(team)
    client.get(url)  # warm the per-process caches
    _add_shifts(team, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_shifts(team, 35)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert sum(week.shift_count for week in response.context["weeks"]) == 40
    assert len(many) == len(few)
