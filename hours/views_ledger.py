"""Pages of the service-hours ledger: my hours, a volunteer's records for those who run their
teams, corrections, backfills, closing months."""

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
from django_tables2 import RequestConfig, SingleTableView

from accounts.models import User
from hours import ledger, months, requests
from hours.forms import (
    BackfillRequestForm,
    CorrectionRequestForm,
    DecisionForm,
    MonthCloseForm,
    RecordCorrectionForm,
)
from hours.models import BackfillRequest, CorrectionRequest, ServiceRecord
from hours.selectors import (
    backfills_of_team,
    correction_requests_of,
    hours_records_for,
    month_closes_for,
    pending_backfills_for,
    pending_corrections_for,
    records_within_reach,
)
from hours.stars import star_level, thresholds_for
from hours.tables import (
    BackfillQueueTable,
    CorrectionQueueTable,
    MonthCloseTable,
    TeamBackfillTable,
    VolunteerCorrectionRequestTable,
    VolunteerRecordTable,
)
from hours.units import hours
from teams.mixins import TeamAccessMixin
from teams.permissions import (
    ACCESS_OFFICE_MANAGE,
    ACCESS_TEAM_RUN,
    has_access,
    may_see_person,
    offices_managed_by,
)
from volunteers.models import Volunteer
from volunteers.selectors import active_members_of, home_office_of, profile_for, search_people


class ProfileRequiredMixin(LoginRequiredMixin):
    """Pages about my own service: office staff and superusers may have no profile."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.volunteer = profile_for(request.user)
        if self.volunteer is None:
            return redirect("volunteers:profile")
        return super().dispatch(request, *args, **kwargs)


class OfficeStaffMixin(LoginRequiredMixin):
    """Queues and months are for office staff; anyone else gets a 404, as elsewhere."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not offices_managed_by(request.user).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class MyHoursView(ProfileRequiredMixin, TemplateView):
    """Totals, star level and every record; a fixed number of queries however long the ledger."""

    template_name = "hours/hours.html"
    records_per_page = 20
    requests_per_page = 10

    def get_context_data(self, **kwargs):
        volunteer = self.volunteer
        totals = ledger.totals(volunteer)
        params = self.request.GET
        records = Paginator(hours_records_for(volunteer), self.records_per_page).get_page(params.get("page"))
        # Every request, newest first, ten a page: a volunteer looks back for a decision on an old one too.
        asked = Paginator(correction_requests_of(volunteer), self.requests_per_page).get_page(
            params.get("requests-page")
        )
        home_office = home_office_of(volunteer)
        return super().get_context_data(
            volunteer=volunteer,
            home_office=home_office,
            totals={key: hours(value) for key, value in totals.items()},
            level=star_level(totals["all_time"], thresholds_for(home_office)),
            records=records,
            correction_requests=asked,
            certificate_from=timezone.localdate().replace(month=1, day=1),
            certificate_to=timezone.localdate(),
            **kwargs,
        )


