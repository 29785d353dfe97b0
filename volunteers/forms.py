from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from volunteers.models import Volunteer
from volunteers.selectors import name_with_hint, namesake_hints


class _NamesakeIterator(ModelChoiceIterator):
    """The choices in one query, the people's phones with them: a name that occurs twice
    needs the list as a whole to know it."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        volunteers = list(self.queryset.select_related("user"))
        hints = namesake_hints(volunteers)
        for volunteer in volunteers:
            label = name_with_hint(volunteer.real_name, hints.get(volunteer.pk, ""))
            yield (ModelChoiceIteratorValue(self.field.prepare_value(volunteer), volunteer), label)


class VolunteerChoiceField(forms.ModelChoiceField):
    """A picker of people by name, in which two people of the same name show their masked
    phones (张伟 (138****8000)); everyone else shows the name alone."""

    iterator = _NamesakeIterator


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Volunteer
        fields = [
            "real_name",
            "id_type",
            "id_number",
            "gender",
            "birth_date",
            "grid",
            "is_party_member",
            "employer_unit",
            "skills",
            "emergency_contact_name",
            "emergency_contact_phone",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "emergency_contact_phone": forms.TextInput(attrs={"inputmode": "tel", "type": "tel"}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        }
        help_texts = {
            "id_number": _("With a resident ID card, gender and birth date are filled in for you."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["real_name"].widget.attrs["autocomplete"] = "name"


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ROSTER_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB. Split it into smaller files."),
                params={"size": settings.ROSTER_IMPORT_MAX_BYTES // (1024 * 1024)},
            )
        return upload
