import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hours import ledger
from hours.stars import DEFAULT_THRESHOLDS, star_level, thresholds_for
from tests.factories import CommunityFactory, TeamFactory, UserFactory
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(name="银龄互助志愿服务队")


def days_ago(days: int) -> datetime.datetime:
    return at(timezone.localdate() - datetime.timedelta(days=days))


@pytest.mark.parametrize(
    ("minutes", "stars", "to_next"),
    [
        (0, 0, 100),
        (99 * 60 + 59, 0, 0),  # never rounded up into a star
        (100 * 60, 1, 200),
        (450 * 60, 2, 150),
        (1500 * 60, 5, None),
    ],
)
def test_star_levels_follow_the_default_thresholds(minutes, stars, to_next):
    level = star_level(minutes)
    assert level.stars == stars
    assert (level.hours_to_next if to_next is None or to_next else round(level.hours_to_next)) == to_next


def test_an_office_may_set_its_own_thresholds_and_its_communities_inherit_them():
    community = CommunityFactory()
    assert thresholds_for(community) == DEFAULT_THRESHOLDS
    community.parent.star_thresholds = [50, 150]
    community.parent.save()
    assert thresholds_for(community) == (50, 150)
    community.star_thresholds = [10]
    assert thresholds_for(community) == (10,)
    assert star_level(60 * 60, (50, 150)).stars == 1


@pytest.mark.parametrize("thresholds", [[300, 100], [0, 10], ["a"], [True], {"1": 100}])
def test_star_thresholds_must_be_increasing_whole_hours(thresholds):
    community = CommunityFactory.build(star_thresholds=thresholds, parent=None, kind="street")
    with pytest.raises(ValidationError):
        community.clean()


def test_my_hours_shows_totals_star_level_and_labelled_records(client_for, team, volunteer):
    team.office.star_thresholds = [3, 10]
    team.office.save()
    record = post(volunteer, team, key="a:1", starts_at=days_ago(400), minutes=180)
    post(volunteer, team, key="a:2", starts_at=days_ago(1), minutes=120)
    staff = UserFactory()
    ledger.correct_record(record=record, minutes=150, reason="签退记错", by=staff)

    page = client_for(volunteer.user).get(reverse("hours:my_hours")).content.decode()

    assert "独居老人探访" in page
    assert "银龄互助志愿服务队" in page
    assert 'data-testid="total-hours"><strong>4.5' in page  # 150 + 120 minutes
    assert "★" in page  # 4.5 h ≥ the office's 3 h first star
    assert "5.5" in page  # hours to the next star at 10 h
    for label in ("冲销", "更正后", "已更正"):  # reversal, corrected value, corrected
        assert label in page


def test_the_home_page_shows_my_hours_in_figures_and_the_me_tab_links_to_them(client_for, volunteer):
    client = client_for(volunteer.user)
    home = client.get(reverse("volunteers:home")).content.decode()
    assert home.count(f'href="{reverse("hours:my_hours")}"') == 1
    assert "累计小时数" in home
    me = client.get(reverse("volunteers:me")).content.decode()
    assert f'href="{reverse("hours:my_hours")}"' in me
    assert "我的时长" in me


def test_someone_without_a_profile_is_sent_to_the_profile_form(client_for):
    response = client_for(UserFactory(is_superuser=True)).get(reverse("hours:my_hours"))
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:profile")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_my_hours_asks_the_same_number_of_queries_for_5_or_200_records(client_for, team, volunteer):
    client = client_for(volunteer.user)
    url = reverse("hours:my_hours")
    for number in range(5):
        post(volunteer, team, key=f"few:{number}", starts_at=days_ago(number + 1))
    client.get(url)  # warm the per-process caches

    few = _queries(client, url)
    for number in range(195):
        post(volunteer, team, key=f"many:{number}", starts_at=days_ago(number + 10))
    many = _queries(client, url)

    assert many == few
    assert ledger.totals(volunteer)["all_time"] == 200 * 120


def test_the_record_list_is_paginated(client_for, team, volunteer):
    for number in range(30):
        post(volunteer, team, key=f"r:{number}", starts_at=days_ago(number + 1))
    page = client_for(volunteer.user).get(reverse("hours:my_hours"), {"page": 2}).content.decode()
    assert page.count('data-kind="attendance"') == 10  # twenty a page
