"""The scanner's JSON: reading a batch of scans from the phone, and writing the answers.

The phone queues scans while offline and sends them later in order, so a batch
may hold up to MAX_EVENTS. A malformed batch is refused whole, before anything is
written: the phone built it itself, so a bad field is a bug to show, not a scan.
"""

import datetime
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from shifts.models import ScanEvent
from shifts.scanning import ScanResult

MAX_EVENTS = 100
MAX_BODY_BYTES = 64 * 1024
MAX_TOKEN_LENGTH = 100
MAX_EVENT_ID_LENGTH = ScanEvent._meta.get_field("client_event_id").max_length
KINDS = {None, ScanEvent.Kind.IN.value, ScanEvent.Kind.OUT.value}


class BadScanRequest(ValueError):
    """The whole batch is refused; the message says why (and which event)."""


@dataclass(frozen=True)
class ScanIn:
    """One scan: a card's token, or the id of a person the leader picked from the roster."""

    id: str
    token: str
    at: datetime.datetime
    kind: str | None = None
    walk_in: bool = False
    volunteer_id: int | None = None


def parse_scan_batch(body: bytes) -> list[ScanIn]:
    if len(body) > MAX_BODY_BYTES:
        raise BadScanRequest(_("The request is too large."))
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested a thousand deep
        raise BadScanRequest(_("The request is not valid JSON.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise BadScanRequest(_('The request must be an object with a list "events".'))
    events = data["events"]
    if not events:
        raise BadScanRequest(_("The list of events is empty."))
    if len(events) > MAX_EVENTS:
        raise BadScanRequest(_("At most %(count)d events at a time.") % {"count": MAX_EVENTS})
    return [_parse_event(number, event) for number, event in enumerate(events, start=1)]


def _parse_event(number: int, event: object) -> ScanIn:
    def bad(problem: str) -> BadScanRequest:
        return BadScanRequest(_("Event %(number)d: %(problem)s") % {"number": number, "problem": problem})

    if not isinstance(event, dict):
        raise bad(_("not an object."))
    event_id, token, at = event.get("id"), event.get("token"), event.get("at")
    # Printable only: PostgreSQL refuses text holding a NUL, and an id is never shown anyway.
    if not isinstance(event_id, str) or not 0 < len(event_id) <= MAX_EVENT_ID_LENGTH or not event_id.isprintable():
        raise bad(_('"id" must be a text of 1 to %(length)d printable characters.') % {"length": MAX_EVENT_ID_LENGTH})
    volunteer_id = event.get("volunteer")
    if volunteer_id is not None:
        if token is not None:
            raise bad(_('Give either "token" or "volunteer", not both.'))
        # bool is an int to Python, not to the phone.
        if type(volunteer_id) is not int or not 0 < volunteer_id < 2**63:
            raise bad(_('"volunteer" must be a person\'s number.'))
        token = ""
    elif not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
        raise bad(_('"token" must be a text of 1 to %(length)d characters.') % {"length": MAX_TOKEN_LENGTH})
    kind = event.get("kind")
    if kind not in KINDS:
        raise bad(_('"kind" must be "in", "out" or left out.'))
    walk_in = event.get("walk_in", False)
    if not isinstance(walk_in, bool):
        raise bad(_('"walk_in" must be true or false.'))
    if walk_in and volunteer_id is not None:
        raise bad(_("Someone picked from the roster is not a walk-in."))
    return ScanIn(
        id=event_id, token=token, at=_parse_time(at, bad), kind=kind, walk_in=walk_in, volunteer_id=volunteer_id
    )


def _parse_time(value: object, bad) -> datetime.datetime:
    # The scan time as the phone saw it, with its UTC offset: a time without one
    # would be read in the server's zone, not the phone's.
    message = _('"at" must be an ISO 8601 time with a UTC offset, e.g. 2026-05-01T09:00:00+08:00.')
    if not isinstance(value, str) or len(value) > 40:
        raise bad(message)
    try:
        at = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise bad(message) from None
    # The year bound keeps conversions to UTC (and the database) away from year 1 and 9999.
    if at.tzinfo is None or at.utcoffset() is None or not 2000 <= at.year <= 2999:
        raise bad(message)
    return at


def result_json(scan: ScanIn, result: ScanResult) -> dict:
    return {
        "id": scan.id,
        "outcome": result.outcome.value,
        "ok": result.outcome.ok,
        "message": result.message,
        "name": result.volunteer.real_name if result.volunteer is not None else "",
        "at": result.at.isoformat() if result.at is not None else None,
    }
