"""Pages of residents' requests. Every view checks access through needs.permissions; every
change is a POST to one service call."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_tables2 import RequestConfig

from hours.dashboard import chosen_office
from needs import permissions, photos, reports, selectors, services
from needs.forms import (
    CategoryForm,
    ConfirmForm,
    CreditForm,
    DispatchForm,
    FinishForm,
    NeedForm,
    ReasonForm,
)
from needs.models import Category, Need, NeedPhoto, NeedTaker
from needs.tables import NeedTable
from teams.permissions import grants_for, looks_after_a_grid, manages_any_office, offices_managed_by
from volunteers.selectors import profile_for, search_people


def _first_error(error: ValidationError) -> str:
    return error.messages[0]


class ResidentPage:
    """Residents need no volunteer profile to raise and follow their requests."""

    profile_not_required = True


class StaffOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not manages_any_office(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class VolunteerOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.volunteer = profile_for(request.user)
        if self.volunteer is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class NeedAccessMixin(LoginRequiredMixin):
    """Loads the request named in the URL: 404 for anyone who may not see it."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.need = get_object_or_404(
            Need.objects.select_related("office", "category", "team", "partner_unit"), pk=kwargs["pk"]
        )
        if not permissions.may_see(request.user, self.need):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


# ---------------------------------------------------------------- residents


class MyNeedsView(ResidentPage, LoginRequiredMixin, TemplateView):
    template_name = "needs/mine.html"

    def get_context_data(self, **kwargs):
        needs = selectors.needs_of_resident(self.request.user)[:50]
        return super().get_context_data(needs=needs, **kwargs)


