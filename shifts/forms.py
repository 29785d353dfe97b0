import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from shifts.models import Shift

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


class ShiftForm(forms.ModelForm):
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"), help_text=_("A shift may run past midnight."))
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
            "capacity",
            "signup_closes_at",
            "cancel_deadline",
            "required_skills",
            "notes",
            "is_public",
        ]
        widgets = {"content": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        if starts and ends and ends - starts > datetime.timedelta(hours=24):
            self.add_error("ends_at", _("A shift lasts at most 24 hours."))
        return data


class CancelShiftForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to everyone signed up)"), max_length=200, required=False)


class RemoveSignupForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class AddByHandForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("Member"), queryset=None)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = members
