import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shifts.clock import next_at
from shifts.models import Shift, ShiftSeries
from teams.models import Office, PartnerUnit
from volunteers.forms import PersonSearchField

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_INPUT)


def _datetime_field(label, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


class TimeOfDayInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _time_field(label, required=False, help_text=""):
    return forms.TimeField(
        label=label, required=required, help_text=help_text, widget=TimeOfDayInput(), input_formats=["%H:%M"]
    )


BREAK_FIELDS = ("break_starts_at", "break_ends_at")


class ShiftForm(forms.ModelForm):
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"), help_text=_("A shift may run past midnight."))
    # Clock times, placed within the shift in clean(); the model checks they fit (rule 6).
    break_starts_at = _time_field(
        _("Break from"), help_text=_("Rest and meals are not service time. Leave both empty if there is no break.")
    )
    break_ends_at = _time_field(_("Break until"))
    signup_closes_at = _datetime_field(_("Sign-up closes at"), required=False, help_text=_("Empty: at the start."))
    cancel_deadline = _datetime_field(
        _("Cancelling closes at"), required=False, help_text=_("Empty: two hours before the start.")
    )

    class Meta:
        model = Shift
        fields = [
            "title",
            "content",
            "place",
            "starts_at",
            "ends_at",
            "break_starts_at",
            "break_ends_at",
            "capacity",
            "signup_closes_at",
            "cancel_deadline",
            "required_skills",
            "notes",
            "is_public",
            "is_service",
            "partner_unit",
        ]
        widgets = {"content": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "partner_unit": _("A unit paired with the community (共建单位) that runs the shift with the team.")
        }

    def __init__(self, *args, office: Office | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the units of the team's own office; without an office, none.
        self.fields["partner_unit"].queryset = PartnerUnit.objects.filter(office=office)
        self.fields["partner_unit"].empty_label = _("None: the team runs it alone")
        for name in BREAK_FIELDS:
            value = getattr(self.instance, name)
            if value is not None:
                self.initial[name] = timezone.localtime(value).time()

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        if starts and ends and ends - starts > datetime.timedelta(hours=24):
            self.add_error("ends_at", _("A shift lasts at most 24 hours."))
        self._place_break(data, starts)
        return data

    def _place_break(self, data: dict, starts: datetime.datetime | None) -> None:
        """The break's clock times → moments within the shift: the start at or after the
        shift's start, the end after the break's start."""
        if starts is None or any(self.has_error(name) for name in BREAK_FIELDS):
            # A time that is not a time, or no start to place it by: the error shown is enough.
            for name in BREAK_FIELDS:
                data.pop(name, None)
            return
        break_from, break_until = data.get("break_starts_at"), data.get("break_ends_at")
        data["break_starts_at"] = next_at(starts, break_from) if break_from is not None else None
        after = data["break_starts_at"] or starts
        data["break_ends_at"] = next_at(after, break_until) if break_until is not None else None


class CancelShiftForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to everyone signed up)"), max_length=200, required=False)


class RemoveSignupForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class MemberPickForm(forms.Form):
    """A form whose `volunteer` is one of `members`, found by search (static/js/person-search.js
    asks `search_url`); the page never lists the whole team."""

    volunteer = PersonSearchField(label=_("Member"))

    def __init__(self, *args, members, search_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = members
        self.fields["volunteer"].widget.search_url = search_url


class AddByHandForm(MemberPickForm):
    pass


WEEKDAY_CHOICES = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]


class SeriesForm(forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays"), choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    skip_dates = forms.CharField(
        label=_("Dates without a shift"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2027-05-01, 2027-05-02"}),
        help_text=_("Holidays and other days off, e.g. 2027-05-01. Separate with commas or new lines."),
    )

    class Meta:
        model = ShiftSeries
        fields = [
            "title",
            "content",
            "place",
            "weekdays",
            "start_time",
            "end_time",
            "break_start_time",
            "break_minutes",
            "first_date",
            "last_date",
            "skip_dates",
            "capacity",
            "signup_closes_minutes",
            "cancel_deadline_minutes",
            "is_public",
            "is_service",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "break_start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "first_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "last_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["weekdays"] = list(self.instance.weekdays)
            self.initial["skip_dates"] = "\n".join(self.instance.skip_dates)

    def clean_weekdays(self):
        return "".join(sorted(self.cleaned_data["weekdays"]))

    def clean_skip_dates(self):
        dates = []
        for part in re.split(r"[\s,，、]+", self.cleaned_data["skip_dates"]):
            if not part:
                continue
            try:
                dates.append(datetime.date.fromisoformat(part).isoformat())
            except ValueError:
                raise forms.ValidationError(
                    _("%(value)s is not a date; write it as 2027-05-01."), params={"value": part}
                ) from None
        return sorted(set(dates))


class MarkForm(forms.Form):
    """One person's line on the attendance sheet, as the leader marks it."""

    PRESENT = "present"
    ON_LEAVE = "on_leave"
    ABSENT = "absent"

    volunteer = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        label=_("Mark as"),
        choices=[(PRESENT, _("Present")), (ON_LEAVE, _("On leave")), (ABSENT, _("Absent"))],
    )
    checked_in = _time_field(_("Check-in"))
    checked_out = _time_field(_("Check-out"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_("Needed when changing scanned times, e.g. “forgot to scan out”."),
    )


class WalkInForm(MemberPickForm):
    """A member of the team who came without signing up."""

    checked_in = _time_field(_("Check-in"), required=True)
    checked_out = _time_field(_("Check-out"))
