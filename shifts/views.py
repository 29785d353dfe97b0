import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from shifts import services
from shifts.forms import AddByHandForm, CancelShiftForm, RemoveSignupForm, ShiftForm
from shifts.models import Shift, Signup
from shifts.selectors import (
    group_by_day,
    list_window,
    next_shift_day,
    roster_of,
    shifts_visible_to,
    signups_of,
    upcoming_for,
    with_counts,
)
from teams.mixins import TeamAccessMixin
from teams.permissions import ACCESS_TEAM_RUN, has_access
from teams.selectors import teams_of
from volunteers.selectors import active_members_of, profile_for, search_people


def _first_error(error: ValidationError) -> str:
    return error.messages[0]


class ShiftAccessMixin(LoginRequiredMixin):
    """Loads the shift named in the URL: visible ones for everyone, 404 otherwise;
    with `run_only`, only for people who run its team."""

    run_only = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.shift = self.load_shift(kwargs["pk"])
        self.can_run = has_access(request.user, self.shift.team, ACCESS_TEAM_RUN)
        if self.run_only and not self.can_run:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def load_shift(self, pk) -> Shift:
        # Whoever runs a team sees its shifts, so a run-only page needs no visibility
        # filter: a plain lookup is cheaper.
        shifts = Shift.objects.all() if self.run_only else shifts_visible_to(self.request.user)
        return get_object_or_404(shifts.select_related("team"), pk=pk)


class ShiftListView(LoginRequiredMixin, TemplateView):
    """Upcoming shifts of my teams and open public ones: seven days a page, grouped by day,
    at most `page_size` shifts a page (a busy week goes on to a next page)."""

    template_name = "shifts/shift_list.html"
    page_size = 30

    def get_context_data(self, **kwargs):
        user, params = self.request.user, self.request.GET
        memberships = teams_of(user).filter(status="active")
        teams = [membership.team for membership in memberships]
        team = next((t for t in teams if str(t.pk) == params.get("team")), None)
        try:
            requested = datetime.date.fromisoformat(params.get("from", ""))
        except ValueError:
            requested = None
        window = list_window(requested, timezone.localdate())
        shifts = upcoming_for(user, team=team, from_date=window.start, before=window.end)
        page = Paginator(shifts, self.page_size).get_page(params.get("page"))
        now = timezone.now()
        for shift in page:
            shift.current_state = shift.state(shift.confirmed_count, now)
            shift.state_label = Shift.State(shift.current_state).label
            shift.places_left = max(shift.capacity - shift.confirmed_count, 0)
        next_day = None if page.paginator.count else next_shift_day(user, team=team, from_date=window.end)
        return super().get_context_data(
            days=group_by_day(page),
            page=page,
            window=window,
            next_day=next_day,
            teams=teams,
            team=team,
            **kwargs,
        )


class MyShiftsView(LoginRequiredMixin, TemplateView):
    template_name = "shifts/my_shifts.html"
    page_size = 20

    def get_context_data(self, **kwargs):
        now, params = timezone.now(), self.request.GET
        signups = signups_of(self.request.user)
        upcoming = Paginator(signups.filter(shift__ends_at__gt=now), self.page_size)
        past = Paginator(signups.filter(shift__ends_at__lte=now).order_by("-shift__starts_at"), self.page_size)
        return super().get_context_data(
            upcoming=upcoming.get_page(params.get("u-page")), past=past.get_page(params.get("p-page")), **kwargs
        )


class ShiftDetailView(ShiftAccessMixin, TemplateView):
    template_name = "shifts/shift_detail.html"
    roster_page_size = 100

    def get_context_data(self, **kwargs):
        user = self.request.user
        shift = with_counts(Shift.objects.filter(pk=self.shift.pk), user).select_related("partner_unit").get()
        my_signup = Signup.objects.filter(pk=shift.my_signup_id).first() if shift.my_signup_id else None
        state = shift.state(shift.confirmed_count)
        context = super().get_context_data(
            shift=shift,
            state=state,
            state_label=Shift.State(state).label,
            places_left=max(shift.capacity - shift.confirmed_count, 0),
            my_signup=my_signup,
            waitlist_position=services.waitlist_position(my_signup) if my_signup else None,
            can_run=self.can_run,
            **kwargs,
        )
        if self.can_run:
            context.update(
                roster=Paginator(roster_of(shift), self.roster_page_size).get_page(self.request.GET.get("page")),
                add_form=AddByHandForm(**member_pick_kwargs(shift)),
                cancel_form=CancelShiftForm(),
            )
        return context


def _members_of(shift: Shift):
    return active_members_of(shift.team)


