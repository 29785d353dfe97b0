import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.tables import StackedTable
from shifts.models import Signup

LIVE = (Signup.Status.CONFIRMED, Signup.Status.WAITLISTED)


class MySignupTable(StackedTable):
    shift = tables.Column(
        verbose_name=_("Shift"), accessor="shift__title", linkify=lambda record: record.shift.get_absolute_url()
    )
    team = tables.Column(verbose_name=_("Team"), accessor="shift__team__name")
    starts_at = tables.DateTimeColumn(verbose_name=_("Time"), accessor="shift__starts_at", format="Y-m-d H:i")
    place = tables.Column(verbose_name=_("Place"), accessor="shift__place", attrs={"td": {"class": "wrap"}})
    status = tables.Column(verbose_name=_("Status"))
    actions = tables.Column(verbose_name=_("Actions"), empty_values=(), orderable=False)

    class Meta:
        model = Signup
        fields = ("starts_at", "shift", "team", "place", "status", "actions")
        empty_text = _("No shifts.")

    def render_actions(self, record):
        # As on the shift's page: offered until the start; past the cancel deadline the
        # service says to tell the leader instead.
        shift = record.shift
        if record.status not in LIVE or shift.is_cancelled or shift.starts_at <= timezone.now():
            return "—"
        return render_to_string("shifts/_cancel_signup.html", {"shift": shift, "back": "mine"}, request=self.request)
