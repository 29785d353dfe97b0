"""Who may see or do what with a request. Views and services ask here and nowhere else.

Office staff (of the request's office or above it) run requests. A grid worker (网格员)
raises requests for residents of their grid and follows every request of it, but runs
none. A resident sees the requests they raised or that were raised for them. A volunteer sees a request while it is
open to them (needs.models.NeedQuerySet.open_to) and the ones they took. The resident's
full name, phone and address are for the office, the resident, and a volunteer who took
the request until it is done; a grid worker sees them on the requests they raised.
"""

import operator
from functools import reduce

from django.db.models import Q, QuerySet

from accounts.models import User
from needs.models import Need
from teams.models import Office
from teams.permissions import ACCESS_OFFICE_MANAGE, ACCESS_OFFICE_PII, grants_for, has_access
from volunteers.selectors import profile_for


def runs_office(user: User, office: Office) -> bool:
    return has_access(user, office, ACCESS_OFFICE_MANAGE)


def runs_need(user: User, need: Need) -> bool:
    return has_access(user, need.office, ACCESS_OFFICE_MANAGE)


def grids_of(user: User, office: Office) -> set[str]:
    """The grids of the office this user looks after as its grid worker."""
    if not user.is_authenticated:
        return set()
    return grants_for(user).grids_in(office.pk)


def looks_after(user: User, need: Need) -> bool:
    """The grid worker of the request's grid. A request the office hid is off their list too,
    unless they raised it."""
    if need.is_hidden and need.raised_by_id != user.pk:
        return False
    return bool(need.grid) and need.grid in grids_of(user, need.office)


def is_resident_of(user: User, need: Need) -> bool:
    """The resident named on the request. Only staff and grid workers raise a request with no
    resident's account named (for a resident who has none); then the grid worker who raised
    it speaks for them (confirms, cancels), as a neighbour would, while they look after the
    grid. Staff act as staff, and whoever has left the post no longer speaks for anyone."""
    if not user.is_authenticated:
        return False
    if need.resident_id is not None:
        return user.pk == need.resident_id
    return user.pk == need.raised_by_id and looks_after(user, need)


def took(user: User, need: Need) -> bool:
    volunteer = profile_for(user) if user.is_authenticated else None
    return volunteer is not None and need.takers.filter(volunteer=volunteer).exists()


def may_take(user: User, need: Need) -> bool:
    volunteer = profile_for(user) if user.is_authenticated else None
    return volunteer is not None and Need.objects.open_to(volunteer).filter(pk=need.pk).exists()


def may_see(user: User, need: Need) -> bool:
    if not user.is_authenticated:
        return False
    return (
        runs_need(user, need)
        or is_resident_of(user, need)
        or looks_after(user, need)
        or took(user, need)
        or may_take(user, need)
    )


def may_see_contact(user: User, need: Need) -> bool:
    """Full name, phone and address: office staff with the PII grant, the resident, the grid
    worker who wrote them down, and whoever took it until it is done. Other staff and grid
    workers see them masked, as staff see volunteers' numbers."""
    if not user.is_authenticated:
        return False
    if has_access(user, need.office, ACCESS_OFFICE_PII) or is_resident_of(user, need):
        return True
    if need.raised_by_id == user.pk and looks_after(user, need):
        return True
    return need.state == Need.State.TAKEN and took(user, need)


def needs_run_by(user: User) -> QuerySet[Need]:
    if not user.is_authenticated:
        return Need.objects.none()
    if user.is_superuser:
        return Need.objects.all()
    return Need.objects.filter(office_id__in=grants_for(user).managed_office_ids)


def needs_in_grids_of(user: User) -> QuerySet[Need]:
    """Every request of the grids a grid worker looks after."""
    posts = grants_for(user).grid_posts if user.is_authenticated else frozenset()
    if not posts:
        return Need.objects.none()
    in_grids = reduce(operator.or_, (Q(office_id=office, grid=grid) for office, grid in posts))
    return Need.objects.filter(in_grids).filter(Q(is_hidden=False) | Q(raised_by=user))


def offices_of_grid_worker(user: User) -> QuerySet[Office]:
    return Office.objects.filter(pk__in={office for office, _grid in grants_for(user).grid_posts})


def offices_for_staff(user: User) -> QuerySet[Office]:
    if user.is_superuser:
        return Office.objects.all()
    return Office.objects.filter(pk__in=grants_for(user).managed_office_ids)


def offices_taking_requests() -> QuerySet[Office]:
    """Where a resident may raise a request: communities and villages offering a category."""
    return (
        Office.objects.exclude(kind=Office.Kind.STREET)
        .filter(Q(need_categories__is_active=True))
        .distinct()
        .order_by("name")
    )
