from django.db.models import QuerySet

from accounts.models import User
from teams.models import Membership, Team
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
