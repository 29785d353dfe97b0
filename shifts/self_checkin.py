"""The rotating code a shift shows for volunteers to check themselves in and out.

The leader's phone shows a QR code of /shifts/<pk>/self/<code>/, where the code is a
short HMAC of the shift id and the current minute. A new code every minute means a
photo of the code sent to someone at home stops working almost at once; the previous
minute's code is still accepted, so a volunteer who scans at 0:59 has a minute to
confirm. The code only proves presence at the venue: who checks in is the signed-in
volunteer, and the shift's own check-in and check-out times still apply.
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


def code_is_valid(shift_id: int, code: str, now: datetime.datetime | None = None) -> bool:
    code = (code or "").strip().upper()
    if not CODE_PATTERN.match(code):
        return False
    window = window_of(now or timezone.now())
    # Compare with every accepted window, not stopping early: the time taken says nothing.
    matches = [constant_time_compare(code, code_for(shift_id, window - back)) for back in range(ACCEPTED_WINDOWS)]
    return any(matches)
