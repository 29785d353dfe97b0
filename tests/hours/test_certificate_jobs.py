"""Certificates for a whole team or office, issued and printed by a worker as one HTML file
(hours/certificate_jobs.py), with the immediate backend."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hours import certificate_jobs
from hours.models import Certificate
from jobs.models import Job
from jobs.services import retry_job
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    OfficeStaffFactory,
    TeamFactory,
    UserFactory,
    volunteer_in,
)
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db

PERIOD = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def world(settings):
    community = CommunityFactory(name="阳光社区")
    team = TeamFactory(office=community, name="银龄服务队")
    other_team = TeamFactory(office=community, name="巡逻队")
    served = [volunteer_in(team) for _ in range(3)]
    for number, volunteer in enumerate(served):
        post(volunteer, team, key=f"r{number}", starts_at=at(datetime.date(2026, 3, 6)), minutes=60 * (number + 1))
    patrol = volunteer_in(other_team)
    post(patrol, other_team, key="p", starts_at=at(datetime.date(2026, 2, 6)), minutes=90)
    both = served[0]
    # In a second team too: still one certificate, from the team joined first.
    MembershipFactory(team=other_team, user=both.user, joined_on=datetime.date(2026, 3, 1))
    idle = volunteer_in(team)  # no recorded service: no certificate
    staff = UserFactory()
    OfficeStaffFactory(office=community, user=staff)
    neighbour = UserFactory()
    OfficeStaffFactory(office=CommunityFactory(), user=neighbour)
    return {
        "office": community,
        "team": team,
        "served": served,
        "patrol": patrol,
        "idle": idle,
        "staff": staff,
        "neighbour": neighbour,
    }


def prepare(client, capture, **fields):
    with capture(execute=True):
        return client.post(
            reverse("hours:certificate_batch"),
            {f"batch-{name}": value for name, value in fields.items()},
        )


def file_of(client, job: Job) -> str:
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_a_teams_certificates_are_issued_and_printed_in_one_file(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world["staff"])

    response = prepare(
        client,
        django_capture_on_commit_callbacks,
        office=world["office"].pk,
        team=world["team"].pk,
        period_from="2026-01-01",
        period_to="2026-03-31",
    )

    job = Job.objects.get(kind=certificate_jobs.KIND)
    assert response.status_code == 302
    assert response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert (job.done, job.total) == (4, 4)  # the idle member is counted, not certified
    issued = Certificate.objects.filter(volunteer__in=[v.pk for v in world["served"]])
    assert issued.count() == 3
    assert not Certificate.objects.filter(volunteer=world["idle"]).exists()
    assert not Certificate.objects.filter(volunteer=world["patrol"]).exists()
    html = file_of(client, job)
    assert html.count('data-testid="certificate"') == 3
    for certificate in issued:
        assert certificate.number in html
        assert certificate.holder_name in html
        assert reverse("hours:verify", args=[certificate.verify_code]) in html
        assert certificate.issued_by == world["staff"]
    assert html.count("<svg") == 3
    assert "<style>" in html and "break-after: page" in html


def test_an_offices_certificates_cover_every_team_once_each(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world["staff"])

    prepare(
        client,
        django_capture_on_commit_callbacks,
        office=world["office"].pk,
        period_from="2026-01-01",
        period_to="2026-03-31",
    )

    job = Job.objects.get(kind=certificate_jobs.KIND)
    job.refresh_from_db()
    assert (job.state, job.total) == (Job.State.DONE, 5)
    assert Certificate.objects.count() == 4  # three of the team, the patrol; the person in both teams once
    html = file_of(client, job)
    assert html.count('data-testid="certificate"') == 4
    for certificate in Certificate.objects.all():
        assert certificate.number in html


def test_a_retried_batch_issues_nothing_twice(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world["staff"])
    prepare(
        client,
        django_capture_on_commit_callbacks,
        office=world["office"].pk,
        team=world["team"].pk,
        period_from="2026-01-01",
        period_to="2026-03-31",
    )
    job = Job.objects.get(kind=certificate_jobs.KIND)
    numbers = set(Certificate.objects.values_list("number", flat=True))
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, error="worker lost")

    with django_capture_on_commit_callbacks(execute=True):
        retried = retry_job(job=Job.objects.get(pk=job.pk))

    retried.refresh_from_db()
    assert retried.state == Job.State.DONE
    assert set(Certificate.objects.values_list("number", flat=True)) == numbers
    html = file_of(client, retried)
    assert all(number in html for number in numbers)


def test_progress_counts_every_person(world):
    heard = []

    certificate_jobs.write_certificates(
        io.BytesIO(),
        office=world["office"],
        team=world["team"],
        period_from=PERIOD[0],
        period_to=PERIOD[1],
        by=world["staff"],
        site="https://example.org/",
        language="zh-hans",
        progress=lambda *p: heard.append(p),
    )

    assert heard == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_only_staff_of_the_office_may_ask_and_see(world, client_for, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        certificate_jobs.print_certificates_later(
            user=world["neighbour"],
            office=world["office"],
            team=None,
            period_from=PERIOD[0],
            period_to=PERIOD[1],
            site="https://example.org/",
            language="zh-hans",
        )
    # The team must be of the office.
    with pytest.raises(PermissionDenied):
        certificate_jobs.print_certificates_later(
            user=world["staff"],
            office=CommunityFactory(),
            team=world["team"],
            period_from=PERIOD[0],
            period_to=PERIOD[1],
            site="https://example.org/",
            language="zh-hans",
        )
    prepare(
        client_for(world["staff"]),
        django_capture_on_commit_callbacks,
        office=world["office"].pk,
        period_from="2026-01-01",
        period_to="2026-03-31",
    )
    job = Job.objects.get(kind=certificate_jobs.KIND)

    for name in ("jobs:detail", "jobs:status", "jobs:download"):
        assert client_for(world["staff"]).get(reverse(name, args=[job.pk])).status_code == 200
        assert client_for(world["neighbour"]).get(reverse(name, args=[job.pk])).status_code == 404
    # Another office's staff cannot choose this office: the form does not offer it.
    response = prepare(
        client_for(world["neighbour"]),
        django_capture_on_commit_callbacks,
        office=world["office"].pk,
        period_from="2026-01-01",
        period_to="2026-03-31",
    )
    assert response.status_code == 200
    assert "office" in response.context["batch_form"].errors
    assert Job.objects.count() == 1


def test_a_period_in_the_future_is_refused(world):
    with pytest.raises(ValidationError):
        certificate_jobs.print_certificates_later(
            user=world["staff"],
            office=world["office"],
            team=None,
            period_from=PERIOD[0],
            period_to=datetime.date(2999, 1, 1),
            site="https://example.org/",
            language="zh-hans",
        )
    assert not Job.objects.exists()
