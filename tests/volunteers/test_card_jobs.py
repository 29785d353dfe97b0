"""A big team's QR card sheet prepared by a worker as one printable HTML file
(volunteers/card_jobs.py), with the immediate backend."""

import io

import pytest
from django.urls import reverse

from jobs.models import Job
from teams.models import Membership
from tests.factories import OfficeFactory, OfficeStaffFactory, VolunteerFactory, volunteer_in
from volunteers import card_jobs
from volunteers.cards import card_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(team):
    leader = volunteer_in(team, role=Membership.Role.LEADER)
    members = [volunteer_in(team) for _ in range(3)]
    volunteer_in(team).user.memberships.update(status=Membership.Status.LEFT)  # gone: no card
    return leader, [leader, *members]


@pytest.fixture
def big(settings):
    settings.CARD_SHEET_JOB_CARDS = 2


def prepare(client, team, capture) -> Job:
    with capture(execute=True):
        response = client.post(reverse("volunteers:card_sheet_prepare", args=[team.pk]))
    job = Job.objects.get(kind=card_jobs.KIND)
    assert response.status_code == 302
    assert response.url == job.get_absolute_url()
    return job


def test_a_big_team_prepares_its_card_sheet_as_a_file_with_every_card(
    client_for, team, crew, big, django_capture_on_commit_callbacks
):
    leader, carded = crew
    client = client_for(leader.user)
    page = client.get(reverse("volunteers:card_sheet", args=[team.pk]))
    assert page.context["prepare"]
    assert 'data-testid="print-card"' not in page.content.decode()

    job = prepare(client, team, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert (job.done, job.total) == (4, 4)
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    html = b"".join(download.streaming_content).decode()
    assert html.count('data-testid="print-card"') == 4
    for volunteer in carded:
        volunteer.refresh_from_db()
        assert card_token(volunteer) in html
        assert volunteer.real_name in html
        assert volunteer.user.phone[3:] not in html
    assert "<style>" in html and "@page" in html  # prints on A4 when opened from the disk
    assert html.count("<svg") == 4
    # The team's page lists the prepared sheet.
    again = client.get(reverse("volunteers:card_sheet", args=[team.pk]))
    assert job.get_absolute_url() in again.content.decode()


def test_progress_counts_every_card(team, crew):
    heard = []

    card_jobs.write_card_sheet(io.BytesIO(), team=team, language="zh-hans", progress=lambda *p: heard.append(p))

    assert heard == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_a_small_team_keeps_the_page_of_cards(client_for, team, crew):
    leader, carded = crew

    page = client_for(leader.user).get(reverse("volunteers:card_sheet", args=[team.pk]))

    assert page.content.decode().count('data-testid="print-card"') == len(carded)
    assert not Job.objects.exists()


def test_the_sheet_is_for_the_asker_and_their_office_staff(
    client_for, team, crew, big, django_capture_on_commit_callbacks
):
    leader, _carded = crew
    job = prepare(client_for(leader.user), team, django_capture_on_commit_callbacks)
    colleague, neighbour = VolunteerFactory().user, VolunteerFactory().user
    OfficeStaffFactory(office=team.office, user=colleague)
    OfficeStaffFactory(office=OfficeFactory(), user=neighbour)

    for name in ("jobs:detail", "jobs:status", "jobs:download"):
        url = reverse(name, args=[job.pk])
        assert client_for(leader.user).get(url).status_code == 200
        assert client_for(colleague).get(url).status_code == 200
        assert client_for(neighbour).get(url).status_code == 404


@pytest.mark.parametrize("who", ["member", "neighbour"])
def test_only_those_who_print_the_cards_may_prepare_them(client_for, team, crew, big, who):
    user = volunteer_in(team).user if who == "member" else VolunteerFactory().user
    if who == "neighbour":
        OfficeStaffFactory(office=OfficeFactory(), user=user)

    assert client_for(user).post(reverse("volunteers:card_sheet_prepare", args=[team.pk])).status_code == 404
    assert not Job.objects.exists()