class CorrectionRequestView(ProfileRequiredMixin, FormView):
    """Ask for a correction of one of my records (rule 9)."""

    form_class = CorrectionRequestForm
    template_name = "hours/correction_request.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # Someone else's record is simply not found.
        self.record = get_object_or_404(
            ServiceRecord.objects.select_related("team"), pk=kwargs["pk"], volunteer__user=request.user
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"hours": hours(self.record.minutes)}

    def get_context_data(self, **kwargs):
        scheduled = ledger.scheduled_length(self.record)
        return super().get_context_data(
            record=self.record,
            correctable=ledger.is_correctable(self.record),
            scheduled_hours=None if scheduled is None else hours(scheduled),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            requests.ask_correction(
                record=self.record, by=self.request.user, minutes=form.minutes, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, _("Your request has been sent. You will be told the decision."))
        return redirect("hours:my_hours")


class VolunteerRecordsView(LoginRequiredMixin, TemplateView):
    """A volunteer's records for office staff (who correct them) and the team's leaders (who ask
    the office to): only the records of their offices and teams; a fixed number of queries."""

    template_name = "hours/volunteer_records.html"

    def get_context_data(self, **kwargs):
        viewer = self.request.user
        volunteer = get_object_or_404(Volunteer.objects.select_related("user"), pk=kwargs["pk"])
        records = records_within_reach(viewer, volunteer)
        # Those running one of the person's teams see the page, empty or not; staff of an office
        # the person has left still reach its records. The person's own page is My hours.
        runs_their_team = viewer.pk != volunteer.user_id and may_see_person(viewer, volunteer.user)
        if not runs_their_team and not records.exists():
            raise Http404
        table = VolunteerRecordTable(records, viewer=viewer)
        RequestConfig(self.request, paginate={"per_page": 25}).configure(table)
        asked = (
            CorrectionRequest.objects.filter(record__in=records.values("pk"))
            .select_related("record", "requested_by__volunteer")
            .order_by("-requested_at", "-pk")
        )
        requests_table = VolunteerCorrectionRequestTable(asked, prefix="requests-")
        RequestConfig(self.request, paginate={"per_page": 10}).configure(requests_table)
        return super().get_context_data(volunteer=volunteer, table=table, requests_table=requests_table, **kwargs)


class RecordActionMixin(LoginRequiredMixin):
    """A correction page for one record: 404 unless `allowed`, as for any record out of reach."""

    template_name = "hours/record_correction.html"
    form_class = RecordCorrectionForm
    asking = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.record = get_object_or_404(
            ServiceRecord.objects.select_related("volunteer", "team", "office"), pk=kwargs["pk"]
        )
        if not self.allowed(request.user):
            raise Http404
        elsewhere = self.elsewhere(request.user)
        if elsewhere is not None:
            return elsewhere
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, user: User) -> bool:
        raise NotImplementedError

    def elsewhere(self, user: User):
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scheduled_minutes": ledger.scheduled_length(self.record)}

    def get_initial(self):
        return {"hours": hours(self.record.minutes)}

    def get_context_data(self, **kwargs):
        length = ledger.scheduled_length(self.record)
        waiting = (
            CorrectionRequest.objects.filter(record=self.record, state=CorrectionRequest.State.PENDING)
            .select_related("requested_by__volunteer")
            .first()
        )
        return super().get_context_data(
            record=self.record,
            asking=self.asking,
            correctable=ledger.is_correctable(self.record),
            scheduled_hours=None if length is None else hours(length),
            waiting=waiting,
            **kwargs,
        )

    def done(self):
        return redirect("hours:volunteer_records", pk=self.record.volunteer_id)


