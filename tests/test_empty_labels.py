"""Every picker starts with words that say what to choose, never Django's "---------"."""

import pytest
from django.urls import reverse

from tests.factories import LeaderFactory, OfficeStaffFactory, ShiftFactory, TeamFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def test_no_picker_shows_dashes(client_for):
    team = TeamFactory()
    leader = LeaderFactory(team=team, user=VolunteerFactory().user).user
    staff = OfficeStaffFactory(office=team.office).user
    shift = ShiftFactory(team=team)
    pages = [
        (leader, reverse("hours:backfill_request", args=[team.pk])),
        (leader, reverse("shifts:attendance", args=[shift.pk])),
        (leader, shift.get_absolute_url()),
        (staff, reverse("hours:exports")),
        (staff, reverse("hours:months")),
        (staff, reverse("teams:edit", args=[team.pk])),
    ]
    for user, url in pages:
        html = client_for(user).get(url).content.decode()
        assert "---------" not in html, url
