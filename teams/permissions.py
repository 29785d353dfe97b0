"""Who may see or do what. Every view asks here; nothing else decides access.

Roles (DESIGN.md): a volunteer sees their own data and the public face of teams;
a leader (队长) runs their own teams; office staff manage their office and every
office below it; a grid worker (网格员) raises and follows residents' requests of their grid
and is not office staff; only staff with the PII flag (and the person themself) see full
phone and ID numbers; a superuser may do everything.

Answers are computed once per request from one small query (and, for office staff,
one per level of offices below theirs) and kept on the user object, so that pages
with many rows ask nothing more per row.
"""

import contextlib
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from teams.models import GridWorker, Membership, Office, OfficeStaff, Team

ACCESS_TEAM_VIEW = "team_view"  # the team's member list and join requests
ACCESS_TEAM_RUN = "team_run"  # approve members, print cards; later shifts and scanning
ACCESS_TEAM_MANAGE = "team_manage"  # edit the team, appoint leaders, import rosters
ACCESS_OFFICE_MANAGE = "office_manage"  # create teams, see the office's people
ACCESS_OFFICE_PII = "office_pii"  # full phone and ID numbers of the office's people

TEAM_ACCESSES = {ACCESS_TEAM_VIEW, ACCESS_TEAM_RUN, ACCESS_TEAM_MANAGE}
OFFICE_ACCESSES = {ACCESS_OFFICE_MANAGE, ACCESS_OFFICE_PII}

# Offices nest street → community/village; a few more levels cost one query each.
MAX_OFFICE_DEPTH = 4


@dataclass(frozen=True)
class Grants:
    managed_office_ids: frozenset[int]
    pii_office_ids: frozenset[int]
    led_team_ids: frozenset[int]
    grid_posts: frozenset[tuple[int, str]] = frozenset()  # (office id, grid name)

    @property
    def is_staff_somewhere(self) -> bool:
        return bool(self.managed_office_ids)

    def grids_in(self, office_id: int) -> set[str]:
        return {grid for office, grid in self.grid_posts if office == office_id}


NO_GRANTS = Grants(frozenset(), frozenset(), frozenset())