def member_pick_kwargs(shift: Shift) -> dict:
    """What a form that picks one of the team's members needs: who may be chosen, and where
    the page asks for them as the leader types."""
    return {"members": _members_of(shift), "search_url": reverse("shifts:member_search", args=[shift.pk])}


@method_decorator(never_cache, name="dispatch")
class MemberSearchView(ShiftAccessMixin, View):
    """The roster-add and walk-in pickers' search: at most 20 of the team's active members
    for a typed name, pinyin or phone tail, as JSON. Only for people who run the team."""

    run_only = True

    def get(self, request, pk):
        matches = search_people(_members_of(self.shift), request.GET.get("q", ""))
        return JsonResponse(
            {"results": [match.as_json() for match in matches]}, json_dumps_params={"ensure_ascii": False}
        )


class SignUpView(ShiftAccessMixin, View):
    def post(self, request, pk):
        volunteer = profile_for(request.user)
        if volunteer is None:
            return redirect("volunteers:profile")
        try:
            signup = services.sign_up(shift=self.shift, volunteer=volunteer)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            if signup.status == Signup.Status.CONFIRMED:
                messages.success(request, _("You are signed up. See you there!"))
            else:
                messages.warning(
                    request,
                    _("The shift is full. You are number %(position)d on the waitlist.")
                    % {"position": services.waitlist_position(signup)},
                )
        return redirect(self.shift)


class CancelSignupView(ShiftAccessMixin, View):
    def post(self, request, pk):
        signup = Signup.objects.live().filter(shift=self.shift, volunteer__user=request.user).first()
        if signup is None:
            messages.error(request, _("You are not signed up for this shift."))
            return redirect(self.shift)
        try:
            services.cancel_signup(signup=signup)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("Your sign-up has been cancelled."))
        # From the list of my shifts, back to it.
        return redirect("shifts:mine") if request.POST.get("back") == "mine" else redirect(self.shift)


class ShiftCreateView(TeamAccessMixin, FormView):
    access = ACCESS_TEAM_RUN
    form_class = ShiftForm
    template_name = "shifts/shift_form.html"

    def get_initial(self):
        source = self.request.GET.get("copy")
        if source and source.isdigit():
            original = Shift.objects.filter(pk=source, team=self.team).first()
            if original is not None:
                week = datetime.timedelta(days=7)
                return {
                    "title": original.title,
                    "content": original.content,
                    "place": original.place,
                    "starts_at": timezone.localtime(original.starts_at + week),
                    "ends_at": timezone.localtime(original.ends_at + week),
                    "capacity": original.capacity,
                    "required_skills": original.required_skills,
                    "notes": original.notes,
                    "is_public": original.is_public,
                    "is_service": original.is_service,
                    "partner_unit": original.partner_unit_id,
                    # The form takes the break as clock times.
                    **{
                        field: timezone.localtime(getattr(original, field)).time()
                        for field in ("break_starts_at", "break_ends_at")
                        if getattr(original, field) is not None
                    },
                }
        return {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "office": self.team.office}

    def form_valid(self, form):
        form.instance.team = self.team
        try:
            shift = services.create_shift(shift=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Shift created."))
        return redirect(shift)


class ShiftUpdateView(ShiftAccessMixin, FormView):
    run_only = True
    form_class = ShiftForm
    template_name = "shifts/shift_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.shift, "office": self.shift.team.office}

    def get_context_data(self, **kwargs):
        return super().get_context_data(shift=self.shift, team=self.shift.team, **kwargs)

    def form_valid(self, form):
        try:
            services.update_shift(shift=form.instance, changed=form.changed_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved. Everyone signed up has been told."))
        return redirect(self.shift)


class ShiftCancelView(ShiftAccessMixin, View):
    run_only = True

    def post(self, request, pk):
        form = CancelShiftForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.cancel_shift(shift=self.shift, reason=reason)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("The shift has been cancelled and everyone signed up has been told."))
        return redirect(self.shift)


class RosterAddView(ShiftAccessMixin, View):
    run_only = True

    def post(self, request, pk):
        form = AddByHandForm(request.POST, **member_pick_kwargs(self.shift))
        if not form.is_valid():
            messages.error(request, _("Choose a member of the team."))
            return redirect(self.shift)
        try:
            services.add_by_hand(shift=self.shift, volunteer=form.cleaned_data["volunteer"], by=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("Added to the roster."))
        return redirect(self.shift)


class RosterRemoveView(ShiftAccessMixin, View):
    run_only = True

    def post(self, request, pk, signup_pk):
        signup = get_object_or_404(Signup, pk=signup_pk, shift=self.shift)
        form = RemoveSignupForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason for removing someone."))
            return redirect(self.shift)
        try:
            services.remove_from_roster(signup=signup, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("Removed from the roster; the person has been told."))
        return redirect(self.shift)
