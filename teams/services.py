"""Every change to offices, teams and memberships. One transaction each."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify
from teams.models import AuditEntry, GridWorker, Membership, Office, Team, new_invite_code
from teams.permissions import ACCESS_OFFICE_MANAGE, forget_grants, grants_for, has_access


def _live_membership(team: Team, user: User) -> Membership | None:
    return Membership.objects.live().select_for_update().filter(team=team, user=user).first()


@transaction.atomic
def request_to_join(*, team: Team, user: User, invite_code: str | None = None) -> Membership:
    """Join a team as its policy allows: open teams at once, others after approval
    or with the team's invitation code."""
    if not team.is_active:
        raise ValidationError(_("This team is not taking new members."))
    existing = _live_membership(team, user)
    if existing:
        if existing.status == Membership.Status.INVITED:
            return accept_invitation(membership=existing, user=user)
        if existing.status == Membership.Status.ACTIVE:
            raise ValidationError(_("You are already a member of this team."))
        raise ValidationError(_("Your request to join is waiting for a leader's approval."))
    invited = bool(invite_code) and invite_code == team.invite_code
    if team.join_policy == Team.JoinPolicy.INVITE and not invited:
        raise ValidationError(_("This team takes members by invitation only. Ask a leader for the link."))
    if team.join_policy == Team.JoinPolicy.APPROVAL and not invited:
        membership = Membership(team=team, user=user, status=Membership.Status.PENDING)
    else:
        membership = Membership(team=team, user=user, status=Membership.Status.ACTIVE, joined_on=timezone.localdate())
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def add_member(*, team: Team, user: User, by: User | None) -> Membership:
    """Put someone on a team directly (roster import, a leader adding a person).
    Returns the existing membership when there is one."""
    existing = _live_membership(team, user)
    if existing and existing.status in (Membership.Status.ACTIVE, Membership.Status.INVITED):
        return existing
    if existing:
        return approve_membership(membership=existing, by=by)
    membership = Membership(
        team=team, user=user, status=Membership.Status.ACTIVE, joined_on=timezone.localdate(), decided_by=by
    )
    membership.full_clean()
    membership.save()
    return membership


def _decide(membership: Membership, *, status: str, by: User | None) -> Membership:
    membership = Membership.objects.select_for_update().select_related("team__office").get(pk=membership.pk)
    if membership.status != Membership.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    membership.status = status
    membership.decided_by = by
    if status == Membership.Status.ACTIVE:
        membership.joined_on = timezone.localdate()
    membership.save(update_fields=["status", "decided_by", "joined_on"])
    action = AuditEntry.Action.APPROVED if status == Membership.Status.ACTIVE else AuditEntry.Action.REFUSED
    record(membership.team, by, membership.user, action)
    return membership


def record(team: Team, actor: User | None, subject: User | None, action: str, **detail) -> AuditEntry:
    """One line of the office's audit log."""
    return AuditEntry.objects.create(
        office=team.office, team=team, actor=actor, subject=subject, action=action, detail=detail
    )


@transaction.atomic
def approve_membership(*, membership: Membership, by: User | None) -> Membership:
    return _decide(membership, status=Membership.Status.ACTIVE, by=by)


@transaction.atomic
def refuse_membership(*, membership: Membership, by: User) -> Membership:
    return _decide(membership, status=Membership.Status.REFUSED, by=by)


@transaction.atomic
def leave_team(*, team: Team, user: User) -> Membership:
    membership = _live_membership(team, user)
    if membership is None:
        raise ValidationError(_("You are not a member of this team."))
    membership.status = Membership.Status.LEFT
    membership.left_on = timezone.localdate()
    membership.save(update_fields=["status", "left_on"])
    return membership


