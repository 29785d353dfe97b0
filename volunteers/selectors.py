from collections import Counter
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

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


def namesake_hints(volunteers: Iterable[Volunteer], *, name=None) -> dict[int, str]:
    """By volunteer id, the masked phone (138****8000) of each person whose name occurs more
    than once among `volunteers`, so that a leader picks the right 张伟; others get no hint.
    `name` gives what is compared (the real name unless said otherwise, e.g. the public
    张* of a ranking). The volunteers come with their users loaded (select_related("user"))."""
    volunteers = list(volunteers)
    name = name or (lambda volunteer: volunteer.real_name)
    names = Counter(name(volunteer) for volunteer in volunteers)
    return {volunteer.pk: volunteer.masked_phone for volunteer in volunteers if names[name(volunteer)] > 1}


def name_with_hint(name: str, hint: str) -> str:
    """张伟 (138****8000), or the name alone when it needs no hint."""
    return _("%(name)s (%(hint)s)") % {"name": name, "hint": hint} if hint else name