class NeedRaiseView(ResidentPage, LoginRequiredMixin, FormView):
    """A resident raises a request; office staff (and grid workers) raise one for a resident."""

    template_name = "needs/raise.html"
    form_class = NeedForm

    def staff_offices(self):
        return permissions.offices_for_staff(self.request.user)

    def for_a_resident(self) -> bool:
        """Staff and grid workers raise requests for residents; everyone else for themselves."""
        return self.staff_offices().exists() or looks_after_a_grid(self.request.user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        staff_offices = self.staff_offices()
        if staff_offices.exists():
            kwargs["offices"] = staff_offices
        elif looks_after_a_grid(self.request.user):
            kwargs["offices"] = permissions.offices_of_grid_worker(self.request.user)
            kwargs["grid_posts"] = grants_for(self.request.user).grid_posts
        else:
            kwargs["offices"] = permissions.offices_taking_requests()
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(for_a_resident=self.for_a_resident(), **kwargs)

    def get_initial(self):
        user = self.request.user
        if self.for_a_resident():
            return {}
        volunteer = profile_for(user)
        return {
            "resident_phone": user.national_phone,
            "resident_name": volunteer.real_name if volunteer else "",
            "grid": volunteer.grid if volunteer else "",
        }

    def form_valid(self, form):
        data = form.cleaned_data
        category = data["category"]
        try:
            need = services.raise_need(
                by=self.request.user,
                office=category.office,
                category=category,
                description=data["description"],
                address=data["address"],
                grid=data["grid"],
                window_starts=data["window_starts"],
                window_ends=data["window_ends"],
                urgency=data["urgency"],
                resident_name=data["resident_name"],
                resident_phone=data["resident_phone"],
                uploads=data["photos"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your request was sent to the community."))
        return redirect(need)


class NeedDetailView(ResidentPage, NeedAccessMixin, TemplateView):
    template_name = "needs/detail.html"

    def get_context_data(self, **kwargs):
        user, need = self.request.user, self.need
        runs = permissions.runs_need(user, need)
        volunteer = profile_for(user)
        takers = list(need.takers.select_related("volunteer", "posted_record"))
        my_take = next((taker for taker in takers if volunteer and taker.volunteer_id == volunteer.pk), None)
        is_resident = permissions.is_resident_of(user, need)
        looks_after = permissions.looks_after(user, need)
        state = Need.State
        context = {
            "need": need,
            "runs": runs,
            "is_resident": is_resident,
            "show_contact": permissions.may_see_contact(user, need),
            "takers": takers,
            "my_take": my_take,
            "photos": [photo for photo in need.photos.all() if runs or not photo.is_hidden],
            "events": need.events.select_related("by") if runs or is_resident or looks_after else [],
            # A grid worker following a request they did not raise sees what happened, not the
            # words written about the resident's home by volunteers and staff.
            "private_notes": looks_after and not (runs or is_resident or my_take),
            "can_take": my_take is None and need.state == state.DISPATCHED and permissions.may_take(user, need),
            "can_cancel": (runs or is_resident) and need.state in Need.OPEN_STATES,
            "can_confirm": (runs or is_resident) and need.state == state.DONE,
        }
        if runs:
            context["dispatch_form"] = DispatchForm(
                office=need.office, search_url=volunteer_search_url(need), initial={"places": need.places}
            )
            for taker in takers:
                if need.state == state.CONFIRMED and taker.finished_at and taker.posted_record_id is None:
                    minutes = services.credited_minutes(taker, need.category)
                    taker.credit_form = CreditForm(
                        prefix=f"taker-{taker.pk}",
                        initial={"started_at": timezone.localtime(taker.started_at), "minutes": minutes},
                        long_day=services.is_long_day(taker, minutes),
                    )
        if context["can_confirm"]:
            context["confirm_form"] = ConfirmForm()
            for taker in takers:
                taker.suggested_minutes = services.credited_minutes(taker, need.category)
        if my_take is not None and my_take.finished_at is None and need.state == state.TAKEN:
            # The service starts after the taking (services.check_started_at): offer the later of the two.
            starts = max(need.window_starts, my_take.taken_at)
            context["finish_form"] = FinishForm(initial={"started_at": timezone.localtime(starts)})
        context["reason_form"] = ReasonForm()
        return super().get_context_data(**context, **kwargs)


class NeedPhotoView(ResidentPage, NeedAccessMixin, View):
    """A photo, only for those who may see the request; a hidden one is deleted, for everyone."""

    def get(self, request, pk, photo_pk):
        photo = get_object_or_404(NeedPhoto, pk=photo_pk, need=self.need)
        if photo.is_hidden or not photo.file:
            raise Http404
        try:
            content = photos.read(photo.file)
        except FileNotFoundError:  # hidden a moment ago: its file went when the hiding committed
            raise Http404 from None
        response = HttpResponse(content, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        response["Content-Disposition"] = "inline"
        return response


def volunteer_search_url(need: Need) -> str:
    return reverse("needs:volunteer_search", args=[need.pk])


class VolunteerSearchView(NeedAccessMixin, View):
    """The dispatch form's picker: at most 20 volunteers serving in the request's office for a
    typed name, pinyin or phone tail, as JSON. For the office's staff only."""

    def get(self, request, pk):
        if not permissions.runs_need(request.user, self.need):
            raise Http404
        matches = search_people(selectors.serving_in(self.need.office), request.GET.get("q", ""))
        return JsonResponse(
            {"results": [match.as_json() for match in matches]}, json_dumps_params={"ensure_ascii": False}
        )


# ---------------------------------------------------------------- changes: one POST, one service


class NeedActionView(NeedAccessMixin, View):
    """Loads the request (404 if unseen), checks the form, calls one service, goes back to the
    request with the service's word as a message."""

    http_method_names = ["post"]
    form_class = ReasonForm
    done_message = ""

    def post(self, request, pk, **kwargs):
        form = self.form = self.get_form()
        if not form.is_valid():
            errors = [error for field_errors in form.errors.values() for error in field_errors]
            messages.error(request, errors[0])
            return redirect(self.need)
        try:
            self.act(form.cleaned_data, **kwargs)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            if self.done_message:
                messages.success(request, self.done_message)
        return redirect(self.next_url())

    def get_form(self):
        return self.form_class(self.request.POST)

    def next_url(self) -> str:
        return self.need.get_absolute_url()

    def act(self, data, **kwargs):
        raise NotImplementedError


class AcceptView(NeedActionView):
    form_class = forms.Form

    def act(self, data):
        services.accept(need=self.need, by=self.request.user)


class RefuseView(NeedActionView):
    def act(self, data):
        services.refuse(need=self.need, by=self.request.user, reason=data["reason"])


class DispatchView(NeedActionView):
    form_class = DispatchForm

    def get_form(self):
        return DispatchForm(self.request.POST, office=self.need.office, search_url=volunteer_search_url(self.need))

    def act(self, data):
        services.dispatch(
            need=self.need,
            by=self.request.user,
            audience=data["audience"],
            team=data["team"],
            volunteers=self.form.named_volunteers(),
            places=data["places"],
            partner_unit=data["partner_unit"],
        )


class HideView(NeedActionView):
    def act(self, data):
        services.hide(need=self.need, by=self.request.user, reason=data["reason"])


class HidePhotoView(NeedActionView):
    def act(self, data, photo_pk):
        photo = get_object_or_404(NeedPhoto, pk=photo_pk, need=self.need)
        services.hide_photo(photo=photo, by=self.request.user, reason=data["reason"])


class CancelView(ResidentPage, NeedActionView):
    def act(self, data):
        services.cancel(need=self.need, by=self.request.user, reason=data["reason"])


class TakeView(NeedActionView):
    form_class = forms.Form

    def act(self, data):
        volunteer = profile_for(self.request.user)
        if volunteer is None:
            raise ValidationError(_("Only volunteers take requests."))
        services.take(need=self.need, volunteer=volunteer)
        messages.success(self.request, _("You took the request: contact the resident."))


class FinishView(NeedActionView):
    form_class = FinishForm

    def act(self, data):
        volunteer = profile_for(self.request.user)
        if volunteer is None:
            raise ValidationError(_("Only a volunteer who took the request finishes it."))
        services.finish(
            need=self.need,
            volunteer=volunteer,
            started_at=data["started_at"],
            minutes=data["minutes"],
            note=data["note"],
        )
        messages.success(self.request, _("Thank you. The resident is asked to confirm."))


class ConfirmView(ResidentPage, NeedActionView):
    form_class = ConfirmForm

    def act(self, data):
        services.confirm(
            need=self.need,
            by=self.request.user,
            rating=data["rating"],
            comment=data["comment"],
            staff_minutes=self.staff_minutes(),
        )
        messages.success(self.request, _("Thank you for confirming."))

    def staff_minutes(self) -> dict[int, int] | None:
        """The office's time per volunteer (minutes-<taker id>), when staff confirm; the service caps it."""
        if not permissions.runs_need(self.request.user, self.need):
            return None
        minutes = {}
        for taker_pk in self.need.takers.values_list("pk", flat=True):
            given = self.request.POST.get(f"minutes-{taker_pk}", "").strip()
            if not given:
                continue
            if not given.isdigit():
                raise ValidationError(_("Give the credited time in whole minutes."))
            minutes[taker_pk] = int(given)
        return minutes


class CreditView(NeedActionView):
    form_class = CreditForm

    def get_form(self):
        # One form per volunteer on the request's page, each with its own field names.
        return self.form_class(self.request.POST, prefix=f"taker-{self.kwargs['taker_pk']}")

    def act(self, data, taker_pk):
        taker = get_object_or_404(NeedTaker, pk=taker_pk, need=self.need)
        services.credit_again(
            taker=taker,
            by=self.request.user,
            minutes=data["minutes"],
            started_at=data["started_at"],
            long_day_checked=data["long_day_checked"],
        )


# ---------------------------------------------------------------- the office


class QueueView(StaffOnlyMixin, TemplateView):
    template_name = "needs/queue.html"

    def get_context_data(self, **kwargs):
        tab = self.request.GET.get("tab", "new")
        if tab not in selectors.QUEUE_STATES:
            tab = "new"
        table = NeedTable(selectors.queue_for(self.request.user, tab))
        RequestConfig(self.request, paginate={"per_page": 30}).configure(table)
        tabs = [
            ("new", _("New")),
            ("to_dispatch", _("To dispatch")),
            ("open", _("Under way")),
            ("to_confirm", _("To confirm")),
            ("closed", _("Closed")),
        ]
        return super().get_context_data(table=table, tab=tab, tabs=tabs, **kwargs)


class CategoryListView(StaffOnlyMixin, FormView):
    """The office's list of categories; a new one is added below it."""

    template_name = "needs/categories.html"
    form_class = CategoryForm

    def offices(self):
        return permissions.offices_for_staff(self.request.user).exclude(kind="street")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["office"] = self.office_field()
        form.order_fields(["office"])
        return form

    def office_field(self):
        return forms.ModelChoiceField(label=_("Office"), queryset=self.offices())

    def get_context_data(self, **kwargs):
        categories = (
            Category.objects.filter(office__in=self.offices())
            .select_related("office")
            .order_by("office__name", "position", "name")
        )
        return super().get_context_data(categories=categories, **kwargs)

    def form_valid(self, form):
        category = form.save(commit=False)
        category.office = form.cleaned_data["office"]
        try:
            services.save_category(category=category, by=self.request.user, team_kinds=form.cleaned_data["team_kinds"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("needs:categories")


class CategoryEditView(StaffOnlyMixin, FormView):
    template_name = "needs/category_form.html"
    form_class = CategoryForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.category = get_object_or_404(Category.objects.select_related("office"), pk=kwargs["pk"])
            if not permissions.runs_office(request.user, self.category.office):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.category}

    def form_valid(self, form):
        try:
            services.save_category(
                category=form.save(commit=False), by=self.request.user, team_kinds=form.cleaned_data["team_kinds"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("needs:categories")


# ---------------------------------------------------------------- volunteers


class BoardView(VolunteerOnlyMixin, TemplateView):
    """Requests open to me: my teams', those naming me, and my offices' open board."""

    template_name = "needs/board.html"

    def get_context_data(self, **kwargs):
        near = self.request.GET.get("near") == "1" and bool(self.volunteer.grid)
        needs = selectors.board_for(self.volunteer, grid=self.volunteer.grid if near else "")[:50]
        return super().get_context_data(needs=needs, near=near, my_grid=self.volunteer.grid, **kwargs)


class TakenView(VolunteerOnlyMixin, TemplateView):
    template_name = "needs/taken.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(takes=selectors.taken_by(self.volunteer)[:50], **kwargs)


class FiguresView(StaffOnlyMixin, TemplateView):
    """GET ?office=<id>&year=YYYY: the requests of an office and the offices below it, in figures."""

    template_name = "needs/figures.html"

    def get_context_data(self, **kwargs):
        offices = list(offices_managed_by(self.request.user).order_by("name", "pk"))
        office = chosen_office(offices, self.request.GET.get("office", ""))
        if office is None:
            raise Http404
        this_year = timezone.localdate().year
        year = self.request.GET.get("year", "")
        year = int(year) if year.isdigit() and 2000 <= int(year) <= this_year + 1 else this_year
        return super().get_context_data(
            office=office, offices=offices, year=year, figures=reports.figures_for(office, year), **kwargs
        )
