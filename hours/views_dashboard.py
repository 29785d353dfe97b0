"""The office dashboard: one office (and the offices below it), one month, at a glance."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.views.generic import TemplateView

from hours import dashboard
from teams.permissions import offices_managed_by


class DashboardView(LoginRequiredMixin, TemplateView):
    """GET ?office=<id>&month=YYYY-MM. Office staff only: the office must be one they manage.

    Refused with 403, not 404: the address names nothing that could be hidden, and an
    office id outside one's own is refused the same whether it exists or not.
    """

    template_name = "hours/dashboard.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        # Street offices first, then the communities, for the chooser.
        offices = list(
            offices_managed_by(self.request.user)
            .select_related("parent")
            .order_by(F("parent_id").asc(nulls_first=True), "name", "pk")
        )
        office = dashboard.chosen_office(offices, params.get("office", ""))
        if office is None:
            raise PermissionDenied
        month = dashboard.chosen_month(params.get("month", ""))
        return super().get_context_data(
            dash=dashboard.office_month(office=office, month=month), offices=offices, **kwargs
        )
