import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from common.tables import StackedTable
from hours.models import BackfillRequest, Certificate, CorrectionRequest, MonthClose, ServiceRecord
from hours.units import hours
from teams.permissions import ACCESS_OFFICE_MANAGE, ACCESS_TEAM_RUN, has_access


def format_hours(minutes: int | None) -> str:
    if minutes is None:
        return "—"
    return str(hours(minutes))


class ServiceRecordTable(StackedTable):
    """A volunteer's ledger lines, reversals and backfills labelled (rules 8, 9); the actions are the subclass's."""

    service_date = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d")
    activity = tables.Column(verbose_name=_("Activity"), attrs={"td": {"class": "wrap"}})
    team = tables.Column(verbose_name=_("Team"), accessor="team__name", default="—")
    minutes = tables.Column(verbose_name=_("Hours"))
    labels = tables.Column(verbose_name=_("Notes"), accessor="kind", empty_values=())
    actions = tables.Column(verbose_name=_("Correction"), accessor="pk", empty_values=())

    class Meta:
        model = ServiceRecord
        fields = ("service_date", "activity", "team", "minutes", "labels", "actions")
        orderable = False
        empty_text = _("No service recorded yet.")
        row_attrs = {"data-kind": lambda record: record.kind}

    def render_minutes(self, value):
        return format_hours(value)

    def render_labels(self, record):
        labels = []
        if record.reverses_id:
            labels.append(("warn", _("Reversal")))
        elif record.kind == ServiceRecord.Kind.CORRECTION:
            labels.append(("ok", _("Corrected value")))
        elif record.kind == ServiceRecord.Kind.BACKFILL:
            labels.append(("", _("Backfill")))
        if record.is_reversed:
            labels.append(("warn", _("Corrected")))
        return format_html_join(" ", '<span class="badge {}">{}</span>', labels) if labels else ""


class VolunteerRecordTable(ServiceRecordTable):
    """A volunteer's records as staff and leaders see them (views_ledger.records_within_reach):
    staff of the recording office correct a record, a leader of its team asks them to."""

    reason = tables.Column(verbose_name=_("Reason"), attrs={"td": {"class": "wrap"}}, default="")

    class Meta(ServiceRecordTable.Meta):
        fields = ("service_date", "activity", "team", "minutes", "labels", "reason", "actions")
        empty_text = _("No record of your offices or teams.")

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def render_actions(self, record):
        if record.minutes <= 0 or record.is_reversed:
            return ""
        parts = []
        if record.correction_pending:
            parts.append(format_html('<span class="badge warn">{}</span>', _("Asked, waiting")))
        if has_access(self.viewer, record.office, ACCESS_OFFICE_MANAGE):
            parts.append(
                format_html('<a href="{}">{}</a>', reverse("hours:record_correct", args=[record.pk]), _("Correct"))
            )
        elif not record.correction_pending and record.team and has_access(self.viewer, record.team, ACCESS_TEAM_RUN):
            parts.append(
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("hours:record_correction_ask", args=[record.pk]),
                    _("Ask the office to correct"),
                )
            )
        return format_html_join(" ", "{}", ((part,) for part in parts))


class MyCorrectionRequestTable(StackedTable):
    requested_at = tables.DateTimeColumn(verbose_name=_("Asked"), format="Y-m-d")
    record = tables.Column(verbose_name=_("Record"), empty_values=(), attrs={"td": {"class": "wrap"}})
    requested_minutes = tables.Column(verbose_name=_("Asked hours"))
    state = tables.Column(verbose_name=_("State"))
    decision_note = tables.Column(verbose_name=_("Decision note"), attrs={"td": {"class": "wrap"}}, default="")

    class Meta:
        model = CorrectionRequest
        fields = ("requested_at", "record", "requested_minutes", "state", "decision_note")
        orderable = False
        empty_text = _("No correction asked.")

    def render_record(self, record):
        return f"{record.record.service_date:%Y-%m-%d} {record.record.activity} · {format_hours(record.record.minutes)}"

    def render_requested_minutes(self, value):
        return format_hours(value)

    def render_state(self, value, record):
        css = {"pending": "warn", "approved": "ok"}.get(record.state, "")
        return format_html('<span class="badge {}">{}</span>', css, value)


class VolunteerCorrectionRequestTable(MyCorrectionRequestTable):
    """Requests for a volunteer's records, with who asked: the volunteer or a team leader."""

    requested_by = tables.Column(verbose_name=_("Asked by"), accessor="requested_by__volunteer__real_name", default="—")

    class Meta(MyCorrectionRequestTable.Meta):
        fields = ("requested_at", "record", "requested_minutes", "requested_by", "state", "decision_note")


class CorrectionQueueTable(StackedTable):
    requested_at = tables.DateTimeColumn(verbose_name=_("Asked"), format="Y-m-d H:i")
    volunteer = tables.Column(verbose_name=_("Volunteer"), accessor="record__volunteer__real_name")
    record = tables.Column(verbose_name=_("Record"), empty_values=(), attrs={"td": {"class": "wrap"}})
    recorded = tables.Column(verbose_name=_("Recorded hours"), accessor="record__minutes")
    requested_minutes = tables.Column(verbose_name=_("Asked hours"))
    reason = tables.Column(verbose_name=_("Reason"), attrs={"td": {"class": "wrap"}})
    # The queue's view adds requested_by__volunteer to the selector's joins.
    requested_by = tables.Column(verbose_name=_("Asked by"), accessor="requested_by__volunteer__real_name", default="—")
    decide = tables.TemplateColumn(
        template_name="hours/_decide.html",
        verbose_name=_("Decision"),
        orderable=False,
        extra_context={"url_name": "hours:correction_decide"},
    )

    class Meta:
        model = CorrectionRequest
        fields = (
            "requested_at",
            "volunteer",
            "record",
            "recorded",
            "requested_minutes",
            "reason",
            "requested_by",
            "decide",
        )
        orderable = False
        empty_text = _("No correction is waiting.")

    def render_record(self, record):
        row = record.record
        team = row.team.name if row.team else ""
        return f"{row.service_date:%Y-%m-%d} {row.activity} · {team} · {row.office.name}"

    def render_recorded(self, value):
        return format_hours(value)

    def render_requested_minutes(self, value):
        return format_hours(value)


