"""Big rosters checked and imported by a worker (volunteers/roster_jobs.py), with the
immediate backend: the preview and its mistakes are those of a small file, the import is
all or nothing, and a retried import never imports a file twice."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from jobs.services import retry_job, sweep_stale_jobs
from teams.models import AuditEntry, Membership, OfficeStaff
from tests.factories import OfficeFactory, OfficeStaffFactory, VolunteerFactory, resident_id, volunteer_in
from tests.volunteers.test_roster_views import (
    BORN,
    confirm,
    confirm_url,
    damaged_sheet,
    good_roster,
    person,
    roster_people,
    stored_uploads,
    upload,
    zh,
)
from tests.volunteers.xlsx import read_sheet, roster_bytes
from volunteers import roster_jobs, services
from volunteers.roster import read_roster
from volunteers.uploads import read_stored

pytestmark = pytest.mark.django_db

IMPORTED = (
    "Imported: %(created)d new volunteers joined; %(invited)d already registered were invited "
    "and join when they say yes."
)


@pytest.fixture
def staff(team):
    user = VolunteerFactory().user
    OfficeStaffFactory(office=team.office, user=user)
    return user


@pytest.fixture
def staff_client(client_for, staff):
    return client_for(staff)


@pytest.fixture
def big(settings):
    """Rosters of more than three rows go to a worker."""
    settings.ROSTER_IMPORT_JOB_ROWS = 3


def with_mistakes() -> bytes:
    VolunteerFactory(id_number=resident_id(7, BORN, male=True))
    good_id = resident_id(2, BORN, male=True)
    return roster_bytes(
        [
            person(1, 姓名=""),
            person(2),
            person(3, 手机号="1380000"),
            person(5, 手机号="13800000002"),
            person(6, 证件号码=good_id),
            person(7),
            person(8),
        ]
    )


def check_in_background(client, team, data, capture) -> Job:
    with capture(execute=True):
        response = upload(client, team, data)
    job = Job.objects.get(kind=roster_jobs.CHECK)
    assert response.status_code == 302
    assert response.url == job.get_absolute_url()
    return job


def shown(roster) -> tuple:
    rows = [
        (row.row, row.real_name, row.masked_phone, row.gender_label, row.grid, row.is_new_person) for row in roster.rows
    ]
    errors = [(error.row, error.column, error.message) for error in roster.errors]
    return rows, errors, roster.header_row


@pytest.mark.parametrize("make", [lambda: good_roster(5), with_mistakes], ids=["good", "with mistakes"])
def test_a_big_roster_shows_the_preview_and_mistakes_a_small_one_would(
    staff_client, team, settings, django_capture_on_commit_callbacks, make
):
    data = make()
    small = upload(staff_client, team, data).context["roster"]
    settings.ROSTER_IMPORT_JOB_ROWS = 3

    job = check_in_background(staff_client, team, data, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert (job.done, job.total) == (len(read_sheet(data)) - 1,) * 2  # every row under the header
    page = staff_client.get(job.get_absolute_url())
    checked_url = reverse("volunteers:roster_checked", args=[team.pk, job.pk])
    assert page.status_code == 302
    assert page.url == checked_url
    preview = staff_client.get(checked_url)
    assert preview.status_code == 200
    assert shown(preview.context["roster"]) == shown(small)
    html = preview.content.decode()
    assert "13800000001" not in html
    if small.errors:
        for error in small.errors:
            assert f"<td>{error.row}</td><td>{error.column}</td><td>{error.message}</td>" in html
        assert confirm_url(team) not in html
        assert stored_uploads(settings) == []
    else:
        assert "138****0005" in html
        assert f'name="upload_key" value="{preview.context["upload_key"]}"' in html
        assert len(stored_uploads(settings)) == 1
    assert roster_people() == 0


def test_a_big_file_that_cannot_be_read_says_so_on_the_upload_form(
    staff_client, team, settings, big, django_capture_on_commit_callbacks
):
    job = check_in_background(staff_client, team, damaged_sheet(settings), django_capture_on_commit_callbacks)

    preview = staff_client.get(reverse("volunteers:roster_checked", args=[team.pk, job.pk]))

    assert preview.context["form"].errors["file"] == [
        zh("The Excel file is damaged and cannot be read. Save it again as .xlsx.")
    ]
    assert "roster" not in preview.context
    assert stored_uploads(settings) == []


def checked_and_confirmed(client, team, capture) -> tuple[Job, str]:
    job = check_in_background(client, team, good_roster(5), capture)
    key = client.get(reverse("volunteers:roster_checked", args=[team.pk, job.pk])).context["upload_key"]
    with capture(execute=True):
        response = confirm(client, team, key)
    imported = Job.objects.get(kind=roster_jobs.IMPORT)
    assert response.status_code == 302
    assert response.url == imported.get_absolute_url()
    return imported, key


def test_confirming_a_big_roster_imports_it_in_the_background(
    staff_client, team, staff, settings, big, django_capture_on_commit_callbacks
):
    job, _key = checked_and_confirmed(staff_client, team, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert (job.done, job.total) == (10, 10)  # five rows read, five written
    assert roster_people() == 5
    assert Membership.objects.filter(team=team, status="active", decided_by=staff).count() == 5
    assert stored_uploads(settings) == []
    page = staff_client.get(job.get_absolute_url())
    assert page.context["summary"] == zh(IMPORTED, created=5, invited=0)
    assert zh(IMPORTED, created=5, invited=0) in page.content.decode()
    assert reverse("jobs:download", args=[job.pk]) not in page.content.decode()
    assert staff_client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_big_roster_confirmed_twice_is_imported_once(staff_client, team, big, django_capture_on_commit_callbacks):
    _first, key = checked_and_confirmed(staff_client, team, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        again = confirm(staff_client, team, key)

    assert again.url == reverse("volunteers:roster_import", args=[team.pk])
    assert Job.objects.filter(kind=roster_jobs.IMPORT).count() == 1
    assert roster_people() == 5
    assert Membership.objects.filter(team=team).count() == 5


def queued_import(client, team, settings, capture) -> Job:
    """Checked and confirmed, the import queued but not yet run."""
    job = check_in_background(client, team, good_roster(5), capture)
    key = client.get(reverse("volunteers:roster_checked", args=[team.pk, job.pk])).context["upload_key"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with capture(execute=True):
        confirm(client, team, key)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    job = Job.objects.get(kind=roster_jobs.IMPORT)
    assert job.state == Job.State.QUEUED
    return job


def test_an_import_that_fails_writes_nothing_tells_why_and_can_be_retried(
    staff_client, team, staff, settings, big, django_capture_on_commit_callbacks
):
    job = queued_import(staff_client, team, settings, django_capture_on_commit_callbacks)
    role = OfficeStaff.objects.get(user=staff)
    role.delete()  # the asker lost the office before the worker came to it

    with pytest.raises(PermissionDenied):
        roster_jobs.import_roster.call(str(job.pk), job.attempt)

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error == zh("You may no longer import rosters for this team.")
    assert roster_people() == 0
    assert len(stored_uploads(settings)) == 1  # kept for the retry
    OfficeStaffFactory(office=team.office, user=staff)
    with django_capture_on_commit_callbacks(execute=True):
        retried = retry_job(job=job)
    retried.refresh_from_db()
    assert retried.state == Job.State.DONE
    assert roster_people() == 5


def test_a_retry_after_a_worker_died_past_the_write_imports_nothing_again(
    staff_client, team, staff, settings, big, django_capture_on_commit_callbacks
):
    job = queued_import(staff_client, team, settings, django_capture_on_commit_callbacks)
    # The worker wrote the roster and was killed before it could say so.
    team_roster = read_roster(read_stored(job.params["upload"]))
    services.import_roster(team=team, roster=team_roster, by=staff, source=job.params["upload"])
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS + 5)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    assert sweep_stale_jobs(jobs=Job.objects.filter(pk=job.pk)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        retried = retry_job(job=Job.objects.get(pk=job.pk))

    retried.refresh_from_db()
    assert retried.state == Job.State.DONE
    assert roster_people() == 5
    assert Membership.objects.filter(team=team).count() == 5
    assert AuditEntry.objects.filter(team=team, action=AuditEntry.Action.ROSTER_IMPORT).count() == 1
    assert staff_client.get(retried.get_absolute_url()).context["summary"] == zh(IMPORTED, created=5, invited=0)


def test_the_write_is_all_or_nothing(team, staff, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_BATCH", 2)
    roster = read_roster(good_roster(5))

    def stop_after_the_first_batch(done, total):
        if done >= 2:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        services.import_roster(team=team, roster=roster, by=staff, progress=stop_after_the_first_batch)

    assert roster_people() == 0
    assert not Membership.objects.filter(team=team).exists()
    assert not AuditEntry.objects.filter(team=team).exists()


def test_progress_counts_rows_read_and_written(team, staff, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_BATCH", 2)
    read, written = [], []

    roster = read_roster(good_roster(5), progress=lambda done, total: read.append((done, total)))
    services.import_roster(
        team=team, roster=roster, by=staff, progress=lambda done, total: written.append((done, total))
    )

    assert read[0] == (0, 5) and read[-1] == (5, 5)
    assert written == [(0, 5), (2, 5), (4, 5), (5, 5), (5, 5)]
    assert roster_people() == 5


@pytest.fixture
def colleague(team):
    user = VolunteerFactory().user
    OfficeStaffFactory(office=team.office, user=user)
    return user


@pytest.fixture
def neighbour(team):
    user = VolunteerFactory().user
    OfficeStaffFactory(office=OfficeFactory(), user=user)
    return user


def test_a_check_is_for_the_asker_and_their_office_staff(
    staff_client, team, client_for, colleague, neighbour, big, django_capture_on_commit_callbacks
):
    job = check_in_background(staff_client, team, good_roster(5), django_capture_on_commit_callbacks)
    checked_url = reverse("volunteers:roster_checked", args=[team.pk, job.pk])

    for name in ("jobs:detail", "jobs:status"):
        assert client_for(colleague).get(reverse(name, args=[job.pk])).status_code in (200, 302)
        assert client_for(neighbour).get(reverse(name, args=[job.pk])).status_code == 404
    assert client_for(neighbour).get(checked_url).status_code == 404
    # A colleague sees the preview but cannot confirm someone else's upload.
    seen = client_for(colleague).get(checked_url)
    assert seen.status_code == 200
    assert "upload_key" not in seen.context
    assert 'data-testid="not-yours"' in seen.content.decode()
    # The page of another team, or another kind of job, is not this check.
    assert staff_client.get(reverse("volunteers:roster_checked", args=[team.pk + 1000, job.pk])).status_code == 404


def test_a_leader_cannot_start_a_big_import(client_for, team, big):
    leader = volunteer_in(team, role=Membership.Role.LEADER).user

    assert upload(client_for(leader), team, good_roster(5)).status_code == 404
    assert not Job.objects.exists()


def test_small_rosters_are_checked_in_the_request(staff_client, team, settings):
    settings.ROSTER_IMPORT_JOB_ROWS = 6  # five people and the header

    response = upload(staff_client, team, good_roster(5))

    assert response.status_code == 200
    assert response.context["roster"].ok
    assert not Job.objects.exists()
    assert roster_people() == 0


def test_the_preview_of_a_check_still_running_sends_to_its_progress(
    staff_client, team, settings, big, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # never runs
    with django_capture_on_commit_callbacks(execute=True):
        upload(staff_client, team, good_roster(5))
    job = Job.objects.get(kind=roster_jobs.CHECK)

    response = staff_client.get(reverse("volunteers:roster_checked", args=[team.pk, job.pk]))

    assert job.state == Job.State.QUEUED
    assert response.status_code == 302
    assert response.url == job.get_absolute_url()
    page = staff_client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert "data-job-status-url" in page.content.decode()
