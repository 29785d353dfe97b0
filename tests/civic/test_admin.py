"""The admin looks at civic work; what the site decides (cards, registrations, evaluations,
votes) is never added or changed there."""

import pytest
from django.urls import reverse

from tests.factories import PartnerUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

EDITABLE = ["reportingtarget", "pointspolicy", "gooddeedkind", "shopitem"]
SITE_WRITTEN = ["partyreport", "quartercomment", "unitregistration", "unitproject", "evaluation", "gooddeed", "order"]
NEVER_REMOVED = ["nomination", "vote", "pointentry", "servicepost"]


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", EDITABLE + SITE_WRITTEN + NEVER_REMOVED)
def test_a_superuser_opens_every_civic_list(superuser_client, model):
    assert superuser_client.get(reverse(f"admin:civic_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", SITE_WRITTEN + NEVER_REMOVED)
def test_what_the_site_writes_is_not_added_in_the_admin(superuser_client, model):
    listing = superuser_client.get(reverse(f"admin:civic_{model}_changelist")).content.decode()

    assert superuser_client.get(reverse(f"admin:civic_{model}_add")).status_code == 403
    assert reverse(f"admin:civic_{model}_add") not in listing


@pytest.mark.parametrize("model", NEVER_REMOVED)
def test_votes_nominations_and_points_are_never_removed_in_the_admin(superuser_client, model):
    listing = superuser_client.get(reverse(f"admin:civic_{model}_changelist")).content.decode()

    assert "delete_selected" not in listing


def test_partner_units_are_kept_up_in_the_admin_but_join_through_the_site(superuser_client):
    listing = superuser_client.get(reverse("admin:teams_partnerunit_changelist"))

    assert listing.status_code == 200
    assert superuser_client.get(reverse("admin:teams_partnerunit_add")).status_code == 403


def test_grid_workers_are_only_looked_at_in_the_admin(superuser_client):
    listing = superuser_client.get(reverse("admin:teams_gridworker_changelist"))

    assert listing.status_code == 200
    assert superuser_client.get(reverse("admin:teams_gridworker_add")).status_code == 403
    assert "delete_selected" not in listing.content.decode()


def test_a_partner_unit_never_changes_office_in_the_admin(superuser_client):
    unit = PartnerUnitFactory()

    page = superuser_client.get(reverse("admin:teams_partnerunit_change", args=[unit.pk])).content.decode()

    assert 'name="office"' not in page
    assert 'name="name"' in page
