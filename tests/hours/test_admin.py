"""The admin only looks at the ledger and the closed months (DESIGN rules 9 and 10)."""

import datetime

import pytest
from django.urls import reverse

from hours import months
from tests.factories import TeamFactory, UserFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
MODELS = ["servicerecord", "monthclose"]


@pytest.fixture
def superuser_client(client_for):
    return client_for(UserFactory(is_staff=True, is_superuser=True))


@pytest.fixture
def servicerecord():
    team = TeamFactory()
    return post(volunteer_in(team), team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)


@pytest.fixture
def monthclose(servicerecord):
    return months.close_month(office=servicerecord.office, month=MARCH, by=None, today=datetime.date(2026, 4, 2))


@pytest.fixture(params=MODELS)
def row(request):
    """A service record, then a closed month: each admin page is tried on both."""
    return request.getfixturevalue(request.param)


def url(row, view: str, *args) -> str:
    return reverse(f"admin:hours_{row._meta.model_name}_{view}", args=args)


def fields(row) -> dict:
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


def test_a_superuser_opens_the_list_and_a_rows_page_read_only(superuser_client, row):
    listing = superuser_client.get(url(row, "changelist"))
    page = superuser_client.get(url(row, "change", row.pk))

    assert listing.status_code == 200 and page.status_code == 200
    assert url(row, "change", row.pk) in listing.content.decode()
    html = page.content.decode()
    assert str(row) in html
    assert 'name="_save"' not in html  # nothing to save
    assert url(row, "delete", row.pk) not in html
    assert url(row, "add") not in listing.content.decode()
    assert "delete_selected" not in listing.content.decode()


def test_adding_is_refused(superuser_client, row):
    assert superuser_client.get(url(row, "add")).status_code == 403
    assert superuser_client.post(url(row, "add"), {"month": "2026-02-01", "minutes": "60"}).status_code == 403
    assert type(row).objects.count() == 1


def test_changing_is_refused(superuser_client, row):
    before = fields(row)

    response = superuser_client.post(
        url(row, "change", row.pk), {"minutes": "999", "activity": "改过", "month": "2026-02-01", "snapshot": "{}"}
    )

    assert response.status_code == 403
    row.refresh_from_db()
    assert fields(row) == before


def test_deleting_is_refused(superuser_client, row):
    assert superuser_client.get(url(row, "delete", row.pk)).status_code == 403
    assert superuser_client.post(url(row, "delete", row.pk), {"post": "yes"}).status_code == 403
    # Nor as a bulk action from the list.
    superuser_client.post(
        url(row, "changelist"), {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )

    assert type(row).objects.filter(pk=row.pk).exists()
