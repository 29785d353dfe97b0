"""Certificates for everyone in a team or an office, issued and printed by a worker as one
HTML file of A4 pages (issue 15). Each is `certificates.issue_certificate`, as when staff
issue one: asked again for the same period and unchanged totals it gives the certificate
already issued, so a retried job issues nothing twice. People without recorded service
get none (the rule of a single certificate)."""

import datetime

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import User
from hours import certificates
from jobs import registry
from jobs.models import Job
from jobs.running import run_job
from jobs.services import request_job
from teams.models import Office, Team
from teams.permissions import ACCESS_OFFICE_MANAGE, has_access, office_tree_ids
from volunteers.cards import qr_svg

KIND = "certificates"
CSS = "css/print_certificate.css"


def _may_issue(user: User | None, office: Office) -> None:
    if user is None or not has_access(user, office, ACCESS_OFFICE_MANAGE):
        raise PermissionDenied(_("You may no longer issue certificates for this office."))


def print_certificates_later(
    *,
    user: User,
    office: Office,
    team: Team | None,
    period_from: datetime.date,
    period_to: datetime.date,
    site: str,
    language: str,
) -> Job:
    """Queue the certificates of the team (or of every team of the office), or join the job
    already preparing them. `site` is the address the QR codes open (https://host/)."""
    _may_issue(user, office)
    if team is not None and team.office_id not in office_tree_ids(office):
        raise PermissionDenied(_("You may no longer issue certificates for this office."))
    if period_from > period_to:
        raise ValidationError(_("The period must start before it ends."))
    if period_to > timezone.localdate():
        raise ValidationError(_("The period cannot end in the future."))
    scope = team.name if team else office.name
    return request_job(
        kind=KIND,
        key=f"{KIND}:office={office.pk}:team={team.pk if team else ''}:{period_from}:{period_to}",
        params={
            "office": office.pk,
            "team": team.pk if team else None,
            "from": period_from.isoformat(),
            "to": period_to.isoformat(),
            "site": site,
            "language": language,
        },
        requested_by=user,
        office=office,
        filename=_("certificates-%(scope)s-%(to)s.html") % {"scope": scope, "to": period_to.isoformat()},
    )


def write_certificates(
    output,
    *,
    office: Office,
    team: Team | None,
    period_from: datetime.date,
    period_to: datetime.date,
    by: User | None,
    site: str,
    language: str,
    progress=None,
) -> int:
    """Issue (or find) each person's certificate and write them all as one printable file;
    returns how many it holds."""
    people = certificates.members_to_certify(office=office, team=team)
    items = []
    for done, (volunteer, certifying_office) in enumerate(people, start=1):
        try:
            certificate = certificates.issue_certificate(
                volunteer=volunteer, office=certifying_office, period_from=period_from, period_to=period_to, by=by
            )
        except ValidationError:
            certificate = None  # no recorded service yet: nothing to certify
        if certificate is not None:
            verify_url = site.rstrip("/") + reverse("hours:verify", args=[certificate.verify_code])
            items.append(
                {
                    "certificate": certificate,
                    "verify_url": verify_url,
                    "qr": qr_svg(verify_url),
                    "by_team": certificates.with_hours(certificate.by_team),
                    "by_activity": certificates.with_hours(certificate.by_activity),
                }
            )
        if progress:
            progress(done, len(people))
    with open(finders.find(CSS), encoding="utf-8") as handle:
        css = handle.read()
    with translation.override(language):
        html = render_to_string(
            "hours/print/certificates.html",
            {"items": items, "css": css, "language": language, "title": _("Certificate of volunteer service")},
        )
    output.write(html.encode("utf-8"))
    return len(items)


def _write(job: Job, progress, output) -> None:
    office = Office.objects.get(pk=job.params["office"])
    # Asked again at work time: whoever asked may have lost the office since.
    _may_issue(job.requested_by, office)
    team = Team.objects.select_related("office").get(pk=job.params["team"]) if job.params.get("team") else None
    write_certificates(
        output,
        office=office,
        team=team,
        period_from=datetime.date.fromisoformat(job.params["from"]),
        period_to=datetime.date.fromisoformat(job.params["to"]),
        by=job.requested_by,
        site=job.params["site"],
        language=job.params.get("language") or settings.LANGUAGE_CODE,
        progress=progress,
    )


@task()
def build_certificates(job_id: str, attempt: int) -> str | None:
    return run_job(job_id, attempt, _write)


def describe(job: Job) -> str:
    team = Team.objects.filter(pk=job.params.get("team")).values_list("name", flat=True).first()
    scope = team or (job.office.name if job.office else "")
    return _("Certificates of %(scope)s, %(from)s – %(to)s") % {
        "scope": scope,
        "from": job.params.get("from", ""),
        "to": job.params.get("to", ""),
    }


registry.register(registry.JobKind(name=KIND, task=build_certificates, describe=describe))
