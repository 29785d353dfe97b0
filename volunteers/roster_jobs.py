"""Big rosters in the background (issue 15): a file of more than ROSTER_IMPORT_JOB_ROWS rows
is checked, and after the preview imported, by a worker with progress, through the same
`read_roster` and `services.import_roster` a small file uses in the request.

The uploaded file waits in storage as for a small file (volunteers.uploads); the job names
it. The check keeps the preview (names, masked numbers, every mistake: never a full number)
as its JSON file, and the roster's own page shows it, in the language of whoever asked. The
import writes all rows or none (one transaction), and a file is imported into a team once,
however often its job is retried.
"""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import User
from jobs import registry
from jobs.models import Job
from jobs.running import run_job
from jobs.services import request_job
from teams.models import Team
from teams.permissions import ACCESS_TEAM_MANAGE, has_access
from volunteers import services
from volunteers.roster import RosterFileError, RosterPreview, read_roster, roster_size
from volunteers.uploads import delete_stored, read_stored

CHECK = "roster_check"
IMPORT = "roster_import"


def runs_in_background(data: bytes) -> bool:
    """Whether checking and importing the file is work for a worker. Raises RosterFileError
    when the file cannot be opened, as reading it would."""
    return roster_size(data) > settings.ROSTER_IMPORT_JOB_ROWS


def _may_import(user: User | None, team: Team) -> None:
    if user is None or not has_access(user, team, ACCESS_TEAM_MANAGE):
        raise PermissionDenied(_("You may no longer import rosters for this team."))


def _request(kind: str, *, user: User, team: Team, upload: str, language: str, filename: str) -> Job:
    _may_import(user, team)
    return request_job(
        kind=kind,
        # The stored file's name is random and new for each upload: one job per file and step.
        key=f"{kind}:{upload}",
        params={"team": team.pk, "upload": upload, "language": language},
        requested_by=user,
        office=team.office,
        filename=filename,
    )


def check_roster_later(*, user: User, team: Team, upload: str, language: str) -> Job:
    return _request(CHECK, user=user, team=team, upload=upload, language=language, filename="roster-check.json")


def import_roster_later(*, user: User, team: Team, upload: str, language: str) -> Job:
    return _request(IMPORT, user=user, team=team, upload=upload, language=language, filename="roster-import.json")


def _team_and_file(job: Job) -> tuple[Team, str, bytes | None]:
    team = Team.objects.select_related("office").get(pk=job.params["team"])
    # Asked again at work time: whoever asked may have lost the team since.
    _may_import(job.requested_by, team)
    name = job.params["upload"]
    return team, name, read_stored(name)


def _expired() -> ValidationError:
    return ValidationError(_("The uploaded file has expired. Upload it again."))


def _check(job: Job, progress, output) -> None:
    _team, name, data = _team_and_file(job)
    if data is None:
        raise _expired()
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        try:
            preview = RosterPreview.of(read_roster(data, progress=progress))
        except RosterFileError as error:
            preview = RosterPreview(file_error=str(error))
    if not preview.ok:
        # As with a small file: a roster with mistakes is never kept for a confirmation.
        delete_stored(name)
    output.write(json.dumps(preview.to_dict(), ensure_ascii=False).encode())


def _halves(progress, second: bool):
    """Reading is the first half of the bar, writing the second."""
    return lambda done, total: progress(done + (total if second else 0), 2 * total)


def _import(job: Job, progress, output) -> None:
    team, name, data = _team_and_file(job)
    result = services.roster_imported(team=team, source=name)
    if result is None:
        if data is None:
            raise _expired()
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            try:
                roster = read_roster(data, progress=_halves(progress, second=False))
                result = services.import_roster(
                    team=team, roster=roster, by=job.requested_by, progress=_halves(progress, second=True), source=name
                )
            # IntegrityError: someone registered a number of the roster in the instant between
            # the re-check and the write. Either way nothing was written.
            except (RosterFileError, ValidationError, IntegrityError):
                raise ValidationError(_("The roster changed since the preview. Upload it again to see why.")) from None
    output.write(json.dumps({"created": result.created, "invited": result.invited}).encode())
    delete_stored(name)


@task()
def check_roster(job_id: str, attempt: int) -> str | None:
    return run_job(job_id, attempt, _check)


@task()
def import_roster(job_id: str, attempt: int) -> str | None:
    return run_job(job_id, attempt, _import)


def _result(job: Job) -> dict:
    with job.result.open("rb") as handle:
        return json.load(handle)


def preview_of(job: Job) -> RosterPreview:
    """The preview a done check kept; an empty one if its file is gone."""
    if not job.result:
        return RosterPreview(file_error=_("The file has been deleted. Prepare it again if you need it."))
    return RosterPreview.from_dict(_result(job))


def _team_name(job: Job) -> str:
    return Team.objects.filter(pk=job.params.get("team")).values_list("name", flat=True).first() or ""


def describe_check(job: Job) -> str:
    return _("Checking a roster for %(team)s") % {"team": _team_name(job)}


def describe_import(job: Job) -> str:
    return _("Importing a roster into %(team)s") % {"team": _team_name(job)}


def checked_page(job: Job) -> str:
    return reverse("volunteers:roster_checked", args=[job.params["team"], job.pk])


def import_summary(job: Job) -> str:
    # The import's own record says what it did, long after the job's file is gone.
    team = Team.objects.filter(pk=job.params.get("team")).first()
    result = services.roster_imported(team=team, source=job.params.get("upload", "")) if team else None
    if result is None:
        return ""
    return _(
        "Imported: %(created)d new volunteers joined; %(invited)d already registered were invited "
        "and join when they say yes."
    ) % {"created": result.created, "invited": result.invited}


registry.register(registry.JobKind(name=CHECK, task=check_roster, describe=describe_check, result_page=checked_page))
registry.register(registry.JobKind(name=IMPORT, task=import_roster, describe=describe_import, summary=import_summary))
