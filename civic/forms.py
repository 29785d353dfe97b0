from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalise_phone
from civic.models import (
    Evaluation,
    GoodDeedKind,
    PointsPolicy,
    ReportingTarget,
    ServicePost,
    ShopItem,
    UnitProject,
)
from teams.models import Membership, Office, PartnerUnit
from teams.permissions import office_tree_ids
from volunteers.models import Volunteer


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PointsPolicy
        fields = ("points_per_hour", "expires_yearly")


class ShopItemForm(forms.ModelForm):
    # The stock the form showed: saving applies the change made to it, not the number itself,
    # so orders placed while the form was open keep their decrements.
    stock_shown = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ShopItem
        fields = ("name", "description", "price", "stock", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["stock_shown"].initial = self.instance.stock
            self.fields["stock_shown"].required = True


class DeedKindForm(forms.ModelForm):
    class Meta:
        model = GoodDeedKind
        fields = ("name", "points")


class PickupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Pickup code"),
        max_length=8,
        min_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True}),
        help_text=_("The eight digits on the volunteer's phone."),
    )


class GoodDeedForm(forms.Form):
    """Staff write down a good deed of someone in the office's teams, found by their phone number."""

    phone = forms.CharField(label=_("Volunteer's mobile number"), max_length=20)
    kind = forms.ModelChoiceField(label=_("Good deed"), queryset=GoodDeedKind.objects.none())
    done_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("What happened"), max_length=200, required=False)

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        self.fields["kind"].queryset = GoodDeedKind.objects.filter(office=office, is_active=True)
        self.fields["done_on"].initial = timezone.localdate()

    def clean_phone(self) -> Volunteer:
        phone = normalise_phone(self.cleaned_data["phone"])
        volunteer = (
            Volunteer.objects.filter(
                user__phone=phone,
                user__memberships__team__office_id__in=office_tree_ids(self.office),
                user__memberships__status=Membership.Status.ACTIVE,
            )
            .select_related("user")
            .first()
        )
        if volunteer is None:
            raise ValidationError(_("No member of this office's teams has this number."))
        return volunteer


class PartyReportForm(forms.Form):
    """The reporting card (报到登记卡): the community, the unit, where one lives, the service offered."""

    office = forms.ModelChoiceField(label=_("Community"), queryset=Office.objects.none())
    unit = forms.ModelChoiceField(label=_("Employer unit"), queryset=PartnerUnit.objects.none())
    grid = forms.CharField(label=_("Home address (grid)"), max_length=100)
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    posts = forms.ModelMultipleChoiceField(
        label=_("Service offered"), queryset=ServicePost.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["unit"].queryset = PartnerUnit.objects.filter(office__in=offices).select_related("office")
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.name}（{unit.office.name}）"
        self.fields["posts"].queryset = ServicePost.objects.filter(office__in=offices).select_related("office")
        self.fields["posts"].label_from_instance = lambda post: f"{post.name}（{post.office.name}）"


class PartnerUnitForm(forms.ModelForm):
    class Meta:
        model = PartnerUnit
        fields = ("name", "party_branch", "contact_name", "contact_phone")


class UnitRegistrationForm(forms.Form):
    """A unit registers itself with a community (共建单位自行登记)."""

    office = forms.ModelChoiceField(label=_("Community"), queryset=Office.objects.none())
    name = forms.CharField(label=_("Unit's name"), max_length=100)
    party_branch = forms.CharField(label=_("Party branch"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(
        label=_("Contact's mobile number"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices

    def clean_contact_phone(self) -> str:
        return normalise_phone(self.cleaned_data["contact_phone"])


class RegistrationDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse")])
    note = forms.CharField(label=_("Reason (when refusing)"), max_length=300, required=False)


class UnitProjectForm(forms.ModelForm):
    class Meta:
        model = UnitProject
        fields = ("title", "starts_on", "ends_on", "description")
        widgets = {name: forms.DateInput(attrs={"type": "date"}) for name in ("starts_on", "ends_on")}


class ServicePostForm(forms.ModelForm):
    class Meta:
        model = ServicePost
        fields = ("name",)


class QuarterCommentForm(forms.Form):
    text = forms.CharField(label=_("Community's comment"), max_length=100, required=False)


class ReportingTargetForm(forms.ModelForm):
    class Meta:
        model = ReportingTarget
        fields = ("activities", "hours")


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = (
            "title",
            "kind",
            "nominations_from",
            "nominations_to",
            "voting_from",
            "voting_to",
            "seats",
            "votes_per_voter",
            "voters",
        )
        widgets = {
            name: forms.DateInput(attrs={"type": "date"})
            for name in ("nominations_from", "nominations_to", "voting_from", "voting_to")
        }


class PanelMemberField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        volunteer = getattr(obj, "volunteer", None)
        return f"{volunteer.real_name} · {obj}" if volunteer is not None else str(obj)


class PanelForm(forms.Form):
    members = PanelMemberField(
        label=_("Panel members"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates


class NominationForm(forms.Form):
    """A nominee found by their mobile number among the office's teams, and why."""

    phone = forms.CharField(label=_("Nominee's mobile number"), max_length=20)
    reason = forms.CharField(label=_("Why"), max_length=300)

    household = forms.CharField(
        label=_("Household"),
        max_length=60,
        required=False,
        help_text=_("Who and where, e.g. the Wangs, Building 3, Xingfu Lane."),
    )
    member_phones = forms.CharField(
        label=_("Other members' mobile numbers"),
        max_length=200,
        required=False,
        help_text=_("Members of the office's teams, separated by spaces: their hours and points count too."),
    )

    def __init__(self, *args, office: Office, household: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        if household:
            self.fields["phone"].label = _("Mobile number of the member who stands for the household")
            self.fields["household"].required = True
        else:
            del self.fields["household"], self.fields["member_phones"]

    def _volunteer(self, phone: str) -> Volunteer:
        volunteer = (
            Volunteer.objects.filter(
                user__phone=normalise_phone(phone),
                user__memberships__team__office_id__in=office_tree_ids(self.office),
                user__memberships__status=Membership.Status.ACTIVE,
            )
            .select_related("user")
            .first()
        )
        if volunteer is None:
            raise ValidationError(_("No member of this office's teams has this number."))
        return volunteer

    def clean_phone(self) -> Volunteer:
        return self._volunteer(self.cleaned_data["phone"])

    def clean_member_phones(self) -> list[Volunteer]:
        phones = self.cleaned_data["member_phones"].replace(",", " ").replace("，", " ").replace("、", " ").split()
        return [self._volunteer(phone) for phone in dict.fromkeys(phones)][:10]
