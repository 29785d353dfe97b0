"""Time limits: a request nobody took in time goes back to the office with an alert; one not
done by the end of its window is flagged; a wish's claim not fulfilled in time returns it to
the wall. Run by `manage.py check_need_deadlines` from cron."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.notifications import notify
from needs.models import Need, NeedEvent
from needs.services import State, lock_need, move, record_event, save_need
from needs.wishes import return_lapsed_claims
from teams.models import OfficeStaff


def take_within() -> datetime.timedelta:
    """How long a dispatched request may wait for a volunteer (settings.NEEDS_TAKE_WITHIN_HOURS)."""
    return datetime.timedelta(hours=getattr(settings, "NEEDS_TAKE_WITHIN_HOURS", 24))


@dataclass
class DeadlineRun:
    sent_back: int = 0
    overdue: int = 0
    wishes_returned: int = 0


def _tell_staff(need: Need, words) -> None:
    staff = [role.user for role in OfficeStaff.objects.filter(office_id=need.office_id).select_related("user")]
    notify(staff, lambda: words % {"category": need.category.name, "grid": need.grid}, need.get_absolute_url())


@transaction.atomic
def _send_back(need: Need, now: datetime.datetime) -> bool:
    need = lock_need(need)
    if need.state != State.DISPATCHED or need.escalated_at is not None:
        return False
    need.escalated_at = now
    if need.takers.exists():
        # Some places are taken: those volunteers keep it, the office only hears of it.
        record_event(need, NeedEvent.Action.ESCALATED, by=None, at=now)
    else:
        move(need, State.ACCEPTED, by=None, at=now)
        record_event(need, NeedEvent.Action.ESCALATED, by=None, at=now)
    save_need(need)
    _tell_staff(need, gettext_lazy("Nobody took the request (%(category)s, %(grid)s) in time: dispatch it again."))
    return True


@transaction.atomic
def _flag_overdue(need: Need, now: datetime.datetime) -> bool:
    need = lock_need(need)
    if need.state not in (State.DISPATCHED, State.TAKEN) or need.overdue_at is not None:
        return False
    need.overdue_at = now
    save_need(need)
    record_event(need, NeedEvent.Action.OVERDUE, by=None, at=now)
    _tell_staff(need, gettext_lazy("The request (%(category)s, %(grid)s) was not done in its time window."))
    return True


def check_deadlines(*, now: datetime.datetime | None = None, within: datetime.timedelta | None = None) -> DeadlineRun:
    """Safe to repeat: each request is sent back or flagged once."""
    now = now or timezone.now()
    within = take_within() if within is None else within
    run = DeadlineRun()
    late = Need.objects.filter(
        state=State.DISPATCHED, escalated_at__isnull=True, dispatched_at__lte=now - within
    ).order_by("pk")
    for need in late:
        run.sent_back += _send_back(need, now)
    overdue = Need.objects.filter(
        state__in=[State.DISPATCHED, State.TAKEN], overdue_at__isnull=True, window_ends__lt=now
    ).order_by("pk")
    for need in overdue:
        run.overdue += _flag_overdue(need, now)
    run.wishes_returned = return_lapsed_claims(now)
    return run
