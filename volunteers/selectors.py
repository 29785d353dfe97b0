from collections.abc import Iterable

from django.db.models import QuerySet

from accounts.models import User
from teams.models import Membership, Office, Team
from volunteers.models import Volunteer


def profile_for(user: User) -> Volunteer | None:
    try:
        return user.volunteer
    except Volunteer.DoesNotExist:
        return None


def card_sheet_for(team: Team) -> QuerySet[Volunteer]:
    """Profiles of a team's active members, in name order, for the printed card sheet."""
    return Volunteer.objects.filter(
        user__memberships__team=team, user__memberships__status=Membership.Status.ACTIVE
    ).order_by("real_name", "pk")


def home_office_of(volunteer: Volunteer) -> Office | None:
    """The office whose star thresholds apply: that of the volunteer's longest-standing active team."""
    return home_offices_of([volunteer])[volunteer.pk]


def home_offices_of(volunteers: Iterable[Volunteer]) -> dict[int, Office | None]:
    """`home_office_of` for many volunteers in one query, by volunteer id."""
    by_user = {volunteer.user_id: volunteer.pk for volunteer in volunteers}
    homes: dict[int, Office | None] = dict.fromkeys(by_user.values())
    memberships = (
        Membership.objects.active()
        .filter(user_id__in=by_user)
        .select_related("team__office__parent__parent")
        .order_by("user_id", "joined_on", "pk")
    )
    for membership in memberships:
        volunteer_id = by_user[membership.user_id]
        if homes[volunteer_id] is None:
            homes[volunteer_id] = membership.team.office
    return homes
