"""Who may see or do what with a request. Views and services ask here and nowhere else.

Office staff (of the request's office or above it) run requests. A resident sees the
requests they raised or that were raised for them. A volunteer sees a request while it is
open to them (needs.models.NeedQuerySet.open_to) and the ones they took. The resident's
full name, phone and address are for the office, the resident, and a volunteer who took
the request until it is done.
"""

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


def is_resident_of(user: User, need: Need) -> bool:
    """The resident named on the request. Whoever raised it counts only when no resident's
    account is named and the raiser is not office staff (who raise requests for others)."""
    if not user.is_authenticated:
        return False
    if need.resident_id is not None:
        return user.pk == need.resident_id
    return user.pk == need.raised_by_id and not runs_need(user, need)


def took(user: User, need: Need) -> bool:
    volunteer = profile_for(user) if user.is_authenticated else None
    return volunteer is not None and need.takers.filter(volunteer=volunteer).exists()


def may_take(user: User, need: Need) -> bool:
    volunteer = profile_for(user) if user.is_authenticated else None
    return volunteer is not None and Need.objects.open_to(volunteer).filter(pk=need.pk).exists()


def may_see(user: User, need: Need) -> bool:
    if not user.is_authenticated:
        return False
    return runs_need(user, need) or is_resident_of(user, need) or took(user, need) or may_take(user, need)


def may_see_contact(user: User, need: Need) -> bool:
    """Full name, phone and address: office staff with the PII grant, the resident, and whoever
    took it until it is done. Other staff see them masked, as they see volunteers' numbers."""
    if not user.is_authenticated:
        return False
    if has_access(user, need.office, ACCESS_OFFICE_PII) or is_resident_of(user, need):
        return True
    return need.state == Need.State.TAKEN and took(user, need)


def needs_run_by(user: User) -> QuerySet[Need]:
    if not user.is_authenticated:
        return Need.objects.none()
    if user.is_superuser:
        return Need.objects.all()
    return Need.objects.filter(office_id__in=grants_for(user).managed_office_ids)


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
