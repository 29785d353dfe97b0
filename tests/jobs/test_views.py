"""Who sees a job, its progress and its file: the person who asked and staff of its office
(or above); another office's staff, and everyone else, get a 404."""

import datetime

import pytest
from django.urls import reverse

from hours import workbook_jobs
from jobs.models import Job
from tests.factories import CommunityFactory, OfficeStaffFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2027, 3, 1)


@pytest.fixture
def offices():
    community = CommunityFactory(name="阳光社区")
    neighbour = CommunityFactory(name="月亮社区", parent=community.parent)
    people = {}
    for name, office, pii in [
        ("asker", community, True),
        ("colleague", community, False),
        ("street", community.parent, False),
        ("neighbour", neighbour, True),
    ]:
        people[name] = VolunteerFactory().user
        OfficeStaffFactory(office=office, user=people[name], can_view_pii=pii)
    people["volunteer"] = VolunteerFactory().user
    return community, people


def done_job(community, user, *, unmasked=False) -> Job:
    job = workbook_jobs.prepare_month_workbook(user=user, office=community, month=MARCH, unmasked=unmasked)
    workbook_jobs.build_month_workbook.call(str(job.pk), job.attempt)
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    return job


@pytest.mark.parametrize(
    ("who", "status"), [("asker", 200), ("colleague", 200), ("street", 200), ("neighbour", 404), ("volunteer", 404)]
)
@pytest.mark.parametrize("name", ["jobs:detail", "jobs:status", "jobs:download"])
def test_a_job_is_for_the_asker_and_the_staff_of_its_office(offices, client_for, who, status, name):
    community, people = offices
    job = done_job(community, people["asker"])

    response = client_for(people[who]).get(reverse(name, args=[job.pk]))

    assert response.status_code == status
    if name == "jobs:download" and status == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Cache-Control"] == "no-store, private"
        assert b"".join(response.streaming_content)[:2] == b"PK"


def test_the_status_tells_progress_and_the_download(offices, client_for):
    community, people = offices
    job = done_job(community, people["asker"])

    status = client_for(people["colleague"]).get(reverse("jobs:status", args=[job.pk])).json()

    assert status["state"] == "done"
    assert status["done"] == status["total"]  # an empty month: no rows to write
    assert status["percent"] == 100
    assert status["download_url"] == reverse("jobs:download", args=[job.pk])


def test_a_file_with_full_numbers_is_only_for_staff_allowed_to_see_them(offices, client_for):
    community, people = offices
    job = done_job(community, people["asker"], unmasked=True)
    url = reverse("jobs:download", args=[job.pk])

    assert client_for(people["asker"]).get(url).status_code == 200
    assert client_for(people["colleague"]).get(url).status_code == 404  # no PII flag
    assert client_for(people["colleague"]).get(reverse("jobs:status", args=[job.pk])).json()["download_url"] is None
    assert client_for(people["neighbour"]).get(url).status_code == 404  # PII, of another office


def test_the_file_is_not_in_a_public_place(offices, settings):
    community, people = offices
    job = done_job(community, people["asker"])

    assert job.result.name.startswith(f"jobs/{job.pk}/")
    assert not job.result.name.startswith(str(settings.STATIC_ROOT))


def test_preparing_from_the_exports_page_leads_to_the_job(offices, client_for, django_capture_on_commit_callbacks):
    community, people = offices
    client = client_for(people["colleague"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hours:export_prepare"), {"prepare-office": community.pk, "prepare-month": "2027-03"}
        )

    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page
    exports_page = client.get(reverse("hours:exports")).content.decode()
    assert job.get_absolute_url() in exports_page
    assert "js/jobs.js" in exports_page


def test_the_exports_page_shows_a_bar_for_a_job_in_progress(offices, client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    community, people = offices
    job = workbook_jobs.prepare_month_workbook(user=people["asker"], office=community, month=MARCH)

    page = client_for(people["street"]).get(reverse("hours:exports")).content.decode()

    assert reverse("jobs:status", args=[job.pk]) in page
    assert "<progress" in page
    assert "<progress" not in client_for(people["neighbour"]).get(reverse("hours:exports")).content.decode()


def test_a_prepare_without_office_shows_the_form_again(offices, client_for):
    _community, people = offices

    response = client_for(people["asker"]).post(reverse("hours:export_prepare"), {"prepare-month": "2027-03"})

    assert response.status_code == 200
    assert not Job.objects.exists()


def test_staff_of_another_office_cannot_prepare_for_it(offices, client_for):
    community, people = offices

    response = client_for(people["neighbour"]).post(
        reverse("hours:export_prepare"), {"prepare-office": community.pk, "prepare-month": "2027-03"}
    )

    assert response.status_code == 200  # the office is not among their choices
    assert not Job.objects.exists()
