"""Yearly evaluations (评议 / 评选): nominations and votes in their windows, one vote per voter
per nominee and at most N a voter, results frozen at close, named people honoured."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from civic.models import Evaluation, Nomination, PointEntry, Vote
from hours.models import Honour, ServiceRecord
from hours.units import hours
from teams.models import Membership
from teams.permissions import ACCESS_OFFICE_MANAGE, has_access, office_tree_ids
from volunteers.models import Volunteer


@transaction.atomic
def open_evaluation(*, evaluation: Evaluation) -> Evaluation:
    """Staff open an evaluation; its windows follow one another (the model's constraint says so too)."""
    evaluation.full_clean()
    evaluation.save()
    return evaluation


def panel_candidates(evaluation: Evaluation):
    """Who may sit on the panel: active staff of the office and of the office above it."""
    offices = [evaluation.office_id, evaluation.office.parent_id]
    return (
        User.objects.filter(office_roles__office_id__in=[pk for pk in offices if pk], is_active=True)
        .select_related("volunteer")
        .distinct()
        .order_by("phone")
    )


PANEL_MINIMUM = 3


@transaction.atomic
def choose_panel(*, evaluation: Evaluation, members: list[User], today: datetime.date) -> Evaluation:
    """The named staff who vote in a panel evaluation; chosen before voting opens, so no one's
    votes are cast by someone taken off the panel afterwards."""
    evaluation = Evaluation.objects.select_for_update().select_related("office").get(pk=evaluation.pk)
    if evaluation.voters != Evaluation.Voters.PANEL:
        raise ValidationError(_("In this evaluation, no panel votes."))
    if evaluation.closed_at is not None or today >= evaluation.voting_from:
        raise ValidationError(_("The panel is chosen before voting opens."))
    if len(set(members)) < PANEL_MINIMUM:
        raise ValidationError(
            _("Choose at least %(count)d members of staff: one person alone would name whom they like.")
            % {"count": PANEL_MINIMUM}
        )
    if any(
        not member.is_active or not has_access(member, evaluation.office, ACCESS_OFFICE_MANAGE) for member in members
    ):
        raise ValidationError(_("The panel is chosen from the office's staff."))
    evaluation.panel.set(members)
    return evaluation


def _serves_in(user: User, evaluation: Evaluation) -> bool:
    return (
        Membership.objects.active().filter(user=user, team__office_id__in=office_tree_ids(evaluation.office)).exists()
    )


def may_nominate(user: User, evaluation: Evaluation) -> bool:
    """Staff of the office, and members of its teams."""
    return has_access(user, evaluation.office, ACCESS_OFFICE_MANAGE) or _serves_in(user, evaluation)


def may_vote(user: User, evaluation: Evaluation) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if evaluation.voters == Evaluation.Voters.RESIDENTS:
        return True
    if evaluation.voters == Evaluation.Voters.VOLUNTEERS:
        return _serves_in(user, evaluation)
    # A member who has left the office's staff since the panel was chosen no longer votes.
    return evaluation.panel.filter(pk=user.pk).exists() and has_access(user, evaluation.office, ACCESS_OFFICE_MANAGE)


@transaction.atomic
def nominate(
    *,
    evaluation: Evaluation,
    volunteer: Volunteer,
    reason: str,
    by: User,
    today: datetime.date,
    household: str = "",
    members: Iterable[Volunteer] = (),
) -> Nomination:
    """A person, or for a household evaluation a household: `volunteer` stands for it, with
    its label and its other members."""
    if not evaluation.nominations_from <= today <= evaluation.nominations_to or evaluation.closed_at:
        raise ValidationError(_("Nominations are not open."))
    if not may_nominate(by, evaluation):
        raise ValidationError(_("Staff of the office and members of its teams nominate."))
    if not reason.strip():
        raise ValidationError(_("Say why you nominate them."))
    if Nomination.objects.filter(evaluation=evaluation, volunteer=volunteer).exists():
        raise ValidationError(_("They have been nominated already."))
    household, members = " ".join(household.split()), [member for member in members if member.pk != volunteer.pk]
    if evaluation.kind == Evaluation.Kind.HOUSEHOLD and not household:
        raise ValidationError(_("Name the household: who and where."))
    if evaluation.kind == Evaluation.Kind.PERSON and (household or members):
        raise ValidationError(_("This evaluation names people, not households."))
    nomination = Nomination(
        evaluation=evaluation, volunteer=volunteer, household=household, reason=reason.strip(), nominated_by=by
    )
    nomination.full_clean(validate_unique=False, validate_constraints=False)
    nomination.save()
    nomination.members.set(members)
    return nomination


@transaction.atomic
def vote(*, nomination: Nomination, voter: User, today: datetime.date) -> Vote:
    # The evaluation's row lock: votes cast at once are counted against the limit one after
    # the other, and none slips in while `close` counts them.
    evaluation = Evaluation.objects.select_for_update().get(pk=nomination.evaluation_id)
    if not evaluation.voting_from <= today <= evaluation.voting_to or evaluation.closed_at:
        raise ValidationError(_("Voting is not open."))
    if not may_vote(voter, evaluation):
        raise ValidationError(_("You may not vote in this evaluation."))
    if nomination.volunteer.user_id == voter.pk or nomination.members.filter(user=voter).exists():
        raise ValidationError(_("Nobody votes for themselves or their own household."))
    cast = Vote.objects.filter(evaluation=evaluation, voter=voter)
    if cast.filter(nomination=nomination).exists():
        raise ValidationError(_("You have voted for them already."))
    if cast.count() >= evaluation.votes_per_voter:
        raise ValidationError(_("You have used your %(votes)d votes.") % {"votes": evaluation.votes_per_voter})
    return Vote.objects.create(evaluation=evaluation, nomination=nomination, voter=voter)


@transaction.atomic
def close(*, evaluation: Evaluation, by: User, today: datetime.date) -> list[Nomination]:
    """After voting ends: the votes are counted once and frozen, the top `seats` named (ties
    at the last seat by the earlier nomination) and honoured. Returns the named."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.closed_at:
        raise ValidationError(_("This evaluation is closed already."))
    if today <= evaluation.voting_to:
        raise ValidationError(_("Voting has not ended yet."))
    nominations = list(
        evaluation.nominations.annotate(counted=Count("votes")).select_related("volunteer").order_by("-counted", "pk")
    )
    named = [nomination for nomination in nominations[: evaluation.seats] if nomination.counted > 0]
    for nomination in nominations:
        nomination.final_votes, nomination.named = nomination.counted, nomination in named
    Nomination.objects.bulk_update(nominations, ["final_votes", "named"])
    _honour_named(evaluation=evaluation, named=named, by=by)
    evaluation.closed_at = timezone.now()
    evaluation.save(update_fields=["closed_at"])
    return named


def _honour_named(*, evaluation: Evaluation, named: list[Nomination], by: User) -> None:
    """The named get the existing honours, shown on profiles and certificates: a person 最美志愿者,
    each member with an account of a named household 文明户. Someone already holding that
    honour for the year (awarded by hand, or as a member of two named households) keeps it."""
    if evaluation.kind == Evaluation.Kind.HOUSEHOLD:
        title = Honour.Title.CIVILISED_HOUSEHOLD
        people = []
        for nomination in Nomination.objects.filter(pk__in=[n.pk for n in named]).prefetch_related("members"):
            people += [nomination.volunteer_id, *(member.pk for member in nomination.members.all())]
    else:
        title = Honour.Title.MOST_ADMIRED
        people = [nomination.volunteer_id for nomination in named]
    period = f"{evaluation.voting_to.year}"
    honoured = set(
        Honour.objects.current()
        .filter(office=evaluation.office, title=title, period=period)
        .values_list("volunteer_id", flat=True)
    )
    Honour.objects.bulk_create(
        Honour(volunteer_id=volunteer_id, office=evaluation.office, title=title, period=period, awarded_by=by)
        for volunteer_id in dict.fromkeys(people)
        if volunteer_id not in honoured
    )


@dataclass(frozen=True)
class Evidence:
    minutes: int
    points: int

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


def evidence_for(evaluation: Evaluation, volunteer_ids: list[int]) -> dict[int, Evidence]:
    """Each nominee's hours and points earned at the office (and below) in the evaluation's year."""
    tree = office_tree_ids(evaluation.office)
    year = evaluation.voting_to.year
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    minutes = dict(
        ServiceRecord.objects.filter(
            volunteer_id__in=volunteer_ids, office_id__in=tree, service_date__range=(start, end)
        )
        .values_list("volunteer_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    points = dict(
        PointEntry.objects.filter(
            Q(kind=PointEntry.Kind.HOURS) | Q(kind=PointEntry.Kind.DEED),
            account__volunteer_id__in=volunteer_ids,
            account__office_id__in=tree,
            earned_on__range=(start, end),
        )
        .values_list("account__volunteer_id")
        .annotate(total=Sum("points"))
        .order_by()
    )
    return {pk: Evidence(minutes.get(pk, 0), points.get(pk, 0)) for pk in volunteer_ids}


def nomination_evidence(evaluation: Evaluation, nominations: list[Nomination]) -> dict[int, Evidence]:
    """Nomination id → its evidence: the nominee's, or the sum over a household's members.
    The nominations' members prefetched; two queries more."""
    people = {n.pk: {n.volunteer_id, *(member.pk for member in n.members.all())} for n in nominations}
    evidence = evidence_for(evaluation, sorted(set().union(*people.values())) if people else [])
    return {
        pk: Evidence(sum(evidence[v].minutes for v in ids), sum(evidence[v].points for v in ids))
        for pk, ids in people.items()
    }


def public_name(nomination: Nomination) -> str:
    """Masked as the ranking lists mask names (rule 12); a household by its masked name (张*家),
    never its label, which says where it lives."""
    if nomination.evaluation.kind == Evaluation.Kind.HOUSEHOLD:
        return _("%(name)s's household") % {"name": nomination.volunteer.public_name}
    return nomination.volunteer.public_name


def public_results(evaluation: Evaluation) -> list[tuple[str, int, bool]]:
    """(masked name, votes, named) once frozen."""
    if not evaluation.closed_at:
        return []
    rows = evaluation.nominations.select_related("volunteer", "evaluation").order_by("-final_votes", "pk")
    return [(public_name(row), row.final_votes, row.named) for row in rows]
