"""Whether a leader may add a walk-in (someone who came without signing up) now, and if
not, why: the scanner and the attendance sheet offer the button only when the services
would take it (shifts.scanning.record_event, shifts.marks.mark_present), and otherwise
say in a sentence why not. The limits are theirs: the check-in window of the shift's
schedule, and the posting window of rule 7."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from shifts.attendance import schedule_of
from shifts.models import Shift
from shifts.posting import POSTING_WORKING_DAYS, posting_open


def _cancelled() -> str:
    return _("No walk-ins: this shift has been cancelled.")


def _not_yet(shift: Shift) -> str:
    opens = timezone.localtime(schedule_of(shift).checkin_from)
    return _("Walk-ins can be added from %(time)s, when check-in opens.") % {"time": f"{opens:%H:%M}"}


def _scan_too_late() -> str:
    return _("No walk-ins by scan: the shift has ended. Add them on the attendance sheet, with their times.")


def sheet_refusal(shift: Shift, now: datetime.datetime | None = None) -> str | None:
    """Why the attendance sheet cannot take a walk-in now, or None when it can: it takes
    one from the time check-in opens while the sheet may still be posted (later, the
    time is a backfill the office approves, rule 8)."""
    now = now or timezone.now()
    if shift.is_cancelled:
        return _cancelled()
    if now < schedule_of(shift).checkin_from:
        return _not_yet(shift)
    if not posting_open(shift, timezone.localdate(now)):
        return _(
            "No walk-ins: more than %(days)d working days have passed since this shift. Ask for a backfill instead."
        ) % {"days": POSTING_WORKING_DAYS}
    return None


def scanner_refusal(shift: Shift, at: datetime.datetime | None = None) -> str | None:
    """Why a card read at `at` cannot add its holder as a walk-in, or None when it can: a
    walk-in checks in, so only while check-in is open."""
    at = at or timezone.now()
    if shift.is_cancelled:
        return _cancelled()
    schedule = schedule_of(shift)
    if at < schedule.checkin_from:
        return _not_yet(shift)
    if at > schedule.ends_at:
        return _scan_too_late()
    return None


def scanner_rules(shift: Shift) -> dict:
    """The scanner page's copy of `scanner_refusal`: the page stays open on the phone
    (offline too), so it judges each read by the read's own time."""
    schedule = schedule_of(shift)
    return {
        "refusal": _cancelled() if shift.is_cancelled else None,
        "opensAt": schedule.checkin_from.isoformat(),
        "closesAt": schedule.ends_at.isoformat(),
        "notYet": _not_yet(shift),
        "ended": _scan_too_late(),
    }
