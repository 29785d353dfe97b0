from django import forms
from django.utils.translation import gettext_lazy as _

from teams.models import Team


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = [
            "office",
            "name",
            "code",
            "kind",
            "description",
            "join_policy",
            "rounding_minutes",
            "checkin_opens_minutes",
            "checkout_closes_minutes",
            "repeat_window_minutes",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["office"].empty_label = None
        self.fields["kind"].empty_label = _("Choose a kind")
