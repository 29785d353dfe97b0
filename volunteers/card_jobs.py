"""A big team's QR card sheet prepared by a worker (issue 15): one HTML file of A4 pages,
the same cards as the team's card page, which the browser prints. 92 cards take about a
second to draw, 2,000 half a minute: too long for a request."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import User
from jobs import registry
from jobs.models import Job
from jobs.running import run_job
from jobs.services import request_job
from teams.models import Team
from teams.permissions import ACCESS_TEAM_RUN, has_access
from volunteers.cards import card_token, qr_svg
from volunteers.selectors import card_sheet_for

KIND = "card_sheet"
CSS = "css/print_cards.css"


def cards_of(team: Team, progress=None) -> list[dict]:
    """Every active member's card (name, token, QR code); `progress(done, total)` hears each."""
    volunteers = list(card_sheet_for(team))
    cards = []
    for done, volunteer in enumerate(volunteers, start=1):
        token = card_token(volunteer)
        cards.append({"volunteer": volunteer, "token": token, "qr": qr_svg(token)})
        if progress:
            progress(done, len(volunteers))
    return cards


def prints_in_background(team: Team) -> bool:
    return card_sheet_for(team).count() > settings.CARD_SHEET_JOB_CARDS


def _may_print(user: User | None, team: Team) -> None:
    if user is None or not has_access(user, team, ACCESS_TEAM_RUN):
        raise PermissionDenied(_("You may no longer print this team's cards."))


def print_cards_later(*, user: User, team: Team, language: str) -> Job:
    """Queue the team's card sheet, or join the one being prepared."""
    _may_print(user, team)
    return request_job(
        kind=KIND,
        key=f"{KIND}:team={team.pk}",
        params={"team": team.pk, "language": language},
        requested_by=user,
        office=team.office,
        filename=_("cards-%(team)s.html") % {"team": team.name},
    )


def write_card_sheet(output, *, team: Team, language: str, progress=None) -> None:
    """The printable file: a page of its own (it is opened from the disk), its style inside."""
    cards = cards_of(team, progress)
    with open(finders.find(CSS), encoding="utf-8") as handle:
        css = handle.read()
    with translation.override(language):
        html = render_to_string(
            "volunteers/print/card_sheet.html", {"team": team, "cards": cards, "css": css, "language": language}
        )
    output.write(html.encode("utf-8"))


def _write(job: Job, progress, output) -> None:
    team = Team.objects.select_related("office").get(pk=job.params["team"])
    # Asked again at work time: whoever asked may have lost the team since.
    _may_print(job.requested_by, team)
    language = job.params.get("language") or settings.LANGUAGE_CODE
    write_card_sheet(output, team=team, language=language, progress=progress)


@task()
def build_card_sheet(job_id: str, attempt: int) -> str | None:
    return run_job(job_id, attempt, _write)


def describe(job: Job) -> str:
    name = Team.objects.filter(pk=job.params.get("team")).values_list("name", flat=True).first() or ""
    return _("Cards of %(team)s") % {"team": name}


registry.register(registry.JobKind(name=KIND, task=build_card_sheet, describe=describe))
