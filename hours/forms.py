import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models import Office, Team
from volunteers.forms import PersonSearchField


def _minutes(hours: Decimal) -> int:
    return int((hours * 60).to_integral_value(rounding=ROUND_HALF_UP))


class HoursField(forms.DecimalField):
    """Time in hours as people say it (1.5), kept as whole minutes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.widget.attrs.update({"step": "0.5", "inputmode": "decimal"})


class CorrectionRequestForm(forms.Form):
    hours = HoursField(label=_("Right time (hours)"), help_text=_("For example 2.5 for two and a half hours."))
    reason = forms.CharField(
        label=_("Why is the record wrong?"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )

    @property
    def minutes(self) -> int:
        return _minutes(self.cleaned_data["hours"])


class RecordCorrectionForm(CorrectionRequestForm):
    """Office staff correct a record, or a team leader asks them to (rule 9)."""

    hours = HoursField(
        label=_("Right time (hours)"),
        help_text=_("For example 2.5 for two and a half hours; 0 withdraws the record."),
    )
    reason = forms.CharField(
        label=_("Why is the record wrong?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the correction; the volunteer is told."),
    )

    def __init__(self, *args, scheduled_minutes: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheduled_minutes = scheduled_minutes
        if scheduled_minutes is not None:
            self.fields["hours"].widget.attrs["max"] = f"{scheduled_minutes / 60:g}"

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        # The ledger refuses it too; saying the limit here is clearer (rule 8).
        if self.scheduled_minutes is not None and _minutes(hours) > self.scheduled_minutes:
            raise forms.ValidationError(
                _("At most %(hours)s h: the scheduled length."), params={"hours": f"{self.scheduled_minutes / 60:g}"}
            )
        return hours


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class BackfillRequestForm(forms.Form):
    # Found by search (static/js/person-search.js asks `search_url`): the page never lists the team.
    volunteer = PersonSearchField(label=_("Volunteer"))
    service_date = forms.DateField(label=_("Service date"), widget=forms.DateInput(attrs={"type": "date"}))
    # Clock times on the service date: labelled as times, not as the dates "From"/"To" are.
    start_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(
        label=_("End time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("An end earlier than the start is the next morning."),
    )
    activity = forms.CharField(label=_("Activity"), max_length=100)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    content = forms.CharField(label=_("Service content"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    break_minutes = forms.IntegerField(
        label=_("Break (minutes)"),
        min_value=0,
        required=False,
        help_text=_("Rest and meals in between are not service time."),
    )
    hours = HoursField(
        label=_("Time to credit (hours)"),
        min_value=Decimal("0.01"),
        help_text=_("Never more than the time from start to end."),
    )
    reason = forms.CharField(
        label=_("Why is it backfilled?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the phone had no signal, or the card was forgotten."),
    )

    def __init__(self, *args, members, search_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = members
        self.fields["volunteer"].widget.search_url = search_url

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("service_date"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            zone = timezone.get_current_timezone()
            cleaned["starts_at"] = datetime.datetime.combine(day, start, tzinfo=zone)
            # An end earlier than the start is the next morning: service past midnight.
            end_day = day if end > start else day + datetime.timedelta(days=1)
            cleaned["ends_at"] = datetime.datetime.combine(end_day, end, tzinfo=zone)
            if end == start:
                self.add_error("end_time", _("The end must differ from the start."))
        return cleaned

    @property
    def minutes(self) -> int:
        return _minutes(self.cleaned_data["hours"])


class OfficeMonthForm(forms.Form):
    """One of the user's offices and a month (YYYY-MM)."""

    office = forms.ModelChoiceField(
        label=_("Office"), queryset=Office.objects.none(), empty_label=_("Choose an office")
    )
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class MonthCloseForm(OfficeMonthForm):
    confirm = forms.BooleanField(
        label=_("I have checked this month's records: close it for the office and every office below it."),
        error_messages={"required": _("Tick the box to confirm: a closed month stays closed.")},
    )


class ExportForm(OfficeMonthForm):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", _("Excel workbook")), ("csv", _("CSV file (details only)"))],
        initial="xlsx",
    )
    unmasked = forms.BooleanField(
        label=_("Full phone and ID numbers"),
        required=False,
        help_text=_("Only with the permission to see them; the export is logged."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].help_text = _("Records are listed in the month they are reported in.")


class PrepareWorkbookForm(OfficeMonthForm):
    """The workbook prepared in the background, for months too large to wait for."""

    unmasked = forms.BooleanField(
        label=_("Full phone and ID numbers"),
        required=False,
        help_text=_("Only with the permission to see them; the export is logged."),
    )


# ---------------------------------------------------------------- certificates


class CertificateBatchForm(forms.Form):
    """Certificates for everyone in a team, or in every team of an office, printed as one file."""

    office = forms.ModelChoiceField(
        label=_("Office"), queryset=Office.objects.none(), empty_label=_("Choose an office")
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Every team of the office"),
    )
    period_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["team"].queryset = Team.objects.filter(office__in=offices, is_active=True).order_by("name", "pk")
        today = timezone.localdate()
        self.fields["period_from"].initial = today.replace(month=1, day=1)
        self.fields["period_to"].initial = today


class CertificateWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it withdrawn?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only office staff see the reason; the verification page shows only the date."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the certificate will no longer be valid."),
        label_suffix="",
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )


class CertificateSearchForm(forms.Form):
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
