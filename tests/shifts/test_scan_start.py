"""The leader's shifts of today and tomorrow: on the home page and the 扫码 tab, each a tap from its scanner."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from teams.models import Membership
from tests.factories import ShiftFactory, TeamFactory, volunteer_in

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def leader_and_shifts():
    team, other_team = TeamFactory(), TeamFactory()
    leader = volunteer_in(team, Membership.Role.LEADER)
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    shifts = {
        "early today": ShiftFactory(team=team, title="今天早班", starts_at=at(today, 0), ends_at=at(today, 1)),
        "tonight": ShiftFactory(team=team, title="今晚课堂", starts_at=at(today, 23), ends_at=at(today, 23, 30)),
        "tomorrow": ShiftFactory(team=team, title="明天助餐", starts_at=at(tomorrow, 10), ends_at=at(tomorrow, 12)),
        "day after": ShiftFactory(
            team=team,
            title="后天探访",
            starts_at=at(today + datetime.timedelta(days=2), 10),
            ends_at=at(today + datetime.timedelta(days=2), 12),
        ),
        "yesterday": ShiftFactory(
            team=team,
            title="昨天活动",
            starts_at=at(today - datetime.timedelta(days=1), 10),
            ends_at=at(today - datetime.timedelta(days=1), 12),
        ),
        "cancelled": ShiftFactory(
            team=team, title="取消的班次", starts_at=at(tomorrow, 14), ends_at=at(tomorrow, 15), is_cancelled=True
        ),
        "other team": ShiftFactory(team=other_team, title="别队班次", starts_at=at(today, 9), ends_at=at(today, 10)),
    }
    return leader, shifts


@pytest.mark.parametrize("url_name", ["volunteers:home", "shifts:scan_start"])
def test_today_and_tomorrow_of_my_teams_each_with_its_scanner_and_sheet(client_for, leader_and_shifts, url_name):
    leader, shifts = leader_and_shifts
    page = client_for(leader.user).get(reverse(url_name)).content.decode()
    for key in ("early today", "tonight", "tomorrow"):
        shift = shifts[key]
        assert shift.title in page
        assert f'href="{reverse("shifts:scanner", args=[shift.pk])}"' in page
        assert f'href="{reverse("shifts:attendance", args=[shift.pk])}"' in page
    for key in ("day after", "yesterday", "cancelled", "other team"):
        assert shifts[key].title not in page
    assert page.index("今天早班") < page.index("今晚课堂") < page.index("明天助餐")


def test_each_shift_says_today_or_tomorrow_by_the_local_date(client_for, leader_and_shifts):
    """The early shift starts at 00:00 here, on yesterday's date in UTC."""
    leader, shifts = leader_and_shifts
    page = client_for(leader.user).get(reverse("volunteers:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    def day_of(key: str) -> str:
        card = page[page.index(f'data-testid="run-{shifts[key].pk}"') :]
        return card[card.index('class="shift-when">') + len('class="shift-when">') :].split()[0]

    assert [day_of(key) for key in ("early today", "tonight", "tomorrow")] == ["Today", "Today", "Tomorrow"]


def test_the_list_costs_the_same_queries_for_one_shift_or_many(client_for, leader_and_shifts):
    leader, shifts = leader_and_shifts
    client = client_for(leader.user)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("shifts:scan_start"))
    team = shifts["tonight"].team
    for hour in range(12, 20):
        ShiftFactory(team=team, starts_at=at(timezone.localdate(), hour), ends_at=at(timezone.localdate(), hour, 30))
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("shifts:scan_start")).content.decode()
    assert page.count('data-testid="scan-') == 11
    assert len(many) == len(few)


def test_a_volunteer_who_runs_nothing_has_no_scan_tab_and_no_scan_page(client_for):
    volunteer = volunteer_in(TeamFactory())
    client = client_for(volunteer.user)
    home = client.get(reverse("volunteers:home")).content.decode()
    assert 'data-testid="tab-scan"' not in home
    assert 'data-testid="home-leader"' not in home
    assert client.get(reverse("shifts:scan_start")).status_code == 404


def test_a_leader_has_the_scan_tab_and_it_is_marked_on_the_scanner_page(client_for, leader_and_shifts):
    leader, shifts = leader_and_shifts
    client = client_for(leader.user)
    home = client.get(reverse("volunteers:home")).content.decode()
    assert f'href="{reverse("shifts:scan_start")}" data-testid="tab-scan"' in home
    scanner = client.get(reverse("shifts:scanner", args=[shifts["tonight"].pk])).content.decode()
    assert 'aria-current="page" href="/scan/" data-testid="tab-scan"' in scanner
    # The back arrow goes to the tab's own page.
    assert 'class="topbar-back" href="/scan/"' in scanner
