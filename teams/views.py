from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, TemplateView, UpdateView
from django_tables2 import SingleTableView

from teams import services
from teams.forms import TeamForm
from teams.mixins import TeamAccessMixin
from teams.models import AuditEntry, Membership, Team
from teams.permissions import (
    ACCESS_TEAM_MANAGE,
    ACCESS_TEAM_RUN,
    ACCESS_TEAM_VIEW,
    has_access,
    offices_managed_by,
    teams_visible_to,
)
from teams.selectors import my_membership, team_list_for, team_members
from teams.tables import AuditTable, TeamTable


def _first_error(error: ValidationError) -> str:
    return error.messages[0]


class TeamListView(LoginRequiredMixin, SingleTableView):
    table_class = TeamTable
    template_name = "teams/team_list.html"
    paginate_by = 25

    def get_queryset(self):
        return team_list_for(self.request.user, self.request.GET.get("q", "").strip())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_create=offices_managed_by(self.request.user).exists(),
            search=self.request.GET.get("q", ""),
            **kwargs,
        )


class TeamDetailView(LoginRequiredMixin, TemplateView):
    template_name = "teams/team_detail.html"
    members_per_page = 50

    def get_context_data(self, **kwargs):
        user = self.request.user
        team = get_object_or_404(teams_visible_to(user).select_related("office", "kind"), pk=kwargs["team_pk"])
        context = super().get_context_data(team=team, membership=my_membership(team, user), **kwargs)
        if has_access(user, team, ACCESS_TEAM_VIEW):
            context.update(
                sees_members=True,
                members=Paginator(team_members(team), self.members_per_page).get_page(self.request.GET.get("page")),
                pending_count=team.memberships.filter(status=Membership.Status.PENDING).count(),
                can_run=has_access(user, team, ACCESS_TEAM_RUN),
                can_manage=has_access(user, team, ACCESS_TEAM_MANAGE),
                invite_url=self.request.build_absolute_uri(team.get_invite_url()),
            )
        return context


class TeamJoinView(LoginRequiredMixin, View):
    def post(self, request, team_pk):
        team = get_object_or_404(teams_visible_to(request.user), pk=team_pk)
        try:
            membership = services.request_to_join(team=team, user=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            if membership.status == Membership.Status.ACTIVE:
                messages.success(request, _("Welcome to %(team)s!") % {"team": team.name})
            else:
                messages.success(request, _("Your request has been sent. A leader will approve it."))
        return redirect(team)


class TeamInviteView(LoginRequiredMixin, TemplateView):
    """The page an invitation link or QR code opens."""

    template_name = "teams/invite.html"

    def get_team(self):
        team = Team.objects.filter(invite_code=self.kwargs["invite_code"], is_active=True).first()
        if team is None:
            raise Http404
        return team

    def get_context_data(self, **kwargs):
        team = self.get_team()
        return super().get_context_data(team=team, membership=my_membership(team, self.request.user), **kwargs)

    def post(self, request, invite_code):
        team = self.get_team()
        try:
            services.request_to_join(team=team, user=request.user, invite_code=invite_code)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("Welcome to %(team)s!") % {"team": team.name})
        return redirect(team)


class TeamLeaveView(LoginRequiredMixin, View):
    def post(self, request, team_pk):
        team = get_object_or_404(Team, pk=team_pk)
        try:
            services.leave_team(team=team, user=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("You have left %(team)s.") % {"team": team.name})
        return redirect("teams:list")


class AuditLogView(LoginRequiredMixin, SingleTableView):
    """The audit log of the offices one manages (and the offices below them)."""

    table_class = AuditTable
    template_name = "teams/audit.html"
    paginate_by = 50

    def get_queryset(self):
        offices = offices_managed_by(self.request.user)
        if not offices.exists():
            raise Http404
        return AuditEntry.objects.filter(office__in=offices).select_related(
            "team", "actor__volunteer", "subject__volunteer"
        )


class InvitationListView(LoginRequiredMixin, TemplateView):
    """The teams that invited me (a roster import): I say yes or no."""

    template_name = "teams/invitations.html"

    def get_context_data(self, **kwargs):
        invitations = (
            Membership.objects.invitations()
            .filter(user=self.request.user)
            .select_related("team__office")
            .order_by("-requested_at", "pk")
        )
        return super().get_context_data(invitations=invitations, **kwargs)


class InvitationAnswerView(LoginRequiredMixin, View):
    answers = {"accept": services.accept_invitation, "decline": services.decline_invitation}

    def post(self, request, membership_pk, answer):
        if answer not in self.answers:
            raise Http404
        # Only one's own invitations exist here: anyone else's is not found.
        membership = get_object_or_404(Membership.objects.invitations(), pk=membership_pk, user=request.user)
        try:
            self.answers[answer](membership=membership, user=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            done = _("You have joined %(team)s.") if answer == "accept" else _("You have declined %(team)s.")
            messages.success(request, done % {"team": membership.team.name})
        return redirect("volunteers:home" if request.POST.get("next") == "/me/" else "teams:invitations")


class MembershipDecisionView(TeamAccessMixin, View):
    access = ACCESS_TEAM_RUN

    decisions = {"approve": services.approve_membership, "refuse": services.refuse_membership}

    def post(self, request, team_pk, membership_pk, decision):
        membership = get_object_or_404(self.team.memberships, pk=membership_pk)
        decide = self.decisions.get(decision)
        if decide is None:
            raise Http404
        try:
            decide(membership=membership, by=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("Saved."))
        return redirect(self.team)


class MembershipRoleView(TeamAccessMixin, View):
    access = ACCESS_TEAM_MANAGE

    def post(self, request, team_pk, membership_pk):
        membership = get_object_or_404(self.team.memberships, pk=membership_pk)
        try:
            services.set_role(membership=membership, role=request.POST.get("role", ""), by=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("Saved."))
        return redirect(self.team)


class InviteRenewView(TeamAccessMixin, View):
    access = ACCESS_TEAM_RUN

    def post(self, request, team_pk):
        services.renew_invite_code(team=self.team)
        messages.success(request, _("A new invitation link has been made; the old one no longer works."))
        return redirect(self.team)


class TeamCreateView(LoginRequiredMixin, CreateView):
    form_class = TeamForm
    template_name = "teams/team_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not offices_managed_by(request.user).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "offices": offices_managed_by(self.request.user)}

    def form_valid(self, form):
        self.object = services.save_team(team=form.instance)
        messages.success(self.request, _("Team created."))
        return redirect(self.object)


class TeamUpdateView(TeamAccessMixin, UpdateView):
    access = ACCESS_TEAM_MANAGE
    form_class = TeamForm
    template_name = "teams/team_form.html"

    def get_object(self, queryset=None):
        return self.team

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "offices": offices_managed_by(self.request.user)}

    def form_valid(self, form):
        services.save_team(team=form.instance)
        messages.success(self.request, _("Saved."))
        return redirect(self.team)
