"""The evaluation pages: open, nominate, vote, close, and the public results with masked names."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from civic.models import Evaluation, Nomination, Vote
from tests.factories import volunteer_in

pytestmark = pytest.mark.django_db


def test_staff_open_an_evaluation_members_nominate_and_vote_and_the_public_sees_masked_results(
    client, team, staff, volunteer, monkeypatch
):
    today = timezone.localdate()
    client.force_login(staff)
    client.post(
        reverse("civic:evaluations", args=[team.office.pk]),
        {
            "title": "最美志愿者",
            "kind": "person",
            "nominations_from": f"{today:%Y-%m-%d}",
            "nominations_to": f"{today:%Y-%m-%d}",
            "voting_from": f"{today + datetime.timedelta(days=1):%Y-%m-%d}",
            "voting_to": f"{today + datetime.timedelta(days=2):%Y-%m-%d}",
            "seats": "1",
            "votes_per_voter": "1",
            "voters": "volunteers",
        },
    )
    evaluation = Evaluation.objects.get()
    client.force_login(volunteer.user)
    client.post(
        reverse("civic:nominate", args=[evaluation.pk]),
        {"phone": volunteer.user.national_phone, "reason": "常年助老"},
    )
    nomination = Nomination.objects.get()

    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    neighbour = volunteer_in(team)
    client.force_login(neighbour.user)
    client.post(reverse("civic:vote", args=[nomination.pk]))
    assert Vote.objects.filter(voter=neighbour.user).count() == 1
    page = client.get(reverse("civic:evaluation", args=[evaluation.pk])).content.decode()
    assert volunteer.public_name in page and volunteer.real_name not in page

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + datetime.timedelta(days=3))
    client.force_login(staff)
    client.post(reverse("civic:evaluation_close", args=[evaluation.pk]))
    client.logout()

    results = client.get(reverse("civic:evaluation_results", args=[evaluation.pk])).content.decode()
    assert volunteer.public_name in results
    assert volunteer.real_name not in results
    assert Nomination.objects.get().named
