"""The wish wall (public, no personal data), claiming and fulfilling, and the office's list."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from needs import permissions, photos, wishes
from needs.forms import ReasonForm, UnitClaimForm, WishClaimForm, WishForm, WishFulfilForm
from needs.models import Wish, WishClaim
from needs.views import StaffOnlyMixin, VolunteerOnlyMixin
from volunteers.selectors import profile_for

WALL_STATES = (Wish.State.OPEN, Wish.State.CLAIMED, Wish.State.FULFILLED, Wish.State.CONFIRMED)


class WishWallView(TemplateView):
    """Open to everyone, signed in or not: titles, stories and communities, never who it is for."""

    template_name = "needs/wish_wall.html"
    profile_not_required = True

    def get_context_data(self, **kwargs):
        wall = Wish.objects.filter(state__in=WALL_STATES).select_related("office").order_by("state", "-created_at")
        return super().get_context_data(wishes=wall[:60], **kwargs)


class WishMixin:
    profile_not_required = True

    def dispatch(self, request, *args, **kwargs):
        self.wish = get_object_or_404(Wish.objects.select_related("office"), pk=kwargs["pk"])
        self.runs = request.user.is_authenticated and permissions.runs_office(request.user, self.wish.office)
        if self.wish.state == Wish.State.WITHDRAWN and not self.runs:
            raise Http404
        self.claim = wishes.live_claim(self.wish)
        self.acts_for_claim = (
            request.user.is_authenticated and self.claim is not None and wishes.may_act_for(request.user, self.claim)
        )
        return super().dispatch(request, *args, **kwargs)


class WishDetailView(WishMixin, TemplateView):
    template_name = "needs/wish_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        state = Wish.State
        context = {
            "wish": self.wish,
            "runs": self.runs,
            "claim": self.claim if self.runs or self.acts_for_claim else None,
            "may_claim": self.wish.state == state.OPEN and user.is_authenticated and profile_for(user) is not None,
        }
        if context["may_claim"]:
            context["claim_form"] = WishClaimForm()
        if self.runs and self.wish.state == state.OPEN:
            context["unit_form"] = UnitClaimForm(office=self.wish.office)
        if self.acts_for_claim and self.claim.state == WishClaim.State.ACTIVE:
            context["fulfil_form"] = WishFulfilForm()
        if self.runs and self.wish.state in wishes.WITHDRAWABLE:
            context["withdraw_form"] = ReasonForm()
        return super().get_context_data(**context, **kwargs)


class WishPhotoView(WishMixin, LoginRequiredMixin, View):
    """The fulfilment photo: for whoever claimed the wish and the office."""

    def get(self, request, pk):
        if self.claim is None or not self.claim.photo or not (self.runs or self.acts_for_claim):
            raise Http404
        response = HttpResponse(photos.read(self.claim.photo), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        return response


class WishActionView(WishMixin, LoginRequiredMixin, View):
    http_method_names = ["post"]
    form_class = WishClaimForm
    done_message = ""

    def get_form(self):
        return self.form_class(self.request.POST, self.request.FILES)

    def post(self, request, pk):
        form = self.get_form()
        if not form.is_valid():
            messages.error(request, next(iter(form.errors.values()))[0])
            return redirect(self.wish)
        try:
            self.act(form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, self.done_message)
        return redirect(self.wish)


class WishClaimView(WishActionView):
    def act(self, data):
        volunteer = profile_for(self.request.user)
        if volunteer is None:
            raise ValidationError(_("Only volunteers claim wishes; the office records a partner unit's claim."))
        wishes.claim_wish(wish=self.wish, by=self.request.user, volunteer=volunteer, unit_name=data["unit_name"])
        self.done_message = _("You claimed the wish. Thank you!")


class WishUnitClaimView(WishActionView):
    def get_form(self):
        return UnitClaimForm(self.request.POST, office=self.wish.office)

    def act(self, data):
        wishes.claim_wish(
            wish=self.wish,
            by=self.request.user,
            unit=data["unit"],
            unit_name=data["unit_name"],
            unit_contact=data["unit_contact"],
        )
        self.done_message = _("The unit's claim is recorded.")


class WishFulfilView(WishActionView):
    form_class = WishFulfilForm

    def act(self, data):
        wishes.fulfil_wish(wish=self.wish, by=self.request.user, note=data["note"], upload=data["photo"])
        self.done_message = _("Thank you. The community will confirm it.")


class WishConfirmView(WishActionView):
    form_class = WishClaimForm  # nothing to fill in

    def act(self, data):
        wishes.confirm_wish(wish=self.wish, by=self.request.user)
        self.done_message = _("Confirmed.")


class WishWithdrawView(WishActionView):
    """Staff only: anyone else gets a 404, as for the office's other pages."""

    form_class = ReasonForm

    def post(self, request, pk):
        if not self.runs:
            raise Http404
        return super().post(request, pk)

    def act(self, data):
        wishes.withdraw_wish(wish=self.wish, by=self.request.user, reason=data["reason"])
        self.done_message = _("The wish is withdrawn and off the wall.")


class OfficeWishesView(StaffOnlyMixin, FormView):
    """The office's wishes, with who they are for, and a form to post one."""

    template_name = "needs/office_wishes.html"
    form_class = WishForm

    def offices(self):
        return permissions.offices_for_staff(self.request.user).exclude(kind="street")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "offices": self.offices()}

    def get_context_data(self, **kwargs):
        listed = Wish.objects.filter(office__in=permissions.offices_for_staff(self.request.user)).select_related(
            "office"
        )
        return super().get_context_data(wishes=listed[:100], **kwargs)

    def form_valid(self, form):
        try:
            wish = wishes.post_wish(by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The wish is on the wall."))
        return redirect(wish)


class MyWishesView(VolunteerOnlyMixin, TemplateView):
    template_name = "needs/my_wishes.html"

    def get_context_data(self, **kwargs):
        claims = WishClaim.objects.filter(volunteer=self.volunteer).select_related("wish__office")[:50]
        return super().get_context_data(claims=claims, **kwargs)
