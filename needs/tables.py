import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from common.tables import StackedTable
from needs.models import Need


class NeedTable(StackedTable):
    """The office's queue: resident names and numbers masked in the list, full on the request's page."""

    created_at = tables.DateTimeColumn(verbose_name=_("Raised"), format="m-d H:i")
    category = tables.Column(verbose_name=_("Category"), linkify=lambda record: record.get_absolute_url())
    grid = tables.Column(verbose_name=_("Grid"))
    resident = tables.Column(verbose_name=_("Resident"), accessor="resident_phone", orderable=False)
    window_starts = tables.DateTimeColumn(verbose_name=_("When"), format="m-d H:i")
    state = tables.Column(verbose_name=_("State"))

    class Meta:
        model = Need
        fields = ("created_at", "category", "grid", "resident", "window_starts", "state")
        empty_text = _("No requests here.")

    def render_resident(self, record):
        return f"{record.masked_name} {record.masked_phone}"

    def render_state(self, record):
        flags = [str(record.get_state_display())]
        if record.urgency == Need.Urgency.URGENT:
            flags.append(str(_("urgent")))
        if record.escalated_at and record.state == Need.State.ACCEPTED:
            flags.append(str(_("not taken in time")))
        if record.overdue_at and record.state in (Need.State.DISPATCHED, Need.State.TAKEN):
            flags.append(str(_("overdue")))
        if record.is_hidden:
            flags.append(str(_("hidden")))
        return " · ".join(flags)
