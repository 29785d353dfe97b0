from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from volunteers.models import Volunteer
from volunteers.selectors import search_people


class PersonSearchInput(forms.Widget):
    """A text field to type a name, pinyin or phone tail into, and a hidden field with the
    chosen person's id. static/js/person-search.js asks the server as one types and fills the
    hidden field from the tapped result; without JavaScript the text alone is sent and
    resolved by `PersonSearchField`."""

    template_name = "volunteers/widgets/person_search.html"
    search_url = ""

    def value_from_datadict(self, data, files, name):
        return (data.get(name, ""), data.get(f"{name}_text", ""))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_text" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen, text = value if isinstance(value, tuple) else (value, "")
        context["widget"].update(search_url=self.search_url, chosen=chosen or "", text=text or "")
        return context

    def _render(self, template_name, context, renderer=None):
        # The widget's template lives with the project's templates, which the default form
        # renderer does not search.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - a template's output


class PersonSearchField(forms.Field):
    """One person out of `queryset` (e.g. the team's active members), picked by search rather
    than from a list of everyone: the page carries no list, and a forged id of anyone outside
    `queryset` is refused like a wrong one."""

    widget = PersonSearchInput
    default_error_messages = {
        "required": _("Choose a member: type part of the name, its pinyin or the last 4 digits of the phone."),
        "invalid_choice": _("Choose a member of the team."),
        "not_found": _("No member matches “%(text)s”. Try the pinyin initials or the last 4 digits of the phone."),
        "ambiguous": _("Several members match “%(text)s”: %(names)s. Add the last 4 digits of the phone."),
    }

    def __init__(self, *, queryset=None, **kwargs):
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Volunteer.objects.none()

    def prepare_value(self, value):
        # An initial id (a prefilled form) shows the person's name in the text field.
        if isinstance(value, Volunteer):
            return (value.pk, value.real_name)
        if isinstance(value, (int, str)) and str(value).isdigit():
            name = self.queryset.filter(pk=value).values_list("real_name", flat=True).first()
            return (value, name or "") if name else ("", "")
        return value

    def to_python(self, value):
        chosen, text = value if isinstance(value, tuple) else (value, "")
        chosen, text = str(chosen or "").strip(), str(text or "").strip()
        if chosen:
            volunteer = self.queryset.filter(pk=chosen).first() if chosen.isdigit() else None
            if volunteer is None:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return volunteer
        if not text:
            return None
        return self._resolve(text)

    def _resolve(self, text: str) -> Volunteer:
        """Typed text without a chosen id (no JavaScript): the one person it finds, the one
        whose name it is exactly, or a clear error."""
        matches = search_people(self.queryset, text, limit=6)
        exact = [match for match in matches if match.name == text]
        if len(exact) == 1:
            matches = exact
        if not matches:
            raise forms.ValidationError(self.error_messages["not_found"], code="not_found", params={"text": text})
        if len(matches) > 1:
            names = _(", ").join(match.label for match in matches[:5]) + ("…" if len(matches) > 5 else "")
            raise forms.ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"text": text, "names": names}
            )
        return self.queryset.get(pk=matches[0].id)


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
