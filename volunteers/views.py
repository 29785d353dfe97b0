from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from jobs.models import Job
from jobs.permissions import jobs_visible_to
from teams.mixins import TeamAccessMixin
from teams.permissions import (
    ACCESS_TEAM_MANAGE,
    ACCESS_TEAM_RUN,
    looks_after_a_grid,
    manages_any_office,
    may_see_person,
    may_see_pii,
    teams_run_by,
)
from teams.selectors import teams_of
from teams.services import log_pii_view
from volunteers import card_jobs, roster_jobs, services
from volunteers.cards import card_token, qr_svg
from volunteers.forms import ProfileForm, RosterUploadForm
from volunteers.models import Volunteer
from volunteers.roster import RosterFileError, read_roster, template_workbook
from volunteers.selectors import card_sheet_for, profile_for
from volunteers.uploads import discard_upload, keep_upload, load_upload, pending_upload, release_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class HomeView(LoginRequiredMixin, TemplateView):
    """The volunteer's home (/me/): my teams and what I can do next."""

    template_name = "volunteers/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            volunteer=profile_for(user),
            memberships=teams_of(user),
            run_teams=teams_run_by(user).select_related("office")[:20],
            manages_offices=manages_any_office(user),
            looks_after_a_grid=looks_after_a_grid(user),
            **kwargs,
        )


class MeView(LoginRequiredMixin, TemplateView):
    """我的 (the last tab): my card, hours, shifts and teams, messages and settings, and signing out."""

    template_name = "volunteers/me.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            volunteer=profile_for(user),
            manages_offices=manages_any_office(user),
            looks_after_a_grid=looks_after_a_grid(user),
            **kwargs,
        )


class ProfileView(LoginRequiredMixin, FormView):
    form_class = ProfileForm
    template_name = "volunteers/profile_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = profile_for(self.request.user) or Volunteer(user=self.request.user)
        return kwargs

    def form_valid(self, form):
        is_new = form.instance.pk is None
        services.save_profile(volunteer=form.instance)
        if is_new:
            messages.success(self.request, _("Welcome! Your profile is complete. Join a team to start."))
            return redirect("teams:list")
        messages.success(self.request, _("Your profile has been saved."))
        return redirect("volunteers:home")


class CardView(LoginRequiredMixin, TemplateView):
    """My QR card, large enough to scan from a phone held up at the venue."""

    template_name = "volunteers/card.html"

    def get(self, request, *args, **kwargs):
        if profile_for(request.user) is None:
            return redirect("volunteers:profile")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        volunteer = profile_for(self.request.user)
        token = card_token(volunteer)
        return super().get_context_data(volunteer=volunteer, token=token, qr=qr_svg(token), **kwargs)


class CardReissueView(LoginRequiredMixin, View):
    def post(self, request):
        volunteer = profile_for(request.user)
        if volunteer is None:
            return redirect("volunteers:profile")
        services.reissue_card(volunteer=volunteer)
        messages.success(request, _("You have a new card. The old code no longer works."))
        return redirect("volunteers:card")


class VolunteerDetailView(LoginRequiredMixin, TemplateView):
    template_name = "volunteers/detail.html"

    def get_context_data(self, **kwargs):
        volunteer = get_object_or_404(Volunteer.objects.select_related("user"), pk=kwargs["pk"])
        viewer = self.request.user
        if not may_see_person(viewer, volunteer.user):
            raise Http404
        show_pii = may_see_pii(viewer, volunteer.user)
        if show_pii and viewer.pk != volunteer.user_id:
            log_pii_view(viewer, volunteer.user)
        return super().get_context_data(
            volunteer=volunteer,
            show_pii=show_pii,
            memberships=teams_of(volunteer.user),
            **kwargs,
        )


class TeamCardSheetView(TeamAccessMixin, TemplateView):
    """An A4 sheet of cards for members without a phone."""

    access = ACCESS_TEAM_RUN
    template_name = "volunteers/card_sheet.html"

    def get_context_data(self, **kwargs):
        member_count = card_sheet_for(self.team).count()
        if member_count > settings.CARD_SHEET_JOB_CARDS:
            # Too many to draw in a request: a worker prepares the sheet as a file.
            prepared = (
                jobs_visible_to(self.request.user)
                .filter(kind=card_jobs.KIND, params__team=self.team.pk)
                .order_by("-created_at")[:5]
            )
            return super().get_context_data(prepare=True, member_count=member_count, prepared=prepared, **kwargs)
        return super().get_context_data(cards=card_jobs.cards_of(self.team), **kwargs)


