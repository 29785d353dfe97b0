import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from common.tables import StackedTable
from hours.units import hours
from shifts.models import Attendance, Signup
from shifts.reviews import review_labels

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


def format_hours(minutes: int) -> str:
    return _("%(hours)s h") % {"hours": hours(minutes)}


class AttendanceSheetTable(StackedTable):
    """A shift's attendance sheet for the leader; rows are selectors.SheetRow."""

    name = tables.Column(verbose_name=_("Name"), accessor="volunteer__real_name")
    phone = tables.Column(verbose_name=_("Mobile"), accessor="volunteer__user__phone")
    checked_in = tables.DateTimeColumn(verbose_name=_("Check-in"), format="H:i")
    checked_out = tables.DateTimeColumn(verbose_name=_("Check-out"), format="H:i")
    credited_minutes = tables.Column(verbose_name=_("Credited"))
    status = tables.Column(verbose_name=_("Status"), default=_("Not marked"))
    review_reasons = tables.Column(verbose_name=_("To check"), default="")
    posted = tables.Column(verbose_name=_("In the ledger"))
    actions = tables.TemplateColumn(
        template_name="shifts/_attendance_mark.html", verbose_name=_("Mark"), attrs={"td": {"class": "stack-block"}}
    )

    class Meta:
        orderable = False
        empty_text = _("Nobody is on the roster of this shift.")
        attrs = {"data-testid": "attendance-sheet"}

    def render_name(self, value, record):
        return format_html("{} <span class='badge'>{}</span>", value, _("walk-in")) if record.is_walk_in else value

    def render_phone(self, value, record):
        return record.volunteer.user.masked_phone

    def render_credited_minutes(self, value):
        return format_hours(value)

    def render_status(self, value):
        return Attendance.Status(value).label

    def render_review_reasons(self, value):
        return format_html_join(" ", "<span class='badge warn'>{}</span>", ((label,) for label in review_labels(value)))

    def render_posted(self, value):
        return format_html("<span class='badge ok'>{}</span>", _("Posted")) if value else _("Not yet")
