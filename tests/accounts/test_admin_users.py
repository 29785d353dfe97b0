"""The admin deactivates people; it never deletes them (they are in the ledger and the logs)."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for):
    return client_for(UserFactory(is_staff=True, is_superuser=True))


def test_the_admin_offers_no_delete_for_people(admin_client):
    person = UserFactory()

    response = admin_client.post(reverse("admin:accounts_user_delete", args=[person.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert User.objects.filter(pk=person.pk).exists()
    listing = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert 'value="delete_selected"' not in listing
    assert 'value="deactivate"' in listing


def test_the_admin_deactivates_people(admin_client):
    person = UserFactory()

    admin_client.post(
        reverse("admin:accounts_user_changelist"), {"action": "deactivate", "_selected_action": [person.pk]}
    )

    person.refresh_from_db()
    assert not person.is_active