class BackfillQueueTable(StackedTable):
    requested_at = tables.DateTimeColumn(verbose_name=_("Asked"), format="Y-m-d H:i")
    volunteer = tables.Column(verbose_name=_("Volunteer"), accessor="volunteer__real_name")
    service = tables.Column(verbose_name=_("Service"), empty_values=(), attrs={"td": {"class": "wrap"}})
    minutes = tables.Column(verbose_name=_("Hours"))
    reason = tables.Column(verbose_name=_("Reason"), attrs={"td": {"class": "wrap"}})
    requested_by = tables.Column(verbose_name=_("Asked by"), accessor="requested_by__volunteer__real_name")
    decide = tables.TemplateColumn(
        template_name="hours/_decide.html",
        verbose_name=_("Decision"),
        orderable=False,
        extra_context={"url_name": "hours:backfill_decide"},
    )

    class Meta:
        model = BackfillRequest
        fields = ("requested_at", "volunteer", "service", "minutes", "reason", "requested_by", "decide")
        orderable = False
        empty_text = _("No backfill is waiting.")

    def render_service(self, record):
        return (
            f"{record.service_date:%Y-%m-%d} {localtime(record.starts_at):%H:%M}–{localtime(record.ends_at):%H:%M}"
            f" {record.activity}"
            f" · {record.team.name} · {record.office.name}"
        )

    def render_minutes(self, value):
        return format_hours(value)


class TeamBackfillTable(StackedTable):
    requested_at = tables.DateTimeColumn(verbose_name=_("Asked"), format="Y-m-d")
    volunteer = tables.Column(verbose_name=_("Volunteer"), accessor="volunteer__real_name")
    service = tables.Column(verbose_name=_("Service"), empty_values=(), attrs={"td": {"class": "wrap"}})
    minutes = tables.Column(verbose_name=_("Hours"))
    state = tables.Column(verbose_name=_("State"))
    decision_note = tables.Column(verbose_name=_("Decision note"), attrs={"td": {"class": "wrap"}}, default="")

    class Meta:
        model = BackfillRequest
        fields = ("requested_at", "volunteer", "service", "minutes", "state", "decision_note")
        orderable = False
        empty_text = _("No backfill asked yet.")

    def render_service(self, record):
        return f"{record.service_date:%Y-%m-%d} {record.activity}"

    def render_minutes(self, value):
        return format_hours(value)


class MonthCloseTable(StackedTable):
    month = tables.DateColumn(verbose_name=_("Month"), format="Y-m")
    office = tables.Column(verbose_name=_("Office"), accessor="office__name")
    volunteer_count = tables.Column(verbose_name=_("Volunteers"))
    total_minutes = tables.Column(verbose_name=_("Hours"))
    closed_at = tables.DateTimeColumn(verbose_name=_("Closed"), format="Y-m-d H:i")
    closed_by = tables.Column(verbose_name=_("Closed by"), accessor="closed_by__volunteer__real_name", default="—")

    class Meta:
        model = MonthClose
        fields = ("month", "office", "volunteer_count", "total_minutes", "closed_at", "closed_by")
        orderable = False
        empty_text = _("No month closed yet.")

    def render_total_minutes(self, value):
        return format_hours(int(value))


class CertificateTable(StackedTable):
    """Certificates of the staff's offices; rows come from certificates.certificates_for_staff (name_visible)."""

    number = tables.Column(verbose_name=_("Number"), linkify=True)
    volunteer = tables.Column(verbose_name=_("Name"), accessor="volunteer__real_name")
    state = tables.Column(verbose_name=_("State"), accessor="withdrawn_at", empty_values=())
    total_minutes_period = tables.Column(verbose_name=_("Hours in the period"))
    period = tables.Column(verbose_name=_("Period"), accessor="period_from")
    issued_at = tables.DateTimeColumn(verbose_name=_("Issued"), format="Y-m-d")
    office = tables.Column(verbose_name=_("Recording office"), accessor="office__name")

    class Meta:
        model = Certificate
        # What a phone shows first: which certificate, whose, and whether it still holds.
        fields = ("number", "volunteer", "state", "total_minutes_period", "period", "issued_at", "office")
        orderable = False
        empty_text = _("No certificate found.")
        row_attrs = {"data-number": lambda record: record.number}

    def render_volunteer(self, value, record):
        # Staff who run none of the holder's teams see the public form only (DESIGN rule 12).
        return value if record.name_visible else record.volunteer.public_name

    def render_period(self, record):
        return f"{record.period_from:%Y-%m-%d} – {record.period_to:%Y-%m-%d}"

    def render_total_minutes_period(self, value):
        return format_hours(value)

    def render_state(self, value):
        if value is None:
            return format_html('<span class="badge ok">{}</span>', _("Valid"))
        return format_html(
            '<span class="badge warn">{}</span>',
            _("Withdrawn %(date)s") % {"date": f"{localtime(value):%Y-%m-%d}"},
        )
