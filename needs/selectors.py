"""Reads: the lists each person sees, with their joins fixed so query counts stay flat."""

from django.db.models import QuerySet

from accounts.models import User
from needs.models import Need, NeedTaker
from needs.permissions import needs_run_by
from teams.models import Membership, Office
from volunteers.models import Volunteer

LIST_JOINS = ("category", "office", "team")


def needs_of_resident(user: User) -> QuerySet[Need]:
    return Need.objects.raised_by_or_for(user).select_related(*LIST_JOINS)


def board_for(volunteer: Volunteer, *, grid: str = "") -> QuerySet[Need]:
    needs = Need.objects.open_to(volunteer).exclude(takers__volunteer=volunteer)
    if grid:
        needs = needs.filter(grid=grid)
    return needs.select_related(*LIST_JOINS).order_by("-urgency", "window_starts", "pk")


def taken_by(volunteer: Volunteer) -> QuerySet[NeedTaker]:
    return (
        NeedTaker.objects.filter(volunteer=volunteer)
        .select_related("need__category", "need__office")
        .order_by("-taken_at", "-pk")
    )


QUEUE_STATES = {
    "new": [Need.State.SUBMITTED],
    "to_dispatch": [Need.State.ACCEPTED],
    "open": [Need.State.DISPATCHED, Need.State.TAKEN],
    "to_confirm": [Need.State.DONE],
    "closed": list(Need.CLOSED_STATES),
}


def queue_for(user: User, tab: str) -> QuerySet[Need]:
    needs = needs_run_by(user).select_related(*LIST_JOINS)
    return needs.filter(state__in=QUEUE_STATES.get(tab, QUEUE_STATES["new"]))


def serving_in(office: Office) -> QuerySet[Volunteer]:
    """Volunteers active in a team of the office: those a request of it may be sent to by name."""
    serving = Membership.objects.active().filter(team__office=office).values("user_id")
    return Volunteer.objects.filter(user_id__in=serving)
