"""The monthly workbook as background work: staff press "prepare", a worker writes the
file with progress, and they download it when it is done (jobs app). The workbook is the
same `exports.write_workbook` that the direct download uses."""

import datetime

from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import User
from hours import exports
from hours.months import first_of_month, parse_month
from jobs import registry
from jobs.models import Job
from jobs.running import run_job
from jobs.services import request_job
from teams.models import Office

KIND = "month_workbook"


def workbook_key(office: Office, month: datetime.date, *, unmasked: bool) -> str:
    return f"{KIND}:office={office.pk}:month={month:%Y-%m}:{'full' if unmasked else 'masked'}"


def prepare_month_workbook(*, user: User, office: Office, month: datetime.date, unmasked: bool = False) -> Job:
    """Queue the month's workbook for the office, or join the one already queued or running
    for the same office, month and masking. Raises PermissionDenied as the export does."""
    exports.check_may_export(user, office, unmasked=unmasked)
    month = first_of_month(month)
    return request_job(
        kind=KIND,
        key=workbook_key(office, month, unmasked=unmasked),
        params={"office": office.pk, "month": f"{month:%Y-%m}", "unmasked": unmasked},
        requested_by=user,
        office=office,
        holds_pii=unmasked,
        filename=exports.export_filename(office, month, "xlsx", unmasked=unmasked),
    )


def _write(job: Job, progress, output) -> None:
    # Asked again at work time: whoever asked may have lost the office since.
    exports.write_workbook(
        output,
        office=Office.objects.get(pk=job.params["office"]),
        month=parse_month(job.params["month"]),
        user=job.requested_by,
        unmasked=job.params.get("unmasked", False),
        progress=progress,
    )


@task()
def build_month_workbook(job_id: str, attempt: int) -> str | None:
    return run_job(job_id, attempt, _write)


def describe(job: Job) -> str:
    office = job.office.name if job.office else ""
    text = _("Hours workbook %(office)s %(month)s") % {"office": office, "month": job.params.get("month", "")}
    return f"{text} ({_('full numbers')})" if job.holds_pii else text


registry.register(registry.JobKind(name=KIND, task=build_month_workbook, describe=describe))
