from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView

from shifts import series as series_services
from shifts.forms import SeriesForm
from shifts.models import ShiftSeries
from teams.mixins import TeamAccessMixin
from teams.permissions import ACCESS_TEAM_RUN, has_access


class SeriesCreateView(TeamAccessMixin, FormView):
    access = ACCESS_TEAM_RUN
    form_class = SeriesForm
    template_name = "shifts/series_form.html"

    def form_valid(self, form):
        form.instance.team = self.team
        try:
            series = series_services.create_series(series=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        count = series.shifts.count()
        messages.success(
            self.request,
            _("Series created with %(count)d shifts for the coming weeks; more are added as time goes on.")
            % {"count": count},
        )
        return redirect("shifts:series_edit", pk=series.pk)


class SeriesUpdateView(LoginRequiredMixin, FormView):
    """Edit a series: its future shifts follow; past ones and those edited alone do not."""

    form_class = SeriesForm
    template_name = "shifts/series_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.series = get_object_or_404(ShiftSeries.objects.select_related("team"), pk=kwargs["pk"])
        if not has_access(request.user, self.series.team, ACCESS_TEAM_RUN):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.series}

    def get_context_data(self, **kwargs):
        upcoming = self.series.shifts.filter(starts_at__gt=timezone.now()).order_by("starts_at")[:60]
        return super().get_context_data(series=self.series, team=self.series.team, upcoming=upcoming, **kwargs)

    def form_valid(self, form):
        try:
            series_services.update_series(series=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved. Future shifts of the series have been updated."))
        return redirect("shifts:series_edit", pk=self.series.pk)
