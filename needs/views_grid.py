"""Grid workers (网格员): the requests of their grids, and the office's page that names them."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.models import User
from needs import permissions
from needs.forms import GridWorkerForm
from needs.models import Need
from needs.selectors import LIST_JOINS
from needs.views import ResidentPage, StaffOnlyMixin
from teams import services as team_services
from teams.models import GridWorker
from teams.permissions import looks_after_a_grid

CLOSED_SHOWN = 20


class GridView(ResidentPage, LoginRequiredMixin, TemplateView):
    """A grid worker's requests: every one of their grids, open ones first. They follow
    them and raise new ones for residents; the office runs them."""

    template_name = "needs/grid.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not looks_after_a_grid(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        needs = permissions.needs_in_grids_of(self.request.user).select_related(*LIST_JOINS)
        open_needs = needs.exclude(state__in=Need.CLOSED_STATES).order_by("-urgency", "window_starts", "pk")
        closed = needs.filter(state__in=Need.CLOSED_STATES).order_by("-closed_at", "-pk")[:CLOSED_SHOWN]
        posts = GridWorker.objects.filter(user=self.request.user).select_related("office").order_by("office", "grid")
        return super().get_context_data(open_needs=open_needs, closed_needs=closed, posts=posts, **kwargs)


class GridWorkersView(StaffOnlyMixin, FormView):
    """The office's grid workers; a new one is named below the list."""

    template_name = "needs/grid_workers.html"
    form_class = GridWorkerForm

    def offices(self):
        return permissions.offices_for_staff(self.request.user).exclude(kind="street")

    def get_form_kwargs(self):
        offices = self.offices()
        known = Need.objects.filter(office__in=offices).exclude(grid="").values_list("grid", flat=True)
        named = GridWorker.objects.filter(office__in=offices).values_list("grid", flat=True)
        return {
            **super().get_form_kwargs(),
            "offices": offices,
            "known_grids": sorted(set(known.distinct()) | set(named)),
        }

    def get_context_data(self, **kwargs):
        posts = (
            GridWorker.objects.filter(office__in=self.offices())
            .select_related("office", "user__volunteer")
            .order_by("office__name", "grid", "pk")
        )
        return super().get_context_data(posts=posts, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        person = User.objects.filter(phone=data["phone"], is_active=True).first()
        if person is None:
            form.add_error("phone", _("No account uses this number: they sign up on the site first."))
            return self.form_invalid(form)
        try:
            team_services.appoint_grid_worker(
                office=data["office"], user=person, grid=data["grid"], by=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("needs:grid_workers")


class GridWorkerRemoveView(StaffOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        post = get_object_or_404(GridWorker.objects.select_related("office"), pk=pk)
        if not permissions.runs_office(request.user, post.office):
            raise Http404
        team_services.remove_grid_worker(post=post, by=request.user)
        messages.success(request, _("They no longer look after %(grid)s.") % {"grid": post.grid})
        return redirect("needs:grid_workers")