@transaction.atomic
def set_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Staff appoint and stand down leaders (the view checks ACCESS_TEAM_MANAGE)."""
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError(_("Only active members can be appointed."))
    membership.role = role
    membership.decided_by = by
    membership.save(update_fields=["role", "decided_by"])
    record(membership.team, by, membership.user, AuditEntry.Action.ROLE, role=role)
    return membership


@transaction.atomic
def save_team(*, team: Team) -> Team:
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def renew_invite_code(*, team: Team) -> Team:
    """A leaked invitation link stops working once the code is renewed."""
    team.invite_code = new_invite_code()
    team.save(update_fields=["invite_code"])
    return team


@transaction.atomic
def add_members(*, team: Team, users: list[User], by: User | None) -> None:
    """add_member for many people at once: people the roster import has just registered.
    Pending requests are approved, people already active are left alone, everyone else joins."""
    today = timezone.localdate()
    live = {
        membership.user_id: membership
        for membership in Membership.objects.live().select_for_update().filter(team=team, user__in=users)
    }
    pending = [m.pk for m in live.values() if m.status == Membership.Status.PENDING]
    Membership.objects.filter(pk__in=pending).update(status=Membership.Status.ACTIVE, joined_on=today, decided_by=by)
    Membership.objects.bulk_create(
        Membership(team=team, user=user, status=Membership.Status.ACTIVE, joined_on=today, decided_by=by)
        for user in users
        if user.pk not in live
    )


def invite_members(*, team: Team, users: list[User], by: User | None) -> int:
    """People who already have an account are invited, never added: each says yes or no
    on their phone (DESIGN: nobody joins a team without saying yes). Someone who asked to
    join already said yes; members and people invited before are left alone. Site
    administrators are never put forward. Returns how many were invited."""
    live = {
        membership.user_id: membership
        for membership in Membership.objects.live().select_for_update().filter(team=team, user__in=users)
    }
    pending = [m.pk for m in live.values() if m.status == Membership.Status.PENDING]
    Membership.objects.filter(pk__in=pending).update(
        status=Membership.Status.ACTIVE, joined_on=timezone.localdate(), decided_by=by
    )
    invited = [user for user in users if user.pk not in live and not (user.is_staff or user.is_superuser)]
    Membership.objects.bulk_create(
        Membership(team=team, user=user, status=Membership.Status.INVITED, decided_by=by) for user in invited
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(office=team.office, team=team, actor=by, subject=user, action=AuditEntry.Action.INVITED)
        for user in invited
    )
    notify(
        invited,
        lambda: _("%(team)s invites you to join. Open the link to say yes or no.") % {"team": team.name},
        link=reverse("teams:invitations"),
    )
    return len(invited)


def _answer(membership: Membership, user: User, status: str) -> Membership:
    membership = Membership.objects.select_for_update().select_related("team__office").get(pk=membership.pk)
    if membership.user_id != user.pk or membership.status != Membership.Status.INVITED:
        raise ValidationError(_("This invitation is no longer open."))
    membership.status = status
    if status == Membership.Status.ACTIVE:
        membership.joined_on = timezone.localdate()
    membership.save(update_fields=["status", "joined_on"])
    action = AuditEntry.Action.ACCEPTED if status == Membership.Status.ACTIVE else AuditEntry.Action.DECLINED
    AuditEntry.objects.create(
        office=membership.team.office, team=membership.team, actor=user, subject=user, action=action
    )
    return membership


@transaction.atomic
def accept_invitation(*, membership: Membership, user: User) -> Membership:
    return _answer(membership, user, Membership.Status.ACTIVE)


@transaction.atomic
def decline_invitation(*, membership: Membership, user: User) -> Membership:
    return _answer(membership, user, Membership.Status.REFUSED)


def log_pii_view(viewer: User, person: User) -> None:
    """Who saw someone's full phone and ID number: on the log of the office that allowed it."""
    memberships = Membership.objects.filter(
        user=person, status__in=[Membership.Status.PENDING, Membership.Status.ACTIVE]
    ).select_related("team__office")
    if not viewer.is_superuser:
        memberships = memberships.filter(team__office_id__in=grants_for(viewer).pii_office_ids)
    membership = memberships.order_by("pk").first()
    if membership is not None:
        record(membership.team, viewer, person, AuditEntry.Action.PII_VIEWED)


def _check_manages(by: User, office: Office) -> None:
    if not has_access(by, office, ACCESS_OFFICE_MANAGE):
        raise ValidationError(_("Only the office's staff do this."))


@transaction.atomic
def appoint_grid_worker(*, office: Office, user: User, grid: str, by: User) -> GridWorker:
    """Staff make someone the grid worker (网格员) of one of the office's grids. It gives no
    say over the office: they raise and follow residents' requests of that grid."""
    _check_manages(by, office)
    if not user.is_active:
        raise ValidationError(_("This account is closed."))
    grid = grid.strip()
    if GridWorker.objects.filter(office=office, user=user, grid=grid).exists():
        raise ValidationError(_("They already look after this grid."))
    post = GridWorker(office=office, user=user, grid=grid, appointed_by=by)
    post.full_clean()
    post.save()
    AuditEntry.objects.create(
        office=office, actor=by, subject=user, action=AuditEntry.Action.GRID_APPOINTED, detail={"grid": grid}
    )
    forget_grants(user)
    notify(
        [user],
        lambda: (
            _("%(office)s made you the grid worker of %(grid)s: you can raise residents' requests for it.")
            % {"office": office.name, "grid": grid}
        ),
        link=reverse("needs:grid"),
    )
    return post


@transaction.atomic
def remove_grid_worker(*, post: GridWorker, by: User) -> None:
    post = GridWorker.objects.select_for_update().select_related("office", "user").get(pk=post.pk)
    _check_manages(by, post.office)
    post.delete()
    AuditEntry.objects.create(
        office=post.office,
        actor=by,
        subject=post.user,
        action=AuditEntry.Action.GRID_REMOVED,
        detail={"grid": post.grid},
    )
    forget_grants(post.user)
