"""Points pages: the volunteer's balance, history, orders and shop; the office's rules,
catalogue, hand-over, good deeds and ranking; party members' reporting. Every page asks
teams.permissions."""

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from civic import evaluations, feedback, points, reporting, selectors, shop, units
from civic.forms import (
    DeedKindForm,
    EvaluationForm,
    GoodDeedForm,
    NominationForm,
    PanelForm,
    PartnerUnitForm,
    PartyReportForm,
    PickupCodeForm,
    PolicyForm,
    QuarterCommentForm,
    RegistrationDecisionForm,
    ReportingTargetForm,
    ServicePostForm,
    ShopItemForm,
    UnitProjectForm,
    UnitRegistrationForm,
)
from civic.models import (
    Evaluation,
    GoodDeed,
    GoodDeedKind,
    Nomination,
    Order,
    PartyReport,
    PointsPolicy,
    ServicePost,
    ShopItem,
    UnitRegistration,
    Vote,
)
from common.counters import count_one_more, take_back_one
from hours.views_ledger import ProfileRequiredMixin
from teams.models import Office, PartnerUnit
from teams.permissions import ACCESS_OFFICE_MANAGE, ACCESS_OFFICE_PII, has_access, offices_managed_by

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refused(request, error: ValidationError) -> None:
    messages.error(request, error.messages[0])


# ---------------------------------------------------------------- volunteers


class MyPointsView(ProfileRequiredMixin, TemplateView):
    """My balance at each office, my orders with their pickup codes, and every entry."""

    template_name = "civic/my_points.html"
    entries_per_page = 20

    def get_context_data(self, **kwargs):
        volunteer = self.volunteer
        held = selectors.held_by_account(volunteer)
        accounts = list(selectors.accounts_of(volunteer))
        for account in accounts:
            account.held_points = held.get(account.pk, 0)
            account.available_points = account.total - account.held_points
        entries = Paginator(selectors.entries_of(volunteer), self.entries_per_page).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            accounts=accounts,
            shops=selectors.shop_offices_of(volunteer),
            orders=selectors.orders_of(volunteer)[:20],
            entries=entries,
            **kwargs,
        )


class ShopView(ProfileRequiredMixin, TemplateView):
    """An office's love supermarket, for those who may use it."""

    template_name = "civic/shop.html"

    def get_context_data(self, **kwargs):
        office = get_object_or_404(selectors.shop_offices_of(self.volunteer), pk=kwargs["office_pk"])
        return super().get_context_data(
            office=office,
            available=selectors.available_at(office, self.volunteer),
            items=selectors.items_on_offer(office),
            **kwargs,
        )


@method_decorator(require_POST, name="dispatch")
class OrderView(ProfileRequiredMixin, View):
    def post(self, request, pk):
        item = get_object_or_404(ShopItem, pk=pk, office__in=selectors.shop_offices_of(self.volunteer))
        try:
            order = shop.place_order(volunteer=self.volunteer, item=item)
        except ValidationError as error:
            _refused(request, error)
            return redirect("civic:shop", item.office_id)
        messages.success(
            request,
            _("Ordered. Show the pickup code %(code)s when you collect it.") % {"code": order.pickup_code},
        )
        return redirect("civic:my_points")


@method_decorator(require_POST, name="dispatch")
class OrderCancelView(LoginRequiredMixin, View):
    """The volunteer who ordered, or staff of the office, cancel an order waiting for pickup."""

    def post(self, request, pk):
        order = get_object_or_404(Order.objects.select_related("account__office", "account__volunteer"), pk=pk)
        is_own = order.account.volunteer.user_id == request.user.pk
        if not is_own and not has_access(request.user, order.account.office, ACCESS_OFFICE_MANAGE):
            raise Http404
        try:
            shop.cancel_order(order=order, by=request.user)
            messages.success(request, _("The order was cancelled and its points given back."))
        except ValidationError as error:
            _refused(request, error)
        if is_own:
            return redirect("civic:my_points")
        return redirect("civic:hand_over", order.account.office_id)


# ---------------------------------------------------------------- office staff


