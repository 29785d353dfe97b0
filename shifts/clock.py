"""Clock times people type (09:30) → moments, around a shift that may run past midnight."""

import datetime

from django.utils import timezone


def next_at(moment: datetime.datetime, clock: datetime.time) -> datetime.datetime:
    """The first time the local clock shows `clock` from `moment` on: a break at 01:00 in a
    shift from 22:00 is on the next day."""
    local = timezone.localtime(moment)
    at = datetime.datetime.combine(local.date(), clock, tzinfo=local.tzinfo)
    if at < moment:
        at += datetime.timedelta(days=1)
    return at
