"""The shift list on a phone: seven days a page, chips for this week and next, a date to
pick, the team kept, and never more than a page of shifts (issue 14)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shifts.selectors import list_window, week_start
from tests.factories import ShiftFactory, TeamFactory, volunteer_in

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def at(day: datetime.date, hour: int = 19) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def in_days(days: int, hour: int = 19) -> datetime.datetime:
    return at(timezone.localdate() + datetime.timedelta(days=days), hour)


def listed(page) -> list[str]:
    return [shift.title for _day, shifts in page.context["days"] for shift in shifts]


@pytest.fixture
def member():
    team = TeamFactory(name="夕阳红巡逻队")
    return volunteer_in(team)


def test_a_page_lists_seven_days_from_today_and_links_to_the_next_seven(client_for, member):
    team = member.user.memberships.get().team
    ShiftFactory(team=team, title="明晚巡逻", starts_at=in_days(1))
    ShiftFactory(team=team, title="六天后", starts_at=in_days(6))
    ShiftFactory(team=team, title="一周后", starts_at=in_days(7))
    client = client_for(member.user)

    page = client.get(reverse("shifts:list"))

    assert listed(page) == ["明晚巡逻", "六天后"]
    content = page.content.decode()
    later = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    assert f'href="?from={later}" data-testid="later"' in content
    assert 'data-testid="earlier"' not in content  # nothing before today is listed
    assert listed(client.get(reverse("shifts:list"), {"from": later})) == ["一周后"]


def test_this_week_and_next_week_chips(client_for, member):
    team = member.user.memberships.get().team
    today = timezone.localdate()
    next_monday = week_start(today) + datetime.timedelta(days=7)
    ShiftFactory(team=team, title="下周一", starts_at=at(next_monday))
    ShiftFactory(team=team, title="下周日", starts_at=at(next_monday + datetime.timedelta(days=6)))
    ShiftFactory(team=team, title="下下周一", starts_at=at(next_monday + datetime.timedelta(days=7)))
    client = client_for(member.user)

    content = client.get(reverse("shifts:list")).content.decode()
    assert f'href="?from={week_start(today).isoformat()}"' in content
    assert f'href="?from={next_monday.isoformat()}"' in content

    page = client.get(reverse("shifts:list"), {"from": next_monday.isoformat()})
    assert listed(page) == ["下周一", "下周日"]
    assert page.context["window"].is_next_week
    chip = re.search(r'<a class="chip current"[^>]*data-testid="next-week"', page.content.decode())
    assert chip and 'aria-current="true"' in chip.group(0)
    # The previous seven days are this week's: still to come, so linked.
    assert f'from={week_start(today).isoformat()}" data-testid="earlier"' in page.content.decode()


def test_the_team_chosen_stays_in_every_link(client_for, member):
    team = member.user.memberships.get().team
    other = TeamFactory(name="河道护卫队")
    member.user.memberships.create(team=other, status="active")
    ShiftFactory(team=team, title="本队", starts_at=in_days(1))
    ShiftFactory(team=other, title="别队", starts_at=in_days(1))

    page = client_for(member.user).get(reverse("shifts:list"), {"team": team.pk})

    assert listed(page) == ["本队"]
    links = re.findall(r'href="\?([^"]*)"', page.content.decode())
    assert links and all(link.startswith(f"team={team.pk}") for link in links)


def test_a_busy_week_is_paged_with_a_visible_next_page_link(client_for, member):
    team = member.user.memberships.get().team
    for day in range(1, 7):
        for hour in range(8, 15):  # 42 shifts in six days
            ShiftFactory(team=team, title=f"第{day}天{hour}点", starts_at=in_days(day, hour))
    client = client_for(member.user)

    first = client.get(reverse("shifts:list"))

    assert len(listed(first)) == 30
    content = first.content.decode()
    assert 'rel="next" data-testid="next-page"' in content
    next_url = re.search(r'href="\?([^"]*)" rel="next" data-testid="next-page"', content).group(1)
    second = client.get(f"{reverse('shifts:list')}?{next_url.replace('&amp;', '&')}")
    assert len(listed(second)) == 12
    assert set(listed(first)).isdisjoint(listed(second))
    assert 'data-testid="previous-page"' in second.content.decode()


def test_the_list_asks_the_same_queries_for_a_full_page_as_for_a_few_shifts(client_for, member):
    team = member.user.memberships.get().team
    client = client_for(member.user)
    ShiftFactory.create_batch(2, team=team, starts_at=in_days(1))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("shifts:list"))
    for shift in ShiftFactory.create_batch(40, team=team, starts_at=in_days(2)):
        volunteer_in(team).signups.create(shift=shift, status="confirmed")
    with CaptureQueriesContext(connection) as many:
        assert len(listed(client.get(reverse("shifts:list")))) == 30
    assert len(many) == len(few)


def test_an_empty_week_points_to_the_next_shift(client_for, member):
    team = member.user.memberships.get().team
    ShiftFactory(team=team, title="月度例会", starts_at=in_days(20))

    page = client_for(member.user).get(reverse("shifts:list"))

    assert listed(page) == []
    day = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    assert f'href="?from={day}" data-testid="next-shift-day"' in page.content.decode()


@pytest.mark.parametrize(
    ("requested", "start"),
    [
        (None, 0),
        (3, 3),
        (-3, -3),  # this week's Monday: still part of the week to come
        (-7, 0),  # all seven days past: from today
        (-30, 0),
    ],
)
def test_the_window_starts_on_the_day_asked_for_unless_it_is_all_past(requested, start):
    today = datetime.date(2027, 3, 10)
    day = None if requested is None else today + datetime.timedelta(days=requested)
    window = list_window(day, today)
    assert window.start == today + datetime.timedelta(days=start)
    assert window.end == window.start + datetime.timedelta(days=7)
    assert (window.earlier is None) == (window.start <= today)


def test_the_shift_title_is_one_large_link_and_the_stylesheet_gives_it_a_tap_size(client_for, member):
    team = member.user.memberships.get().team
    shift = ShiftFactory(team=team, title="六点半课堂", starts_at=in_days(1))
    content = client_for(member.user).get(reverse("shifts:list")).content.decode()
    assert f'<a class="shift-link" href="{shift.get_absolute_url()}"><strong>六点半课堂</strong>' in content
    assert "css/shifts.css" in content
