"""manage.py backup_db PATH: a consistent copy of the live SQLite database, taken with
SQLite's online backup API while the app keeps serving (a plain file copy of a WAL
database can miss what is still in the -wal file). PostgreSQL is backed up with pg_dump."""

import sqlite3
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connections
from django.utils.translation import gettext as _

from common.commands import SiteLanguageCommand

PAGES_PER_STEP = 1024  # copied between short pauses, so writers are never held up for long


class Command(SiteLanguageCommand):
    help = "Copy the live SQLite database to PATH with SQLite's online backup API."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, path: Path, database: str, **options):
        connection = connections[database]
        if connection.vendor != "sqlite":
            message = _("This database is %(vendor)s: back it up with pg_dump (see the README).")
            raise CommandError(message % {"vendor": connection.vendor})
        if path.exists():
            raise CommandError(_("%(path)s exists already: choose a new file.") % {"path": path})
        path.parent.mkdir(parents=True, exist_ok=True)
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            with target:
                connection.connection.backup(target, pages=PAGES_PER_STEP)
        finally:
            target.close()
        problem = integrity_of(connection, path)
        if problem != "ok":
            path.unlink(missing_ok=True)
            raise CommandError(_("The copy failed its integrity check: %(problem)s") % {"problem": problem})
        self.stdout.write(_("Database copied to %(path)s.") % {"path": path})


def integrity_of(connection, path: Path) -> str:
    """SQLite's integrity check of the copy, opened as Django opens a database: the schema's
    CHECK constraints call functions Django registers on its connections."""
    checker = connection.__class__({**connection.settings_dict, "NAME": str(path)}, alias="backup_check")
    try:
        with checker.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            return cursor.fetchone()[0]
    finally:
        checker.close()
