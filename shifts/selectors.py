"""Reads about shifts that take the viewer into account. Fixed query counts."""

import datetime
import itertools

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from shifts.models import Shift, Signup
from teams.models import Membership, Team
from teams.permissions import teams_run_by


def shifts_visible_to(user: User) -> QuerySet[Shift]:
    """Shifts of my teams, public shifts of active teams, and shifts of teams I run."""
    if user.is_authenticated and user.is_superuser:
        return Shift.objects.all()
    my_teams = Membership.objects.active().filter(user=user).values("team_id")
    return Shift.objects.filter(
        Q(team_id__in=my_teams) | Q(is_public=True, team__is_active=True) | Q(team__in=teams_run_by(user))
    )


def with_counts(shifts: QuerySet[Shift], user: User) -> QuerySet[Shift]:
    mine = Signup.objects.live().filter(shift=OuterRef("pk"), volunteer__user=user)
    return shifts.select_related("team").annotate(
        confirmed_count=Count("signups", filter=Q(signups__status=Signup.Status.CONFIRMED)),
        waitlist_count=Count("signups", filter=Q(signups__status=Signup.Status.WAITLISTED)),
        my_status=Subquery(mine.values("status")[:1]),
        my_signup_id=Subquery(mine.values("pk")[:1]),
    )


def upcoming_for(user: User, *, team: Team | None = None, from_date: datetime.date | None = None) -> QuerySet[Shift]:
    shifts = shifts_visible_to(user).filter(is_cancelled=False).upcoming()
    if team is not None:
        shifts = shifts.filter(team=team)
    if from_date is not None:
        start = datetime.datetime.combine(from_date, datetime.time.min, tzinfo=timezone.get_current_timezone())
        shifts = shifts.filter(starts_at__gte=start)
    return with_counts(shifts, user).order_by("starts_at", "pk")


def group_by_day(shifts) -> list[tuple[datetime.date, list[Shift]]]:
    return [
        (day, list(group))
        for day, group in itertools.groupby(shifts, key=lambda shift: timezone.localdate(shift.starts_at))
    ]


def signups_of(user: User) -> QuerySet[Signup]:
    return (
        Signup.objects.filter(volunteer__user=user)
        .exclude(status=Signup.Status.REMOVED, shift__ends_at__lt=timezone.now() - datetime.timedelta(days=365))
        .select_related("shift__team")
        .order_by("shift__starts_at", "pk")
    )


def roster_of(shift: Shift) -> QuerySet[Signup]:
    return Signup.objects.filter(shift=shift).select_related("volunteer__user").order_by("status", "created_at", "pk")
