import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Notification
from common.tables import StackedTable


class NotificationTable(StackedTable):
    created_at = tables.DateTimeColumn(verbose_name=_("Sent"), format="Y-m-d H:i")
    message = tables.Column(verbose_name=_("Message"), orderable=False, attrs={"td": {"class": "wrap"}})

    class Meta:
        model = Notification
        fields = ("created_at", "message")
        order_by = ("-created_at",)
        empty_text = _("No notifications.")
        row_attrs = {"class": lambda record: "" if record.read_at else "unread"}

    def render_message(self, value, record):
        if record.link:
            return format_html('<a href="{}">{}</a>', record.link, value)
        return value
