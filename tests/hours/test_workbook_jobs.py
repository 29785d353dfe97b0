"""The monthly workbook as a background job (hours/workbook_jobs.py), with the immediate
backend: it runs when the asking transaction commits."""

import datetime

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_tasks import default_task_backend

from hours import exports, workbook_jobs
from hours.models import ExportLog
from jobs.models import Job
from jobs.services import partial_dir, retry_job
from teams.models import OfficeStaff
from tests.factories import CommunityFactory, OfficeStaffFactory, TeamFactory, UserFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2027, 3, 1)


@pytest.fixture
def office_world():
    community = CommunityFactory(name="阳光社区")
    team = TeamFactory(office=community, name="银龄服务队")
    for number in range(3):
        volunteer = volunteer_in(team)
        for day in (6, 7):
            post(volunteer, team, key=f"r{number}-{day}", starts_at=at(datetime.date(2027, 3, day)), minutes=60)
    staff = UserFactory()
    OfficeStaffFactory(office=community, user=staff, can_view_pii=False)
    colleague = UserFactory()
    OfficeStaffFactory(office=community, user=colleague, can_view_pii=False)
    return {"office": community, "team": team, "staff": staff, "colleague": colleague}


def prepare(world, user=None, **options) -> Job:
    return workbook_jobs.prepare_month_workbook(
        user=user or world["staff"], office=world["office"], month=MARCH, **options
    )


def test_a_prepared_workbook_is_done_with_its_rows_counted_and_reads_back(
    office_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = prepare(office_world)

    job.refresh_from_db()
    assert job.state == Job.State.DONE
    # 3 volunteers + 6 records + 1 team + 0 late records
    assert (job.done, job.total) == (10, 10)
    assert job.task_id
    assert job.filename == "阳光社区-2027-03.xlsx"
    with job.result.open("rb") as handle:
        workbook = openpyxl.load_workbook(handle, read_only=True)
        assert workbook.sheetnames == ["汇总", "明细", "按服务队", "补录及更正", "服务需求"]
    assert ExportLog.objects.get().user == office_world["staff"]
    assert list(partial_dir().iterdir()) == []


def test_progress_counts_every_data_row_of_the_four_sheets(office_world, tmp_path):
    heard = []

    exports.write_workbook(
        tmp_path / "w.xlsx",
        office=office_world["office"],
        month=MARCH,
        user=office_world["staff"],
        progress=lambda done, total: heard.append((done, total)),
    )

    assert heard[0] == (0, 10)
    assert heard[-1] == (10, 10)
    assert [done for done, _total in heard] == sorted(done for done, _total in heard)
    workbook = openpyxl.load_workbook(tmp_path / "w.xlsx")
    # Each sheet: title, header, the data rows, totals, a blank row, the signatures.
    assert sum(sheet.max_row - 5 for sheet in workbook.worksheets) == 10


def test_two_staff_asking_for_the_same_month_get_one_job(office_world, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # never runs

    with django_capture_on_commit_callbacks(execute=True):
        first = prepare(office_world)
        second = prepare(office_world, user=office_world["colleague"])

    assert second.pk == first.pk
    assert Job.objects.count() == 1
    assert len(default_task_backend.results) == 1
    # Full numbers, or another month, are another job.
    assert prepare(office_world, user=UserFactory(is_superuser=True), unmasked=True).pk != first.pk


def test_a_finished_month_is_prepared_afresh(office_world, django_capture_on_commit_callbacks):
    """Records may have been posted since: a done job is not handed out again."""
    with django_capture_on_commit_callbacks(execute=True):
        first = prepare(office_world)
    with django_capture_on_commit_callbacks(execute=True):
        second = prepare(office_world, user=office_world["colleague"])

    assert second.pk != first.pk
    assert Job.objects.filter(state=Job.State.DONE).count() == 2


def test_full_numbers_need_the_permission(office_world):
    with pytest.raises(PermissionDenied):
        prepare(office_world, unmasked=True)
    with pytest.raises(PermissionDenied):
        workbook_jobs.prepare_month_workbook(user=UserFactory(), office=office_world["office"], month=MARCH)
    assert not Job.objects.exists()


def test_a_failing_workbook_leaves_no_file_and_tells_why(
    office_world, monkeypatch, django_capture_on_commit_callbacks, client_for
):
    def half_then_fail(output, **kwargs):
        output.write(b"PK half a workbook")
        raise OSError("No space left on device")

    monkeypatch.setattr(exports, "write_workbook", half_then_fail)

    with django_capture_on_commit_callbacks(execute=True):
        job = prepare(office_world)

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "No space left on device" in job.error
    assert not job.result
    assert list(partial_dir().iterdir()) == []
    page = client_for(office_world["staff"]).get(job.get_absolute_url()).content.decode()
    assert "No space left on device" in page
    assert reverse("jobs:retry", args=[job.pk]) in page
    status = client_for(office_world["colleague"]).get(reverse("jobs:status", args=[job.pk])).json()
    assert status["state"] == "failed"
    assert "No space left on device" in status["error"]
    assert status["download_url"] is None


def test_retrying_runs_the_job_again_once(office_world, monkeypatch, django_capture_on_commit_callbacks, client_for):
    real = exports.write_workbook
    monkeypatch.setattr(exports, "write_workbook", lambda output, **kwargs: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        job = prepare(office_world)
    monkeypatch.setattr(exports, "write_workbook", real)
    client = client_for(office_world["colleague"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = client.post(reverse("jobs:retry", args=[job.pk]))
        second = client.post(reverse("jobs:retry", args=[job.pk]))

    assert len(callbacks) == 1
    assert first["Location"] == second["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.state, job.attempt, job.error) == (Job.State.DONE, 2, "")
    assert ExportLog.objects.count() == 1
    assert retry_job(job=job).attempt == 2  # done: left as it is


def test_a_retry_joins_a_job_asked_for_meanwhile(
    office_world, monkeypatch, settings, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "write_workbook", lambda output, **kwargs: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        failed = prepare(office_world)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    live = prepare(office_world, user=office_world["colleague"])

    assert retry_job(job=failed).pk == live.pk
    failed.refresh_from_db()
    assert failed.state == Job.State.FAILED


def test_someone_who_lost_the_office_before_the_work_started_gets_the_reason(office_world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = prepare(office_world)
    OfficeStaff.objects.filter(user=office_world["staff"]).delete()

    with pytest.raises(PermissionDenied):  # and the backend records its failure too
        workbook_jobs.build_month_workbook.call(str(job.pk), job.attempt)

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error == "您不管理该机构。"
    assert not job.result