class CardSheetPrepareView(TeamAccessMixin, View):
    """POST: queue the team's card sheet (or join the one being prepared) and follow it."""

    access = ACCESS_TEAM_RUN

    def post(self, request, team_pk):
        job = card_jobs.print_cards_later(user=request.user, team=self.team, language=translation.get_language())
        return redirect(job)


class RosterTemplateView(TeamAccessMixin, View):
    access = ACCESS_TEAM_MANAGE

    def get(self, request, team_pk):
        response = HttpResponse(template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
        return response


class RosterImportView(TeamAccessMixin, FormView):
    """Upload → preview with every mistake listed → confirm. Nothing is written before confirming."""

    access = ACCESS_TEAM_MANAGE
    form_class = RosterUploadForm
    template_name = "volunteers/roster_import.html"

    def form_valid(self, form):
        data = form.cleaned_data["file"].read()
        try:
            in_background = roster_jobs.runs_in_background(data)
            roster = None if in_background else read_roster(data)
        except RosterFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        if in_background:
            # A big file: checked by a worker; its page shows the progress, then this preview.
            keep_upload(self.request, self.team, data)
            job = roster_jobs.check_roster_later(
                user=self.request.user,
                team=self.team,
                upload=pending_upload(self.request, self.team)["name"],
                language=translation.get_language(),
            )
            return redirect(job)
        context = {"form": form, "roster": roster}
        if roster.ok:
            context["upload_key"] = keep_upload(self.request, self.team, data)
        return self.render_to_response(self.get_context_data(**context))


class RosterCheckedView(TeamAccessMixin, TemplateView):
    """The preview of a big roster a worker checked: the same page as for a small file.
    Only the session that uploaded it may confirm it, as for a small file."""

    access = ACCESS_TEAM_MANAGE
    template_name = "volunteers/roster_import.html"

    def get(self, request, *args, **kwargs):
        job = get_object_or_404(
            jobs_visible_to(request.user).filter(kind=roster_jobs.CHECK, params__team=self.team.pk),
            pk=kwargs["job_pk"],
        )
        if job.state != Job.State.DONE:
            return redirect(job)  # still checking, or failed: its page says which
        return self.render_to_response(self.get_context_data(job=job, **kwargs))

    def get_context_data(self, *, job, **kwargs):
        preview = roster_jobs.preview_of(job)
        form = RosterUploadForm()
        context = {"roster": preview}
        if preview.file_error:
            form = RosterUploadForm(data={}, files={})
            form.errors["file"] = form.error_class([preview.file_error])
            context = {}
        pending = pending_upload(self.request, self.team)
        if preview.ok and pending and pending["name"] == job.params["upload"]:
            context["upload_key"] = pending["key"]
        return super().get_context_data(form=form, checked_job=job, **context, **kwargs)


class RosterConfirmView(TeamAccessMixin, View):
    access = ACCESS_TEAM_MANAGE

    def post(self, request, team_pk):
        import_url = reverse("volunteers:roster_import", args=[self.team.pk])
        key = request.POST.get("upload_key", "")
        data = load_upload(request, self.team, key)
        if data is None:
            messages.error(request, _("The uploaded file has expired. Upload it again."))
            return redirect(import_url)
        try:
            in_background = roster_jobs.runs_in_background(data)
        except RosterFileError:
            in_background = False  # read_roster below says so, as for any file
        if in_background:
            job = roster_jobs.import_roster_later(
                user=request.user,
                team=self.team,
                upload=release_upload(request, self.team, key),
                language=translation.get_language(),
            )
            return redirect(job)
        try:
            roster = read_roster(data)
            result = services.import_roster(team=self.team, roster=roster, by=request.user)
        # IntegrityError: someone registered a number of the roster in the instant
        # between the re-check and the write.
        except (RosterFileError, ValidationError, IntegrityError):
            messages.error(request, _("The roster changed since the preview. Upload it again to see why."))
            return redirect(import_url)
        discard_upload(request, self.team)
        messages.success(
            request,
            _(
                "Imported: %(created)d new volunteers joined; %(invited)d already registered were invited "
                "and join when they say yes."
            )
            % {"created": result.created, "invited": result.invited},
        )
        return redirect(self.team)