def _with_descendants(office_ids: set[int]) -> set[int]:
    found = set(office_ids)
    frontier = set(office_ids)
    for _level in range(MAX_OFFICE_DEPTH):
        if not frontier:
            break
        frontier = set(Office.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


ROLE_OFFICE, ROLE_TEAM, ROLE_GRID = 0, 1, 2

# Each office role (office, PII flag), each team led (as Membership.objects.leaders()) and
# each grid looked after (office, grid).
ROLES_SQL = f"""
    SELECT {ROLE_OFFICE}, office_id, can_view_pii, '' FROM {OfficeStaff._meta.db_table} WHERE user_id = %s
    UNION ALL
    SELECT {ROLE_TEAM}, team_id, FALSE, '' FROM {Membership._meta.db_table}
    WHERE user_id = %s AND status = %s AND role = %s
    UNION ALL
    SELECT {ROLE_GRID}, office_id, FALSE, grid FROM {GridWorker._meta.db_table} WHERE user_id = %s
"""  # noqa: S608 - model names only


def _roles_of(user: User) -> list[tuple[int, int, bool, str]]:
    """(kind of role, office or team id, PII flag, grid) rows. Every page asks this, so it is
    one query, and written out: building the same union with the ORM costs more than running it."""
    with connection.cursor() as cursor:
        cursor.execute(ROLES_SQL, [user.pk, user.pk, Membership.Status.ACTIVE, Membership.Role.LEADER, user.pk])
        return [(kind, target, bool(pii), grid) for kind, target, pii, grid in cursor.fetchall()]


def grants_for(user: User | AnonymousUser) -> Grants:
    if not user.is_authenticated:
        return NO_GRANTS
    cached = getattr(user, "_grants", None)
    if cached is not None:
        return cached
    offices, pii_roots, led, grids = set(), set(), set(), set()
    for kind, target, pii, grid in _roles_of(user):
        if kind == ROLE_TEAM:
            led.add(target)
        elif kind == ROLE_GRID:
            grids.add((target, grid))
        else:
            offices.add(target)
            if pii:
                pii_roots.add(target)
    managed = _with_descendants(offices) if offices else set()
    pii = _with_descendants(pii_roots) if pii_roots else set()
    user._grants = Grants(frozenset(managed), frozenset(pii), frozenset(led), frozenset(grids))
    return user._grants


def looks_after_a_grid(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and bool(grants_for(user).grid_posts)


def runs_any_team(user: User | AnonymousUser) -> bool:
    """Leaders and office staff: the people who scan cards and keep sheets (the 扫码 tab)."""
    if not user.is_authenticated:
        return False
    grants = grants_for(user)
    return user.is_superuser or bool(grants.led_team_ids or grants.managed_office_ids)


def manages_any_office(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or grants_for(user).is_staff_somewhere)


def forget_grants(user: User) -> None:
    """Call after changing someone's roles within the same request."""
    with contextlib.suppress(AttributeError):
        del user._grants


def has_access(user: User | AnonymousUser, target: Office | Team, access: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    grants = grants_for(user)
    if isinstance(target, Team):
        if access not in TEAM_ACCESSES:
            raise ValueError(f"{access} does not apply to a team")
        if target.office_id in grants.managed_office_ids:
            return True
        return access != ACCESS_TEAM_MANAGE and target.pk in grants.led_team_ids
    if isinstance(target, Office):
        if access == ACCESS_OFFICE_MANAGE:
            return target.pk in grants.managed_office_ids
        if access == ACCESS_OFFICE_PII:
            return target.pk in grants.pii_office_ids
        raise ValueError(f"{access} does not apply to an office")
    raise TypeError(f"no access rules for {type(target).__name__}")


def teams_visible_to(user: User | AnonymousUser) -> QuerySet[Team]:
    """Teams a user may look at: every active team, and inactive ones they run."""
    teams = Team.objects.all()
    if user.is_authenticated and user.is_superuser:
        return teams
    visible = Q(is_active=True)
    if user.is_authenticated:
        grants = grants_for(user)
        visible |= Q(office_id__in=grants.managed_office_ids) | Q(pk__in=grants.led_team_ids)
    return teams.filter(visible)


def teams_run_by(user: User | AnonymousUser) -> QuerySet[Team]:
    """Teams whose members this user may see and whose work they may run."""
    if not user.is_authenticated:
        return Team.objects.none()
    if user.is_superuser:
        return Team.objects.all()
    grants = grants_for(user)
    return Team.objects.filter(Q(office_id__in=grants.managed_office_ids) | Q(pk__in=grants.led_team_ids))


def offices_managed_by(user: User | AnonymousUser) -> QuerySet[Office]:
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    return Office.objects.filter(pk__in=grants_for(user).managed_office_ids)


def _memberships_run_by(user: User) -> QuerySet[Membership]:
    """Live memberships (pending or active) in teams the user runs: as staff above them or as leader."""
    grants = grants_for(user)
    return Membership.objects.filter(
        Q(team__office_id__in=grants.managed_office_ids) | Q(team_id__in=grants.led_team_ids),
        status__in=[Membership.Status.PENDING, Membership.Status.ACTIVE],
    )


def may_see_person(user: User | AnonymousUser, person: User) -> bool:
    """A person's profile (masked) is seen by them, and by those who run one of their teams."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.pk == person.pk:
        return True
    return _memberships_run_by(user).filter(user=person).exists()


def person_visible_to(user: User, person_field: str) -> Q:
    """`may_see_person` inside a query over rows that name a person (`person_field`, a user
    id), so that a list asks it once for the page instead of once a row."""
    if user.is_superuser:
        return Q(pk__isnull=False)
    return Q(Exists(_memberships_run_by(user).filter(user_id=OuterRef(person_field)))) | Q(**{person_field: user.pk})


def may_see_pii(user: User | AnonymousUser, person: User) -> bool:
    """Full phone and ID number: the person, and office staff holding the PII flag."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.pk == person.pk:
        return True
    grants = grants_for(user)
    if not grants.pii_office_ids:
        return False
    return Membership.objects.filter(
        user=person,
        team__office_id__in=grants.pii_office_ids,
        status__in=[Membership.Status.PENDING, Membership.Status.ACTIVE],
    ).exists()


def office_tree_ids(office: Office) -> set[int]:
    """The office and every office below it."""
    return _with_descendants({office.pk})


def may_see_recognition(user: User | AnonymousUser, office: Office, tree_ids: set[int] | None = None) -> bool:
    """An office's ranking lists: its staff (and staff above it), and active members of a team in its tree."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or office.pk in grants_for(user).managed_office_ids:
        return True
    tree_ids = office_tree_ids(office) if tree_ids is None else tree_ids
    return Membership.objects.active().filter(user=user, team__office_id__in=tree_ids).exists()
