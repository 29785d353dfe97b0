"""Reads about teams that take the viewer into account. Fixed query counts."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from teams.models import Membership, Team
from teams.permissions import teams_visible_to


def team_list_for(user: User, search: str = "") -> QuerySet[Team]:
    mine = Membership.objects.live().filter(team=OuterRef("pk"), user=user)
    teams = (
        teams_visible_to(user)
        .select_related("office", "kind")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)),
            my_status=Subquery(mine.values("status")[:1]),
            my_role=Subquery(mine.values("role")[:1]),
        )
    )
    if search:
        teams = teams.filter(
            Q(name__icontains=search) | Q(office__name__icontains=search) | Q(kind__name__icontains=search)
        )
    return teams.order_by("office__name", "name")


def team_members(team: Team) -> QuerySet[Membership]:
    """Members and requests to join; people invited are not members until they say yes,
    and the team sees nothing of them before."""
    return (
        Membership.objects.filter(team=team, status__in=[Membership.Status.PENDING, Membership.Status.ACTIVE])
        .select_related("user__volunteer", "team")
        .order_by("-role", "status", "user__volunteer__name_pinyin", "user__volunteer__real_name", "pk")
    )


def my_membership(team: Team, user: User) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.live().filter(team=team, user=user).first()


def teams_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.live().filter(user=user).select_related("team__office", "team__kind")
