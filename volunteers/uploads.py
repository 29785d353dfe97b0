"""An uploaded roster waits in storage between its preview and the confirmation.

The session holds the key of the one pending file per team; the file itself is
in the default storage, so large rosters stay out of the session table. A file not
confirmed within a day is abandoned: each new upload sweeps those away.
"""

import datetime
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from teams.models import Team

FOLDER = "roster-uploads"
KEPT_FOR = datetime.timedelta(days=1)


def _session_key(team: Team) -> str:
    return f"roster-upload-{team.pk}"


def keep_upload(request, team: Team, data: bytes) -> str:
    discard_upload(request, team)
    discard_abandoned()
    key = secrets.token_urlsafe(16)
    name = default_storage.save(f"{FOLDER}/{key}.xlsx", ContentFile(data))
    request.session[_session_key(team)] = {"key": key, "name": name}
    return key


def load_upload(request, team: Team, key: str) -> bytes | None:
    pending = request.session.get(_session_key(team))
    # Compared as bytes: compare_digest refuses str with non-ASCII characters, which anyone can post.
    if not pending or not key or not secrets.compare_digest(pending["key"].encode(), key.encode()):
        return None
    if not default_storage.exists(pending["name"]):
        return None
    with default_storage.open(pending["name"], "rb") as stored:
        return stored.read()


def pending_upload(request, team: Team) -> dict | None:
    """The session's pending file for the team: {"key", "name"}, or None."""
    return request.session.get(_session_key(team))


def release_upload(request, team: Team, key: str) -> str | None:
    """Hand the pending file over to a background import: the session forgets it (a second
    confirmation finds nothing), the file stays for the job. Returns its name, or None when
    `key` is not the pending file's."""
    pending = request.session.get(_session_key(team))
    if not pending or not key or not secrets.compare_digest(pending["key"].encode(), key.encode()):
        return None
    return request.session.pop(_session_key(team))["name"]


def read_stored(name: str) -> bytes | None:
    """A kept upload by its name (a background job has no session); None once it is gone."""
    if not name.startswith(f"{FOLDER}/") or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def delete_stored(name: str) -> None:
    if name.startswith(f"{FOLDER}/") and default_storage.exists(name):
        default_storage.delete(name)


def discard_upload(request, team: Team) -> None:
    pending = request.session.pop(_session_key(team), None)
    if pending and default_storage.exists(pending["name"]):
        default_storage.delete(pending["name"])


def discard_abandoned(now: datetime.datetime | None = None) -> int:
    """Delete uploads older than KEPT_FOR, whoever left them; returns how many."""
    now = now or timezone.now()
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for file_name in files:
        name = f"{FOLDER}/{file_name}"
        if now - default_storage.get_modified_time(name) > KEPT_FOR:
            default_storage.delete(name)
            removed += 1
    return removed