class OfficeMixin(LoginRequiredMixin):
    """Pages of one office's points: its staff and staff above it; anyone else gets a 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.office = get_object_or_404(Office, pk=kwargs["office_pk"])
        if not has_access(request.user, self.office, ACCESS_OFFICE_MANAGE):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(office=self.office, **kwargs)


class OfficePointsView(LoginRequiredMixin, TemplateView):
    """Where office staff start: the office's points rules and its supermarket's pages."""

    template_name = "civic/office.html"

    def get_context_data(self, **kwargs):
        offices = list(offices_managed_by(self.request.user).order_by("name", "pk"))
        if not offices:
            raise Http404
        chosen = self.request.GET.get("office", "")
        office = next((o for o in offices if str(o.pk) == chosen), offices[0])
        policy = PointsPolicy.objects.filter(office=office).first()
        return super().get_context_data(
            offices=offices,
            office=office,
            policy=policy,
            policy_form=PolicyForm(instance=policy),
            waiting_orders=selectors.waiting_orders(office).count(),
            pending_deeds=selectors.pending_deeds(office).count(),
            **kwargs,
        )


@method_decorator(require_POST, name="dispatch")
class PolicyView(OfficeMixin, View):
    def post(self, request, office_pk):
        form = PolicyForm(request.POST)
        if form.is_valid():
            points.save_policy(office=self.office, **form.cleaned_data)
            messages.success(request, _("The points rules were saved."))
        else:
            messages.error(request, _("Check the points rules."))
        return redirect(f"{reverse('civic:office')}?office={self.office.pk}")


class CatalogueView(OfficeMixin, TemplateView):
    template_name = "civic/catalogue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            items=ShopItem.objects.filter(office=self.office).order_by("-is_active", "price", "name"),
            form=kwargs.pop("form", None) or ShopItemForm(),
            **kwargs,
        )

    def post(self, request, office_pk):
        form = ShopItemForm(request.POST, instance=ShopItem(office=self.office))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        shop.save_item(item=form.instance)
        messages.success(request, _("The item was added."))
        return redirect("civic:catalogue", self.office.pk)


class ItemEditView(LoginRequiredMixin, TemplateView):
    template_name = "civic/item_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.item = get_object_or_404(ShopItem.objects.select_related("office"), pk=kwargs["pk"])
        if not has_access(request.user, self.item.office, ACCESS_OFFICE_MANAGE):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or ShopItemForm(instance=self.item)
        return super().get_context_data(item=self.item, office=self.item.office, form=form, **kwargs)

    def post(self, request, pk):
        form = ShopItemForm(request.POST, instance=self.item)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            shop.save_item(item=form.instance, stock_shown=form.cleaned_data["stock_shown"])
        except ValidationError as error:
            _refused(request, error)
            return redirect("civic:item_edit", self.item.pk)
        messages.success(request, _("The item was saved."))
        return redirect("civic:catalogue", self.item.office_id)


HAND_OVER_FAILURES = 10  # codes that could not be used, per staff member and office
HAND_OVER_WINDOW = 15 * 60


class HandOverView(OfficeMixin, TemplateView):
    """Staff type or scan the pickup code; the orders waiting are listed without their codes
    (the code on the volunteer's phone is what proves the order is theirs)."""

    template_name = "civic/hand_over.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=kwargs.pop("form", None) or PickupCodeForm(),
            orders=selectors.waiting_orders(self.office),
            **kwargs,
        )

    def post(self, request, office_pk):
        form = PickupCodeForm(request.POST)
        # Codes that could not be used, per staff member and office, as failed sign-ins are
        # counted (accounts/sms.py). Each try is counted before it is made and taken back if
        # the code was good, so that a burst of tries at once cannot pass the limit.
        failures = f"civic:handover-failures:{request.user.pk}:{self.office.pk}"
        if form.is_valid() and count_one_more(failures, HAND_OVER_WINDOW) > HAND_OVER_FAILURES:
            form.add_error("code", _("Too many codes that could not be used: try again in a quarter of an hour."))
        elif form.is_valid():
            try:
                order = shop.hand_over(code=form.cleaned_data["code"], office=self.office, by=request.user)
            except ValidationError as error:
                form.add_error("code", error)
            else:
                take_back_one(failures)
                messages.success(
                    request,
                    _("Handed over: %(item)s to %(name)s, %(points)d points spent.")
                    % {"item": order.item.name, "name": order.account.volunteer.real_name, "points": order.price},
                )
                return redirect("civic:hand_over", self.office.pk)
        return self.render_to_response(self.get_context_data(form=form))


