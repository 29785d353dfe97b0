import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from shifts.models import Signup


class RosterTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), accessor="volunteer__real_name")
    phone = tables.Column(verbose_name=_("Mobile"), accessor="volunteer__user__phone", orderable=False)
    status = tables.Column(verbose_name=_("Status"))
    created_at = tables.DateTimeColumn(verbose_name=_("Signed up"), format="m-d H:i")
    actions = tables.TemplateColumn(
        template_name="shifts/_roster_actions.html", verbose_name=_("Actions"), orderable=False
    )

    class Meta:
        model = Signup
        fields = ("name", "phone", "status", "created_at", "actions")
        empty_text = _("Nobody has signed up yet.")

    def render_phone(self, value, record):
        return record.volunteer.user.masked_phone


class MySignupTable(tables.Table):
    shift = tables.Column(
        verbose_name=_("Shift"), accessor="shift__title", linkify=lambda record: record.shift.get_absolute_url()
    )
    team = tables.Column(verbose_name=_("Team"), accessor="shift__team__name")
    starts_at = tables.DateTimeColumn(verbose_name=_("Time"), accessor="shift__starts_at", format="Y-m-d H:i")
    place = tables.Column(verbose_name=_("Place"), accessor="shift__place", attrs={"td": {"class": "wrap"}})
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Signup
        fields = ("starts_at", "shift", "team", "place", "status")
        empty_text = _("No shifts.")
