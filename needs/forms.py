from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.phones import normalise_phone
from needs import photos
from needs.models import DESCRIPTION_MAX, MAX_PLACES, REASON_MAX, Category, Need
from needs.selectors import serving_in
from teams.models import Office, PartnerUnit, Team
from volunteers.forms import PersonSearchField
from volunteers.models import Volunteer

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_INPUT)


def datetime_field(label, help_text=""):
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to photos.MAX_PHOTOS images in one input; their content is checked by the service."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", PhotosInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > photos.MAX_PHOTOS:
            raise ValidationError(_("At most %(count)d photos.") % {"count": photos.MAX_PHOTOS})
        return [super(PhotosField, self).clean(file, initial) for file in files]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return f"{category.office.name} · {category.name}"


class NeedForm(forms.Form):
    category = CategoryChoiceField(label=_("What kind of help"), queryset=Category.objects.none())
    description = forms.CharField(
        label=_("What is needed"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    grid = forms.CharField(label=_("Grid"), max_length=100, required=False, help_text=_("If you know it."))
    window_starts = datetime_field(pgettext_lazy("time window", "From"))
    window_ends = datetime_field(pgettext_lazy("time window", "Until"))
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Need.Urgency.choices, initial=Need.Urgency.NORMAL, widget=forms.RadioSelect
    )
    resident_name = forms.CharField(label=_("Resident's name"), max_length=50)
    resident_phone = forms.CharField(label=_("Resident's mobile number"), max_length=20)
    photos = PhotosField(label=_("Photos (at most 3)"), required=False)

    def __init__(self, *args, offices, grid_posts=frozenset(), **kwargs):
        """`grid_posts`, (office id, grid) pairs: a grid worker raises requests for their grids only."""
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (
            Category.objects.filter(office__in=offices, is_active=True)
            .select_related("office")
            .order_by("office__name", "position", "name")
        )
        self.grid_posts = grid_posts
        if grid_posts:
            grids = sorted({grid for _office, grid in grid_posts})
            self.fields["grid"] = forms.ChoiceField(label=_("Grid"), choices=[(grid, grid) for grid in grids])

    def clean_resident_phone(self):
        return normalise_phone(self.cleaned_data["resident_phone"])

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("window_starts"), cleaned.get("window_ends")
        if starts and ends and ends <= starts:
            self.add_error("window_ends", _("The end comes after the start."))
        category, grid = cleaned.get("category"), cleaned.get("grid")
        if self.grid_posts and category and grid and (category.office_id, grid) not in self.grid_posts:
            self.add_error(
                "grid", _("You look after no grid of that name in %(office)s.") % {"office": category.office}
            )
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX)


class DispatchForm(forms.Form):
    """To a team, to up to NAMED volunteers picked by search (the page lists nobody), or to the board."""

    NAMED = 3

    audience = forms.ChoiceField(label=_("Send to"), choices=Need.Audience.choices, widget=forms.RadioSelect)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    volunteer_1 = PersonSearchField(label=format_lazy("{} 1", _("Volunteer")), required=False)
    volunteer_2 = PersonSearchField(label=format_lazy("{} 2", _("Volunteer")), required=False)
    volunteer_3 = PersonSearchField(label=format_lazy("{} 3", _("Volunteer")), required=False)
    places = forms.IntegerField(label=_("Volunteers needed"), min_value=1, max_value=MAX_PLACES, initial=1)
    partner_unit = forms.ModelChoiceField(
        label=_("With a partner unit"),
        queryset=PartnerUnit.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("A unit paired with the community (共建单位) whose people serve it: the unit gets the credit."),
    )

    def __init__(self, *args, office: Office, search_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(office=office, is_active=True)
        self.fields["partner_unit"].queryset = PartnerUnit.objects.filter(office=office)
        for number in range(1, self.NAMED + 1):
            field = self.fields[f"volunteer_{number}"]
            field.queryset = serving_in(office)
            field.widget.search_url = search_url

    def named_volunteers(self) -> list[Volunteer]:
        named = [self.cleaned_data.get(f"volunteer_{number}") for number in range(1, self.NAMED + 1)]
        return list(dict.fromkeys(volunteer for volunteer in named if volunteer is not None))


class FinishForm(forms.Form):
    started_at = datetime_field(_("Started at"), _("Not before you took the request, and not in the future."))
    minutes = forms.IntegerField(label=_("Minutes spent"), min_value=1, max_value=24 * 60)
    note = forms.CharField(label=_("What was done"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), max_length=REASON_MAX, required=False)


class CreditForm(forms.Form):
    started_at = datetime_field(_("Started at"))
    minutes = forms.IntegerField(label=_("Minutes credited"), min_value=1, max_value=8 * 60)
    long_day_checked = forms.BooleanField(
        label=_("Over 8 hours that day: I checked it"),
        required=False,
        help_text=_("A day above eight hours is credited only after a check (review rule)."),
    )

    def __init__(self, *args, long_day: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not long_day:
            # Nothing to check: the box would only be noise on the page.
            del self.fields["long_day_checked"]


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ("name", "team_kinds", "max_minutes", "position", "is_active")
        widgets = {"team_kinds": forms.CheckboxSelectMultiple}


class WishForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Community"), queryset=Office.objects.none())
    title = forms.CharField(label=_("Wish"), max_length=60, help_text=_("e.g. a schoolbag for a left-behind child"))
    story = forms.CharField(
        label=_("Story"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the wall: no names."),
    )
    beneficiary = forms.CharField(
        label=_("For whom"), max_length=100, help_text=_("Kept by the office, never shown on the wall.")
    )
    claim_days = forms.IntegerField(label=_("Days to fulfil a claim"), min_value=1, max_value=90, initial=14)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class WishClaimForm(forms.Form):
    unit_name = forms.CharField(
        label=_("In the name of a unit (optional)"),
        max_length=100,
        required=False,
        help_text=_("Your employer or a partner unit (共建单位)."),
    )


class UnitClaimForm(forms.Form):
    """One of the community's registered partner units, which then gets the credit on its page
    and in its quarterly feedback; or, for a unit not registered, its name in words."""

    unit = forms.ModelChoiceField(
        label=_("Partner unit"),
        queryset=PartnerUnit.objects.none(),
        required=False,
        empty_label=_("Not registered: give its name below"),
    )
    unit_name = forms.CharField(
        label=_("Or the name of a unit not registered"),
        max_length=100,
        required=False,
        help_text=_("Only the registered units' claims count on a unit's page and in its quarterly feedback."),
    )
    unit_contact = forms.CharField(label=_("Unit's contact number"), max_length=20, required=False)

    def __init__(self, *args, office: Office | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = PartnerUnit.objects.filter(office=office)

    def clean(self):
        data = super().clean()
        unit, name = data.get("unit"), data.get("unit_name", "").strip()
        if unit is None and not name and not self.has_error("unit"):
            raise ValidationError(_("Choose the partner unit, or give the name of one not registered."))
        if unit is not None and name:
            raise ValidationError(_("Choose a registered unit or give a name, not both."))
        return data


class WishFulfilForm(forms.Form):
    note = forms.CharField(label=_("How it was fulfilled"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class GridWorkerForm(forms.Form):
    """Staff make someone with an account the grid worker of one of the office's grids."""

    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none())
    phone = forms.CharField(label=_("Their mobile number"), max_length=20, help_text=_("The number they sign in with."))
    grid = forms.CharField(label=_("Grid"), max_length=100, help_text=_("As the office names it, e.g. 第三网格."))

    def __init__(self, *args, offices, known_grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["grid"].widget.attrs["list"] = "known-grids"
        self.known_grids = known_grids

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])