class DeedsView(OfficeMixin, TemplateView):
    """Record a good deed; confirm or refuse those recorded by someone else; the office's list."""

    template_name = "civic/deeds.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=kwargs.pop("form", None) or GoodDeedForm(office=self.office),
            kind_form=DeedKindForm(),
            kinds=GoodDeedKind.objects.filter(office=self.office, is_active=True),
            deeds=selectors.pending_deeds(self.office),
            **kwargs,
        )

    def post(self, request, office_pk):
        form = GoodDeedForm(request.POST, office=self.office)
        if form.is_valid():
            try:
                points.record_deed(
                    office=self.office,
                    volunteer=form.cleaned_data["phone"],
                    kind=form.cleaned_data["kind"],
                    done_on=form.cleaned_data["done_on"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Recorded. Another member of staff confirms it before the points post."))
                return redirect("civic:deeds", self.office.pk)
        return self.render_to_response(self.get_context_data(form=form))


@method_decorator(require_POST, name="dispatch")
class DeedKindAddView(OfficeMixin, View):
    def post(self, request, office_pk):
        form = DeedKindForm(request.POST)
        if form.is_valid():
            try:
                points.add_deed_kind(office=self.office, **form.cleaned_data)
                messages.success(request, _("The good deed was added to the list."))
            except ValidationError as error:
                _refused(request, error)
        else:
            messages.error(request, _("Give the good deed a name and its points."))
        return redirect("civic:deeds", self.office.pk)


@method_decorator(require_POST, name="dispatch")
class DeedDecideView(LoginRequiredMixin, View):
    def post(self, request, pk):
        deed = get_object_or_404(GoodDeed.objects.select_related("office"), pk=pk)
        if not has_access(request.user, deed.office, ACCESS_OFFICE_MANAGE):
            raise Http404
        approved = request.POST.get("decision") == "approve"
        try:
            points.decide_deed(deed=deed, approved=approved, by=request.user)
            messages.success(request, _("Confirmed: the points were posted.") if approved else _("Refused."))
        except ValidationError as error:
            _refused(request, error)
        return redirect("civic:deeds", deed.office_id)


class RankingView(OfficeMixin, TemplateView):
    """Who earned most points at the office this year; public names only (rule 12)."""

    template_name = "civic/ranking.html"

    def get_context_data(self, **kwargs):
        year = timezone.localdate().year
        return super().get_context_data(year=year, ranking=selectors.ranking(self.office, year), **kwargs)


# ---------------------------------------------------------------- 在职党员双报到


class PartyReportView(ProfileRequiredMixin, TemplateView):
    """A party member's reporting card, and once confirmed, their receipt (报到回执)."""

    template_name = "civic/party_report.html"

    @staticmethod
    def communities():
        """Communities and villages with partner units: a card names the unit."""
        return Office.objects.exclude(kind=Office.Kind.STREET).filter(pk__in=PartnerUnit.objects.values("office_id"))

    def get_context_data(self, **kwargs):
        reports = PartyReport.objects.filter(volunteer=self.volunteer).select_related("office", "unit", "decided_by")
        return super().get_context_data(
            volunteer=self.volunteer,
            reports=reports.prefetch_related("posts"),
            form=kwargs.pop("form", None) or PartyReportForm(offices=self.communities()),
            **kwargs,
        )

    def post(self, request):
        form = PartyReportForm(request.POST, offices=self.communities())
        if form.is_valid():
            try:
                reporting.submit_report(volunteer=self.volunteer, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your report was sent. The community confirms it and issues your receipt."))
                return redirect("civic:party_report")
        return self.render_to_response(self.get_context_data(form=form))


class PartyMembersView(OfficeMixin, TemplateView):
    """Reports waiting, reported members with this quarter's and year's hours from the ledger
    and whether they meet the yearly target, and the office's units and service posts."""

    template_name = "civic/party_members.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        reports = PartyReport.objects.filter(office=self.office).select_related("volunteer", "unit")
        confirmed = list(
            reports.filter(state=PartyReport.State.APPROVED).order_by("unit__name", "volunteer__name_pinyin")
        )
        served = reporting.served_in(
            self.office, [report.volunteer_id for report in confirmed], reporting.quarter_of(today)
        )
        target = reporting.target_of(self.office)
        quarter = reporting.quarter_of(today)
        comments = reporting.comments_in(confirmed, quarter)
        members = [
            (
                report,
                served[report.volunteer_id],
                reporting.meets_target(served[report.volunteer_id], target),
                comments.get(report.pk, ""),
            )
            for report in confirmed
        ]
        return super().get_context_data(
            waiting=reports.filter(state=PartyReport.State.PENDING).prefetch_related("posts"),
            members=members,
            quarter=f"{quarter[0].year}-{(quarter[0].month - 1) // 3 + 1}",
            target=target,
            units=PartnerUnit.objects.filter(office=self.office),
            registrations=UnitRegistration.objects.filter(
                office=self.office, state=UnitRegistration.State.PENDING
            ).select_related("requested_by"),
            full_phones=has_access(self.request.user, self.office, ACCESS_OFFICE_PII),
            posts=ServicePost.objects.filter(office=self.office),
            unit_form=PartnerUnitForm(),
            post_form=ServicePostForm(),
            **kwargs,
        )


@method_decorator(require_POST, name="dispatch")
class PartyReportDecideView(LoginRequiredMixin, View):
    def post(self, request, pk):
        report = get_object_or_404(PartyReport.objects.select_related("office"), pk=pk)
        if not has_access(request.user, report.office, ACCESS_OFFICE_MANAGE):
            raise Http404
        approved = request.POST.get("decision") == "approve"
        try:
            reporting.decide_report(report=report, approved=approved, by=request.user)
            messages.success(request, _("Confirmed: the receipt is issued.") if approved else _("Refused."))
        except ValidationError as error:
            _refused(request, error)
        return redirect("civic:party_members", report.office_id)


@method_decorator(require_POST, name="dispatch")
class QuarterCommentView(LoginRequiredMixin, View):
    """The community's short comment on a confirmed member's quarter (?quarter=2026-4 in the
    form; this quarter by default), for the unit's feedback sheet."""

    def post(self, request, pk):
        report = get_object_or_404(PartyReport.objects.select_related("office"), pk=pk)
        if not has_access(request.user, report.office, ACCESS_OFFICE_MANAGE):
            raise Http404
        form = QuarterCommentForm(request.POST)
        if form.is_valid():
            start, _end = feedback.quarter_from(request.POST.get("quarter", ""), timezone.localdate())
            try:
                reporting.write_comment(report=report, quarter=start, text=form.cleaned_data["text"], by=request.user)
                messages.success(request, _("The comment was saved."))
            except ValidationError as error:
                _refused(request, error)
        else:
            messages.error(request, _("Keep the comment to 100 characters."))
        return redirect("civic:party_members", report.office_id)


class ReportingTargetView(OfficeMixin, TemplateView):
    """The office's yearly target for reported party members (activities or hours)."""

    template_name = "civic/target.html"

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or ReportingTargetForm(instance=reporting.target_of(self.office))
        return super().get_context_data(form=form, **kwargs)

    def post(self, request, office_pk):
        form = ReportingTargetForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            reporting.save_target(office=self.office, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("The yearly target was saved."))
        return redirect("civic:party_members", self.office.pk)


@method_decorator(require_POST, name="dispatch")
class PartnerUnitAddView(OfficeMixin, View):
    def post(self, request, office_pk):
        form = PartnerUnitForm(request.POST)
        if form.is_valid():
            try:
                reporting.add_unit(office=self.office, **form.cleaned_data)
                messages.success(request, _("The unit was added."))
            except ValidationError as error:
                _refused(request, error)
        else:
            messages.error(request, _("Give the unit's name."))
        return redirect("civic:party_members", self.office.pk)


@method_decorator(require_POST, name="dispatch")
class ServicePostAddView(OfficeMixin, View):
    def post(self, request, office_pk):
        form = ServicePostForm(request.POST)
        if form.is_valid():
            try:
                reporting.add_post(office=self.office, **form.cleaned_data)
                messages.success(request, _("The service post was added."))
            except ValidationError as error:
                _refused(request, error)
        else:
            messages.error(request, _("Give the service post's name."))
        return redirect("civic:party_members", self.office.pk)


class UnitFeedbackView(OfficeMixin, View):
    """The quarterly sheet for one partner unit (?quarter=2026-4; this quarter by default)."""

    def get(self, request, office_pk, unit_pk):
        unit = get_object_or_404(PartnerUnit.objects.select_related("office"), pk=unit_pk, office=self.office)
        quarter = feedback.quarter_from(request.GET.get("quarter", ""), timezone.localdate())
        start, _end = quarter
        response = FileResponse(
            io.BytesIO(feedback.unit_feedback_sheet(unit, quarter)),
            as_attachment=True,
            filename=f"{unit.name}-{start.year}Q{(start.month - 1) // 3 + 1}.xlsx",
            content_type=XLSX,
        )
        response["Cache-Control"] = "private, no-store"  # names and (masked) numbers
        return response


# ---------------------------------------------------------------- units register themselves


class UnitRegistrationView(ProfileRequiredMixin, TemplateView):
    """A unit's contact registers it with a community and follows the decision; the units
    they are the contact of link to their pages."""

    template_name = "civic/unit_registration.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            registrations=UnitRegistration.objects.filter(requested_by=user).select_related("office", "unit"),
            units=units.units_of_contact(user),
            form=kwargs.pop("form", None) or UnitRegistrationForm(offices=units.communities()),
            **kwargs,
        )

    def post(self, request):
        form = UnitRegistrationForm(request.POST, offices=units.communities())
        if form.is_valid():
            try:
                units.submit_registration(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The registration was sent. The community's staff decide on it."))
                return redirect("civic:unit_registration")
        return self.render_to_response(self.get_context_data(form=form))


@method_decorator(require_POST, name="dispatch")
class UnitRegistrationDecideView(LoginRequiredMixin, View):
    def post(self, request, pk):
        registration = get_object_or_404(UnitRegistration.objects.select_related("office"), pk=pk)
        if not has_access(request.user, registration.office, ACCESS_OFFICE_MANAGE):
            raise Http404
        form = RegistrationDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Approve or refuse the registration."))
            return redirect("civic:party_members", registration.office_id)
        approved = form.cleaned_data["decision"] == "approve"
        try:
            units.decide_registration(
                registration=registration, approved=approved, by=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("The unit was registered.") if approved else _("Refused."))
        except ValidationError as error:
            _refused(request, error)
        return redirect("civic:party_members", registration.office_id)


class UnitMixin(LoginRequiredMixin):
    """A partner unit's pages: the community's staff (and those above), and the unit's contact."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.unit = get_object_or_404(PartnerUnit.objects.select_related("office"), pk=kwargs["pk"])
        if not units.may_see_unit(request.user, self.unit):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class UnitView(UnitMixin, TemplateView):
    """The unit's page: its reported members, its projects, and the shifts it ran and wishes it
    fulfilled in the past year; staff add projects here."""

    template_name = "civic/unit.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        is_staff = has_access(user, self.unit.office, ACCESS_OFFICE_MANAGE)
        return super().get_context_data(
            unit=self.unit,
            members=units.reported_members(self.unit),
            projects=self.unit.projects.all(),
            work=units.recent_work(self.unit, timezone.localdate()),
            full_phone=units.may_see_contact_phone(user, self.unit),
            is_staff=is_staff,
            form=(kwargs.pop("form", None) or UnitProjectForm()) if is_staff else None,
            **kwargs,
        )


@method_decorator(require_POST, name="dispatch")
class UnitProjectAddView(UnitMixin, View):
    def post(self, request, pk):
        if not has_access(request.user, self.unit.office, ACCESS_OFFICE_MANAGE):
            raise Http404
        form = UnitProjectForm(request.POST)
        if form.is_valid():
            try:
                units.add_project(unit=self.unit, by=request.user, **form.cleaned_data)
                messages.success(request, _("The project was added."))
            except ValidationError as error:
                _refused(request, error)
        else:
            messages.error(request, _("Give the project's title and its dates."))
        return redirect("civic:unit", self.unit.pk)


# ---------------------------------------------------------------- 评议 / 评选


class EvaluationListView(OfficeMixin, TemplateView):
    """An office's evaluations, and a form to open one."""

    template_name = "civic/evaluations.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            evaluations=Evaluation.objects.filter(office=self.office),
            form=kwargs.pop("form", None) or EvaluationForm(),
            **kwargs,
        )

    def post(self, request, office_pk):
        form = EvaluationForm(request.POST, instance=Evaluation(office=self.office, created_by=request.user))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        evaluation = evaluations.open_evaluation(evaluation=form.instance)
        messages.success(request, _("The evaluation is open."))
        return redirect("civic:evaluation", evaluation.pk)


def _evaluation_for(user, pk: int) -> Evaluation:
    """Its staff, and whoever may nominate or vote in it; anyone else gets a 404."""
    evaluation = get_object_or_404(Evaluation.objects.select_related("office"), pk=pk)
    if not (evaluations.may_nominate(user, evaluation) or evaluations.may_vote(user, evaluation)):
        raise Http404
    return evaluation


class EvaluationView(LoginRequiredMixin, TemplateView):
    """The nominees with their hours and points of the year, a vote for each, and a nomination form."""

    template_name = "civic/evaluation.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        evaluation = _evaluation_for(user, kwargs["pk"])
        nominations = list(evaluation.nominations.select_related("volunteer").prefetch_related("members"))
        evidence = evaluations.nomination_evidence(evaluation, nominations)
        voted = set(Vote.objects.filter(evaluation=evaluation, voter=user).values_list("nomination_id", flat=True))
        is_staff = has_access(user, evaluation.office, ACCESS_OFFICE_MANAGE)
        is_panel = evaluation.voters == Evaluation.Voters.PANEL
        return super().get_context_data(
            is_panel=is_panel,
            panel=list(evaluation.panel.select_related("volunteer")) if is_panel else [],
            panel_form=PanelForm(
                candidates=evaluations.panel_candidates(evaluation),
                initial={"members": list(evaluation.panel.values_list("pk", flat=True))},
            )
            if is_panel and is_staff
            else None,
            evaluation=evaluation,
            rows=[(n, evidence[n.pk], n.pk in voted) for n in nominations],
            is_household=evaluation.kind == Evaluation.Kind.HOUSEHOLD,
            votes_left=evaluation.votes_per_voter - len(voted),
            is_staff=is_staff,
            may_vote=evaluations.may_vote(user, evaluation),
            may_nominate=evaluations.may_nominate(user, evaluation),
            form=NominationForm(office=evaluation.office, household=evaluation.kind == Evaluation.Kind.HOUSEHOLD),
            today=timezone.localdate(),
            **kwargs,
        )


@method_decorator(require_POST, name="dispatch")
class NominateView(LoginRequiredMixin, View):
    def post(self, request, pk):
        evaluation = _evaluation_for(request.user, pk)
        form = NominationForm(
            request.POST, office=evaluation.office, household=evaluation.kind == Evaluation.Kind.HOUSEHOLD
        )
        if form.is_valid():
            try:
                evaluations.nominate(
                    evaluation=evaluation,
                    volunteer=form.cleaned_data["phone"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    today=timezone.localdate(),
                    household=form.cleaned_data.get("household", ""),
                    members=form.cleaned_data.get("member_phones", []),
                )
                messages.success(request, _("Nominated."))
            except ValidationError as error:
                _refused(request, error)
        else:
            messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("civic:evaluation", evaluation.pk)


@method_decorator(require_POST, name="dispatch")
class EvaluationPanelView(LoginRequiredMixin, View):
    """Staff name the panel that votes in a panel evaluation."""

    def post(self, request, pk):
        evaluation = get_object_or_404(Evaluation.objects.select_related("office"), pk=pk)
        if not has_access(request.user, evaluation.office, ACCESS_OFFICE_MANAGE):
            raise Http404
        form = PanelForm(request.POST, candidates=evaluations.panel_candidates(evaluation))
        if form.is_valid():
            try:
                evaluations.choose_panel(
                    evaluation=evaluation, members=list(form.cleaned_data["members"]), today=timezone.localdate()
                )
                messages.success(request, _("The panel was saved."))
            except ValidationError as error:
                _refused(request, error)
        else:
            messages.error(request, _("Choose the panel from the office's staff."))
        return redirect("civic:evaluation", evaluation.pk)


@method_decorator(require_POST, name="dispatch")
class VoteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        nomination = get_object_or_404(Nomination, pk=pk)
        _evaluation_for(request.user, nomination.evaluation_id)
        try:
            evaluations.vote(nomination=nomination, voter=request.user, today=timezone.localdate())
            messages.success(request, _("Your vote was counted."))
        except ValidationError as error:
            _refused(request, error)
        return redirect("civic:evaluation", nomination.evaluation_id)


@method_decorator(require_POST, name="dispatch")
class EvaluationCloseView(LoginRequiredMixin, View):
    def post(self, request, pk):
        evaluation = get_object_or_404(Evaluation.objects.select_related("office"), pk=pk)
        if not has_access(request.user, evaluation.office, ACCESS_OFFICE_MANAGE):
            raise Http404
        try:
            evaluations.close(evaluation=evaluation, by=request.user, today=timezone.localdate())
            messages.success(request, _("The results are frozen and published."))
        except ValidationError as error:
            _refused(request, error)
        return redirect("civic:evaluation_results", evaluation.pk)


class EvaluationResultsView(TemplateView):
    """The public page of frozen results: names masked as the ranking lists mask them (rule 12)."""

    template_name = "civic/evaluation_results.html"

    def get_context_data(self, **kwargs):
        evaluation = get_object_or_404(Evaluation.objects.select_related("office"), pk=kwargs["pk"])
        return super().get_context_data(evaluation=evaluation, results=evaluations.public_results(evaluation), **kwargs)
