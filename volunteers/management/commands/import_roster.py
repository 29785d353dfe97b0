import re
from pathlib import Path
from typing import NoReturn

from django.core.management.base import CommandError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.commands import SiteLanguageCommand
from common.progress import TerminalProgress
from teams.models import Team
from volunteers import services
from volunteers.roster import RosterFileError, RowError, read_roster

# A roster this long shows how far the checking got.
BIG_FILE_ROWS = 1000


def find_team(id_or_code: str) -> Team | None:
    """A team by its code, or else by its id (codes are slugs and may be all digits)."""
    team = Team.objects.filter(code=id_or_code).first()
    if team is None and re.fullmatch(r"[0-9]{1,18}", id_or_code):
        team = Team.objects.filter(pk=int(id_or_code)).first()
    return team


class Command(SiteLanguageCommand):
    help = "Import a team roster from an .xlsx file: every row or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--team", required=True, help="the team's id or code")
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    def handle(self, *args, file: Path, team: str, dry_run: bool, **options):
        found = find_team(team)
        if found is None:
            raise CommandError(_("No team has the id or code “%(team)s”.") % {"team": team})
        try:
            with TerminalProgress(self.stdout, _("Checking the roster"), at_least=BIG_FILE_ROWS) as progress:
                roster = read_roster(file.read_bytes(), progress=progress)
        except FileNotFoundError:
            raise CommandError(_("Cannot read %(file)s: there is no such file.") % {"file": file}) from None
        except IsADirectoryError:
            raise CommandError(_("Cannot read %(file)s: it is a folder, not a file.") % {"file": file}) from None
        except PermissionError:
            raise CommandError(_("Cannot read %(file)s: no permission to read it.") % {"file": file}) from None
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": error.strerror}
            ) from None
        except RosterFileError as error:
            raise CommandError(str(error)) from None
        if roster.errors:
            self._refuse(roster.errors)
        if dry_run:
            self.stdout.write(
                ngettext(
                    "%(rows)d row is good (%(new)d new). Nothing written (--dry-run).",
                    "%(rows)d rows are good (%(new)d new). Nothing written (--dry-run).",
                    len(roster.rows),
                )
                % {"rows": len(roster.rows), "new": roster.new_people}
            )
            return
        try:
            result = services.import_roster(team=found, roster=roster, by=None)
        except IntegrityError:
            raise CommandError(_("Someone registered a number of the file during the import; run it again.")) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported into %(team)s: %(created)d new, %(invited)d already registered invited.")
                % {"team": found.name, "created": result.created, "invited": result.invited}
            )
        )

    def _refuse(self, errors: list[RowError]) -> NoReturn:
        for error in errors:
            self.stderr.write(
                _("row %(row)d, %(column)s: %(message)s")
                % {"row": error.row, "column": error.column, "message": error.message}
            )
        raise CommandError(
            ngettext(
                "%(count)d mistake; nothing was imported.", "%(count)d mistakes; nothing was imported.", len(errors)
            )
            % {"count": len(errors)}
        )
