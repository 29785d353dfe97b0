"""manage.py backup_db: a live SQLite database copied with the online backup API, and the
copy restored: the app runs on it with every record, and its ledger is still append-only."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from hours.models import ServiceRecord
from tests.factories import TeamFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)

COUNT_AND_TRY_TO_CHANGE = """
from django.db import DatabaseError, connection, transaction
from hours.models import ServiceRecord
print(ServiceRecord.objects.count(), sum(ServiceRecord.objects.values_list("minutes", flat=True)))
try:
    with transaction.atomic(), connection.cursor() as cursor:  # past the ORM: the trigger must refuse
        cursor.execute(f"UPDATE {ServiceRecord._meta.db_table} SET minutes = 1")
    print("changed")
except DatabaseError:
    print("refused")
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL is backed up with pg_dump")
def test_a_backup_of_the_live_database_restores_to_a_working_copy(tmp_path):
    team = TeamFactory()
    volunteer = volunteer_in(team)
    today = timezone.localdate()
    for number, minutes in enumerate((120, 90, 45)):
        post(volunteer, team, key=f"backup-{number}", starts_at=at(today, 8 + 4 * number), minutes=minutes)

    backup = tmp_path / "nightly" / "backup.sqlite3"
    call_command("backup_db", str(backup))
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup_db", str(backup))  # never overwrites an earlier backup

    restored = tmp_path / "restored.sqlite3"
    restored.write_bytes(backup.read_bytes())  # restore: the app stopped, the copy put in place
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=f"sqlite:///{restored}")
    check = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"], cwd=ROOT, env=env, capture_output=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr  # no migration missing
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", COUNT_AND_TRY_TO_CHANGE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == [str(ServiceRecord.objects.count()), str(120 + 90 + 45), "refused"]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite is backed up by the command itself")
def test_postgresql_is_sent_to_pg_dump(tmp_path):
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup_db", str(tmp_path / "backup"))
