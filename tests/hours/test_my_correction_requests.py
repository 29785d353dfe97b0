"""My hours lists every correction request I made, newest first, ten a page (DESIGN rule 9)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hours import requests
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db


def ask(volunteer, team, how_many: int, start: int = 0) -> list[datetime.date]:
    """One request per new record, oldest first; the records' service dates, in the same order."""
    days = []
    for number in range(start, start + how_many):
        day = timezone.localdate() - datetime.timedelta(days=number + 1)
        record = post(volunteer, team, key=f"r:{number}", starts_at=at(day))
        requests.ask_correction(record=record, by=volunteer.user, minutes=60, reason="签退时间记错")
        days.append(day)
    return days


def requests_shown(html: str, days: list[datetime.date]) -> list[datetime.date]:
    # The request table names the record as "date activity · hours"; the record table splits them.
    found = {html.find(f"{day:%Y-%m-%d} 独居老人探访 ·"): day for day in days}
    return [day for at_, day in sorted(found.items()) if at_ >= 0]


def test_older_requests_are_on_the_next_pages(client_for, team, volunteer):
    days = ask(volunteer, team, 12)
    client = client_for(volunteer.user)
    url = reverse("hours:my_hours")

    first = client.get(url).content.decode()
    second = client.get(url, {"requests-page": 2}).content.decode()

    assert requests_shown(first, days) == days[:1:-1]  # the ten newest, newest first
    assert requests_shown(second, days) == days[1::-1]
    assert "requests-page=2" in first
    assert second.count('data-kind="attendance"') == 12  # the record list stays on its first page


def test_a_few_requests_need_no_second_page(client_for, team, volunteer):
    days = ask(volunteer, team, 3)

    page = client_for(volunteer.user).get(reverse("hours:my_hours")).content.decode()

    assert requests_shown(page, days) == days[::-1]
    assert "requests-page=" not in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_my_hours_asks_the_same_number_of_queries_for_2_or_40_requests(client_for, team, volunteer):
    client = client_for(volunteer.user)
    url = reverse("hours:my_hours")
    ask(volunteer, team, 2)
    client.get(url)  # warm the per-process caches

    few = _queries(client, url)
    ask(volunteer, team, 38, start=2)
    many = _queries(client, url)

    assert many == few
