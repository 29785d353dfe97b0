"""The rotating code a shift shows for volunteers to check themselves in and out.

The leader's phone shows a QR code of /shifts/<pk>/self/<code>/, where the code is a
short HMAC of the shift id and the current minute. A new code every minute means a
photo of the code sent to someone at home stops working almost at once; the previous
minute's code is still accepted, so a volunteer who scans at 0:59 has a minute to
confirm. The code only proves presence at the venue: who checks in is the signed-in
volunteer, and the shift's own check-in and check-out times still apply.

Someone not yet signed in has the code judged when they first open it. A valid one is
remembered in their session (which shift, which code, and the server's time of opening:
nothing the phone says), and the check-in after the login is made at that time.
"""

import base64
import datetime
import re

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "shifts.self_checkin"
WINDOW_SECONDS = 60
# The current minute and the one before it.
ACCEPTED_WINDOWS = 2
CODE_PATTERN = re.compile(r"^[A-Z2-7]{8}$")
# How long a code that was valid when first opened still counts after the login it sent
# the volunteer to. Signing in can take minutes (many volunteers are retired, and wait
# for a texted code and type it), far longer than a code lives; a quarter of an hour is
# enough for that, and short enough that a check-in left pending cannot be finished
# much later, away from the venue. The check-in is at the opening time either way.
PENDING_MAX_AGE = datetime.timedelta(minutes=15)
PENDING_KEY = "shifts.self_checkin.pending"


def window_of(at: datetime.datetime) -> int:
    return int(at.timestamp()) // WINDOW_SECONDS


def code_for(shift_id: int, window: int) -> str:
    digest = salted_hmac(SALT, f"{shift_id}:{window}", algorithm="sha256").digest()
    return base64.b32encode(digest[:5]).decode()


def current_code(shift_id: int, now: datetime.datetime | None = None) -> str:
    return code_for(shift_id, window_of(now or timezone.now()))


def seconds_left(now: datetime.datetime | None = None) -> int:
    """Until the next code: when the leader's page should fetch a new one."""
    now = now or timezone.now()
    return WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS


def _normalised(code: str) -> str:
    return (code or "").strip().upper()


def code_is_valid(shift_id: int, code: str, now: datetime.datetime | None = None) -> bool:
    code = _normalised(code)
    if not CODE_PATTERN.match(code):
        return False
    window = window_of(now or timezone.now())
    # Compare with every accepted window, not stopping early: the time taken says nothing.
    matches = [constant_time_compare(code, code_for(shift_id, window - back)) for back in range(ACCEPTED_WINDOWS)]
    return any(matches)


def remember_opening(session, shift_id: int, code: str, now: datetime.datetime | None = None) -> None:
    """A valid code opened before signing in: the session keeps it for the check-in after."""
    opened_at = now or timezone.now()
    session[PENDING_KEY] = {"shift": shift_id, "code": _normalised(code), "opened_at": opened_at.isoformat()}


def pending_opening(
    session, shift_id: int, code: str, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """When this shift's code was opened before signing in, if that is recent enough to count."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("shift") != shift_id:
        return None
    if not constant_time_compare(str(pending.get("code", "")), _normalised(code)):
        return None
    try:
        opened_at = datetime.datetime.fromisoformat(pending["opened_at"])
    except (KeyError, TypeError, ValueError):
        return None
    if (now or timezone.now()) - opened_at > PENDING_MAX_AGE:
        return None
    return opened_at


def take_pending_opening(
    session, shift_id: int, code: str, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """As pending_opening(), and the pending check-in is used up: it counts once."""
    opened_at = pending_opening(session, shift_id, code, now)
    pending = session.get(PENDING_KEY)
    if isinstance(pending, dict) and pending.get("shift") == shift_id:
        del session[PENDING_KEY]
    return opened_at
