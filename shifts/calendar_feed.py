"""A person's confirmed shifts as an iCalendar feed (RFC 5545), written by the icalendar library."""

import datetime
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from accounts.models import User
from shifts.models import Shift
from shifts.selectors import confirmed_shifts_of

# Calendar apps match events by UID across refreshes, so it must not depend on the
# host name the feed happens to be fetched through.
UID_DOMAIN = "shifts.volunteer-service"
PRODUCT_ID = "-//Volunteer Service//Shifts//ZH"
# Enough history to look back on last month's service; calendars drop what is no longer listed.
HISTORY = datetime.timedelta(days=60)
REFRESH_EVERY = datetime.timedelta(hours=1)


def shift_uid(shift: Shift) -> str:
    return f"shift-{shift.pk}@{UID_DOMAIN}"


def webcal_url(feed_url: str) -> str:
    """The same address for phone calendars, which subscribe to webcal:// links."""
    return "webcal://" + feed_url.split("://", 1)[1]


def _description(shift: Shift) -> str:
    about = "\n".join(line for line in (_("Team: %(team)s") % {"team": shift.team.name}, shift.break_note()) if line)
    return f"{shift.content}\n\n{about}" if shift.content else about


def _event(shift: Shift, absolute_url: Callable[[str], str], stamp: datetime.datetime) -> Event:
    local = timezone.get_default_timezone()
    return Event.new(
        uid=shift_uid(shift),
        stamp=stamp,
        last_modified=shift.updated_at,
        start=timezone.localtime(shift.starts_at, local),
        end=timezone.localtime(shift.ends_at, local),
        summary=shift.title,
        location=shift.place,
        description=_description(shift),
        url=absolute_url(shift.get_absolute_url()),
    )


def build_calendar(*, user: User, absolute_url: Callable[[str], str], now: datetime.datetime | None = None) -> bytes:
    """The .ics body: `absolute_url` turns a path into a full address (the request's host)."""
    now = now or timezone.now()
    shifts = confirmed_shifts_of(user, ending_after=now - HISTORY)
    calendar = Calendar.new(
        prodid=PRODUCT_ID,
        uid=f"calendar-{user.pk}@{UID_DOMAIN}",
        name=_("My volunteer shifts"),
        refresh_interval=REFRESH_EVERY,
        subcomponents=[_event(shift, absolute_url, now) for shift in shifts],
    )
    # Outlook and Apple Calendar read this older property instead of REFRESH-INTERVAL.
    calendar.add("x-published-ttl", vDuration(REFRESH_EVERY))
    calendar.add_missing_timezones()
    return calendar.to_ical()
