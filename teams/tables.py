import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.tables import StackedTable
from teams.models import AuditEntry, Membership, Team


class TeamTable(StackedTable):
    name = tables.Column(verbose_name=_("Team"), linkify=True)
    office = tables.Column(verbose_name=_("Office"), accessor="office__name")
    kind = tables.Column(verbose_name=_("Kind"), accessor="kind__name")
    member_count = tables.Column(verbose_name=_("Members"))
    join_policy = tables.Column(verbose_name=_("Joining"), attrs={"td": {"class": "wrap"}})
    my_status = tables.Column(verbose_name=_("Me"), empty_values=(None, ""), default="")

    class Meta:
        model = Team
        fields = ("name", "office", "kind", "member_count", "join_policy", "my_status")
        empty_text = _("No teams match.")

    def render_my_status(self, value, record):
        if value == Membership.Status.ACTIVE:
            label = Membership.Role(record.my_role).label
            return format_html('<span class="badge ok">{}</span>', label)
        return format_html('<span class="badge warn">{}</span>', Membership.Status(value).label)


class AuditTable(StackedTable):
    """The office's audit log: who did what to whom, newest first."""

    at = tables.DateTimeColumn(verbose_name=_("When"), format="Y-m-d H:i")
    action = tables.Column(verbose_name=_("What"))
    team = tables.Column(verbose_name=_("Team"), accessor="team__name", default="—")
    actor = tables.Column(verbose_name=_("By"), accessor="actor__volunteer__real_name", default="—")
    subject = tables.Column(verbose_name=_("Person"), accessor="subject__volunteer__real_name", default="—")
    detail = tables.Column(verbose_name=_("Detail"), default="", attrs={"td": {"class": "wrap"}})

    class Meta:
        model = AuditEntry
        fields = ("at", "action", "team", "actor", "subject", "detail")
        orderable = False
        empty_text = _("Nothing recorded yet.")

    def render_action(self, record):
        return record.get_action_display()

    def render_detail(self, value):
        return ", ".join(f"{key}: {item}" for key, item in value.items()) if value else ""
