"""Every picker starts with words that say what to choose, never Django's "---------"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from needs import wishes
from tests.factories import (
    LeaderFactory,
    OfficeStaffFactory,
    PartnerUnitFactory,
    ShiftFactory,
    TeamFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db


def test_no_picker_shows_dashes(client_for):
    team = TeamFactory()
    leader = LeaderFactory(team=team, user=VolunteerFactory().user).user
    staff = OfficeStaffFactory(office=team.office).user
    shift = ShiftFactory(team=team)
    # Running now: its sheet offers the walk-in picker (one still to come says when it opens).
    running = ShiftFactory(team=team, starts_at=timezone.now() - datetime.timedelta(hours=1))
    # The partner unit pickers of a shift and of a wish's claim, with a unit to choose.
    PartnerUnitFactory(office=team.office)
    wish = wishes.post_wish(by=staff, office=team.office, title="一个新书包", beneficiary="王小明")
    pages = [
        (leader, reverse("shifts:create", args=[team.pk])),
        (leader, reverse("shifts:edit", args=[shift.pk])),
        (staff, wish.get_absolute_url()),
        (leader, reverse("hours:backfill_request", args=[team.pk])),
        (leader, reverse("shifts:attendance", args=[running.pk])),
        (leader, shift.get_absolute_url()),
        (staff, reverse("hours:exports")),
        (staff, reverse("hours:months")),
        (staff, reverse("teams:edit", args=[team.pk])),
    ]
    for user, url in pages:
        html = client_for(user).get(url).content.decode()
        assert "---------" not in html, url
    # The member pickers are search fields (issue 16): they say what to type instead.
    sheet = client_for(leader).get(reverse("shifts:attendance", args=[running.pk])).content.decode()
    assert 'data-testid="person-search"' in sheet
    assert "请输入姓名中的字、拼音（如 wxy 或 wangxiuying）或手机号后 4 位。" in sheet
