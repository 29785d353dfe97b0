import re
from pathlib import Path
from typing import NoReturn

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from teams.models import Team
from volunteers import services
from volunteers.roster import RosterFileError, RowError, read_roster


def find_team(id_or_code: str) -> Team | None:
    """A team by its code, or else by its id (codes are slugs and may be all digits)."""
    team = Team.objects.filter(code=id_or_code).first()
    if team is None and re.fullmatch(r"[0-9]{1,18}", id_or_code):
        team = Team.objects.filter(pk=int(id_or_code)).first()
    return team


class Command(BaseCommand):
    help = "Import a team roster from an .xlsx file: every row or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--team", required=True, help="the team's id or code")
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    def handle(self, *args, file: Path, team: str, dry_run: bool, **options):
        found = find_team(team)
        if found is None:
            raise CommandError(f"No team with id or code {team!r}.")
        try:
            roster = read_roster(file.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except RosterFileError as error:
            raise CommandError(str(error)) from None
        if roster.errors:
            self._refuse(roster.errors)
        if dry_run:
            self.stdout.write(
                f"{len(roster.rows)} rows are good ({roster.new_people} new). Nothing written (--dry-run)."
            )
            return
        try:
            result = services.import_roster(team=found, roster=roster, by=None)
        except IntegrityError:
            raise CommandError("Someone registered a number of the file during the import; run it again.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported into {found.name}: {result.created} new, {result.invited} already registered invited."
            )
        )

    def _refuse(self, errors: list[RowError]) -> NoReturn:
        for error in errors:
            self.stderr.write(f"row {error.row}, {error.column}: {error.message}")
        raise CommandError(f"{len(errors)} mistakes; nothing was imported.")