class RecordCorrectView(RecordActionMixin, FormView):
    """Office staff of the record's office (or above) correct it themselves (rule 9)."""

    def allowed(self, user):
        return has_access(user, self.record.office, ACCESS_OFFICE_MANAGE)

    def form_valid(self, form):
        try:
            requests.correct_by_office(
                record=self.record, by=self.request.user, minutes=form.minutes, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
            return self.form_invalid(form)
        if form.minutes:
            messages.success(self.request, _("The record has been corrected. The volunteer has been told."))
        else:
            messages.success(self.request, _("The record has been withdrawn. The volunteer has been told."))
        return self.done()


class RecordCorrectionAskView(RecordActionMixin, FormView):
    """A leader of the record's team asks the office to correct it; staff who may correct it do so."""

    asking = True

    def allowed(self, user):
        return self.record.team is not None and has_access(user, self.record.team, ACCESS_TEAM_RUN)

    def elsewhere(self, user):
        # Staff of the recording office need nobody's decision: they correct it themselves.
        if has_access(user, self.record.office, ACCESS_OFFICE_MANAGE):
            return redirect("hours:record_correct", pk=self.record.pk)
        return None

    def form_valid(self, form):
        try:
            requests.ask_team_correction(
                record=self.record, by=self.request.user, minutes=form.minutes, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, _("Your request has been sent to the office. You will be told the decision."))
        return self.done()


@method_decorator(never_cache, name="dispatch")
class BackfillMemberSearchView(TeamAccessMixin, View):
    """The backfill form's picker: at most 20 of the team's active members for a typed name,
    pinyin or phone tail, as JSON. Only for people who run the team; 404 for anyone else."""

    access = ACCESS_TEAM_RUN

    def get(self, request, team_pk):
        matches = search_people(active_members_of(self.team), request.GET.get("q", ""))
        return JsonResponse(
            {"results": [match.as_json() for match in matches]}, json_dumps_params={"ensure_ascii": False}
        )


class CorrectionQueueView(OfficeStaffMixin, SingleTableView):
    table_class = CorrectionQueueTable
    template_name = "hours/correction_queue.html"
    paginate_by = 25

    def get_queryset(self):
        return pending_corrections_for(self.request.user).select_related("requested_by__volunteer")


class BackfillRequestView(TeamAccessMixin, FormView):
    """A leader or staff asks for a backfill for a member of the team (rule 8)."""

    access = ACCESS_TEAM_RUN
    form_class = BackfillRequestForm
    template_name = "hours/backfill_request.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "members": active_members_of(self.team),
            "search_url": reverse("hours:backfill_member_search", args=[self.team.pk]),
        }

    # Filled in from a shift's attendance sheet (?date=…&from=…): a starting point only,
    # checked like anything typed.
    PREFILLED = {
        "volunteer": "volunteer",
        "service_date": "date",
        "start_time": "from",
        "end_time": "to",
        "activity": "activity",
        "place": "place",
        "content": "content",
        "break_minutes": "break",
        "hours": "hours",
    }

    def get_initial(self):
        given = self.request.GET
        return {field: given[key] for field, key in self.PREFILLED.items() if given.get(key)}

    def get_context_data(self, **kwargs):
        table = TeamBackfillTable(backfills_of_team(self.team))
        RequestConfig(self.request, paginate={"per_page": 20}).configure(table)
        return super().get_context_data(backfill_table=table, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            requests.ask_backfill(
                team=self.team,
                volunteer=data["volunteer"],
                by=self.request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                activity=data["activity"],
                place=data["place"],
                content=data["content"],
                break_minutes=data["break_minutes"] or 0,
                minutes=form.minutes,
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, _("The backfill has been sent to the office for approval."))
        return redirect("hours:backfill_request", team_pk=self.team.pk)


class BackfillQueueView(OfficeStaffMixin, SingleTableView):
    table_class = BackfillQueueTable
    template_name = "hours/backfill_queue.html"
    paginate_by = 25

    def get_queryset(self):
        return pending_backfills_for(self.request.user)


class DecideView(LoginRequiredMixin, View):
    """Office staff approve or refuse one pending request, then go back to its queue."""

    queryset = None
    queue = ""

    def office_of(self, pending):
        raise NotImplementedError

    def decide(self, pending, **decision) -> None:
        raise NotImplementedError

    def post(self, request, pk):
        pending = get_object_or_404(self.queryset, pk=pk)
        if not has_access(request.user, self.office_of(pending), ACCESS_OFFICE_MANAGE):
            raise Http404
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose approve or refuse."))
            return redirect(self.queue)
        try:
            self.decide(pending, by=request.user, approve=form.approve, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Approved.") if form.approve else _("Refused."))
        return redirect(self.queue)


class CorrectionDecideView(DecideView):
    queryset = CorrectionRequest.objects.select_related("record__office")
    queue = "hours:correction_queue"

    def office_of(self, correction):
        return correction.record.office

    def decide(self, correction, **decision):
        requests.decide_correction(correction=correction, **decision)


class BackfillDecideView(DecideView):
    queryset = BackfillRequest.objects.select_related("office")
    queue = "hours:backfill_queue"

    def office_of(self, backfill):
        return backfill.office

    def decide(self, backfill, **decision):
        requests.decide_backfill(backfill=backfill, **decision)


class MonthListView(OfficeStaffMixin, SingleTableView):
    """Closed months of my offices, and the form that closes one (rule 10)."""

    table_class = MonthCloseTable
    template_name = "hours/months.html"
    paginate_by = 25

    def get_queryset(self):
        return month_closes_for(self.request.user)

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or MonthCloseForm(offices=offices_managed_by(self.request.user))
        return super().get_context_data(form=form, **kwargs)


class MonthCloseView(OfficeStaffMixin, View):
    def post(self, request):
        form = MonthCloseForm(request.POST, offices=offices_managed_by(request.user))
        if not form.is_valid():
            if "confirm" in form.errors and len(form.errors) == 1:
                messages.error(request, form.errors["confirm"][0])
            else:
                messages.error(request, _("Choose one of your offices and a month."))
            return redirect("hours:months")
        office = form.cleaned_data["office"]
        if not has_access(request.user, office, ACCESS_OFFICE_MANAGE):
            raise Http404
        try:
            closed = months.close_month(office=office, month=form.cleaned_data["month"], by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("hours:months")
        messages.success(
            request,
            _("%(month)s is closed for %(office)s: its totals and ranking are frozen.")
            % {"month": f"{closed.month:%Y-%m}", "office": office.name},
        )
        return redirect("hours:months")
