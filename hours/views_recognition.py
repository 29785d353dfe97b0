"""Ranking lists, honours, service certificates and their public verification page."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django_tables2 import SingleTableView

from hours import certificate_jobs, certificates, recognition
from hours.forms import CertificateBatchForm, CertificateSearchForm, CertificateWithdrawForm
from hours.models import Certificate, Honour
from hours.months import first_of_month
from hours.tables import CertificateTable
from hours.views_ledger import OfficeStaffMixin, ProfileRequiredMixin
from jobs.permissions import jobs_visible_to
from teams.models import Office, Team
from teams.permissions import (
    ACCESS_OFFICE_MANAGE,
    has_access,
    may_see_recognition,
    office_tree_ids,
    offices_managed_by,
)
from volunteers.cards import qr_svg
from volunteers.models import Volunteer

LIST_QUERY_KEYS = ("period", "month", "team")


def _office_for_list(user, office_pk: int) -> tuple[Office, set[int]]:
    office = get_object_or_404(Office.objects.select_related("parent__parent__parent"), pk=office_pk)
    tree_ids = office_tree_ids(office)
    if not may_see_recognition(user, office, tree_ids):
        raise Http404
    return office, tree_ids


class RecognitionView(LoginRequiredMixin, TemplateView):
    """Top volunteers of an office for a month, a year or all time: for the screen and for print."""

    template_name = "hours/recognition.html"

    def get_context_data(self, **kwargs):
        office, tree_ids = _office_for_list(self.request.user, kwargs["office_pk"])
        params = self.request.GET
        period = recognition.period_for(params.get("period", ""), params.get("month", ""))
        team_id = params.get("team", "")
        team = Team.objects.filter(pk=team_id, office_id__in=tree_ids).first() if team_id.isdigit() else None
        listing = recognition.top_list(office=office, tree_ids=tree_ids, period=period, team=team)
        month = period.start or first_of_month(timezone.localdate())
        can_award = has_access(self.request.user, office, ACCESS_OFFICE_MANAGE)
        return super().get_context_data(
            office=office,
            listing=listing,
            period=period,
            month_value=f"{month:%Y-%m}",
            teams=Team.objects.filter(office_id__in=tree_ids, is_active=True).order_by("name", "pk"),
            can_award=can_award,
            award_choices=recognition.hints_for_staff(listing) if can_award else [],
            honour_titles=Honour.Title.choices,
            query=urlencode({key: params[key] for key in LIST_QUERY_KEYS if params.get(key)}),
            **kwargs,
        )


class HonourAwardView(LoginRequiredMixin, View):
    def post(self, request, office_pk):
        office = get_object_or_404(Office, pk=office_pk)
        if not has_access(request.user, office, ACCESS_OFFICE_MANAGE):
            raise Http404
        volunteer_id = request.POST.get("volunteer", "")
        volunteer = get_object_or_404(Volunteer, pk=volunteer_id) if volunteer_id.isdigit() else None
        if volunteer is None:
            raise Http404
        try:
            recognition.award_honour(
                office=office,
                tree_ids=office_tree_ids(office),
                volunteer=volunteer,
                title=request.POST.get("title", ""),
                period=request.POST.get("period", ""),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The honour has been awarded."))
        url = reverse("hours:recognition", args=[office.pk])
        query = request.POST.get("query", "")
        return redirect(f"{url}?{query}" if query and "://" not in query and "\n" not in query else url)


class HonourRevokeView(LoginRequiredMixin, View):
    """Staff who may award an office's honours take back a wrong one, from the list or the person's page."""

    def post(self, request, pk):
        honour = get_object_or_404(Honour.objects.select_related("office"), pk=pk)
        if not has_access(request.user, honour.office, ACCESS_OFFICE_MANAGE):
            raise Http404
        recognition.revoke_honour(honour=honour, by=request.user)
        messages.success(request, _("The honour has been revoked."))
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(back)
        return redirect("hours:recognition", honour.office_id)


def _period_from_request(data, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    try:
        period_from = datetime.date.fromisoformat(data.get("from") or f"{today.year}-01-01")
        period_to = datetime.date.fromisoformat(data.get("to") or today.isoformat())
    except ValueError as error:
        raise ValidationError(_("Give the dates as YYYY-MM-DD.")) from error
    return period_from, period_to


@method_decorator(require_POST, name="dispatch")
class MyCertificateView(ProfileRequiredMixin, View):
    """My certificate for a period: issued on first request, the same one after that.
    Issuing writes, so it is a POST with CSRF: another site cannot have it issued."""

    def post(self, request):
        today = timezone.localdate()
        office = certificates.own_certificate_office(self.volunteer)
        try:
            if office is None:
                raise ValidationError(_("There is no recorded service to certify yet."))
            period_from, period_to = _period_from_request(request.POST, today)
            certificate = certificates.issue_certificate(
                volunteer=self.volunteer, office=office, period_from=period_from, period_to=period_to, by=None
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("hours:my_hours")
        return redirect(certificate)


class CertificateIssueView(LoginRequiredMixin, View):
    """Office staff issue a certificate for someone in one of their teams."""

    def post(self, request, pk):
        volunteer = get_object_or_404(Volunteer, pk=pk)
        office = certificates.staff_certificate_office(request.user, volunteer)
        if office is None:
            raise Http404
        try:
            period_from, period_to = _period_from_request(request.POST, timezone.localdate())
            certificate = certificates.issue_certificate(
                volunteer=volunteer, office=office, period_from=period_from, period_to=period_to, by=request.user
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(volunteer)
        return redirect(certificate)


class CertificateDetailView(LoginRequiredMixin, TemplateView):
    """The printable certificate: for the volunteer and the staff of the recording office."""

    template_name = "hours/certificate.html"

    def get_context_data(self, **kwargs):
        certificate = get_object_or_404(
            Certificate.objects.select_related("volunteer", "office", "withdrawn_by__volunteer"), pk=kwargs["pk"]
        )
        user = self.request.user
        is_office_staff = has_access(user, certificate.office, ACCESS_OFFICE_MANAGE)
        if certificate.volunteer.user_id != user.pk and not is_office_staff:
            raise Http404
        verify_url = self.request.build_absolute_uri(reverse("hours:verify", args=[certificate.verify_code]))
        return super().get_context_data(
            certificate=certificate,
            verify_url=verify_url,
            qr=qr_svg(verify_url),
            by_team=certificates.with_hours(certificate.by_team),
            by_activity=certificates.with_hours(certificate.by_activity),
            is_office_staff=is_office_staff,
            withdraw_form=CertificateWithdrawForm() if is_office_staff and not certificate.withdrawn_at else None,
            **kwargs,
        )


class CertificateWithdrawView(LoginRequiredMixin, View):
    """Staff of the recording office (or above) withdraw a wrong certificate, saying why."""

    def post(self, request, pk):
        certificate = get_object_or_404(Certificate.objects.select_related("office"), pk=pk)
        if not has_access(request.user, certificate.office, ACCESS_OFFICE_MANAGE):
            raise Http404
        if certificate.withdrawn_at is not None:
            messages.info(request, _("This certificate was already withdrawn."))
            return redirect(certificate)
        form = CertificateWithdrawForm(request.POST)
        if not form.is_valid():
            messages.error(request, next(iter(form.errors.values()))[0])
            return redirect(certificate)
        try:
            certificates.withdraw_certificate(
                certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The certificate has been withdrawn. Its holder has been told."))
        return redirect(certificate)


class CertificateListView(OfficeStaffMixin, SingleTableView):
    """Certificates recorded by my offices, newest first, found by number."""

    table_class = CertificateTable
    template_name = "hours/certificate_list.html"
    paginate_by = 25

    def get_queryset(self):
        self.form = CertificateSearchForm(self.request.GET)
        number = self.form.cleaned_data["number"] if self.form.is_valid() else ""
        return certificates.certificates_for_staff(self.request.user, number)

    def get_context_data(self, **kwargs):
        offices = offices_managed_by(self.request.user).order_by("name")
        prepared = jobs_visible_to(self.request.user).filter(kind=certificate_jobs.KIND).select_related("office")[:5]
        return super().get_context_data(
            form=self.form,
            batch_form=kwargs.pop("batch_form", None) or CertificateBatchForm(offices=offices, prefix="batch"),
            prepared=[(job, certificate_jobs.describe(job)) for job in prepared],
            **kwargs,
        )


class CertificateBatchView(CertificateListView):
    """POST: issue and print the certificates of a team or an office as one file, by a worker."""

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        form = CertificateBatchForm(
            request.POST, offices=offices_managed_by(request.user).order_by("name"), prefix="batch"
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = certificate_jobs.print_certificates_later(
                    user=request.user,
                    office=data["office"],
                    team=data["team"],
                    period_from=data["period_from"],
                    period_to=data["period_to"],
                    site=request.build_absolute_uri("/"),
                    language=translation.get_language(),
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(job)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(batch_form=form))


class VerifyView(TemplateView):
    """Public and read-only: anyone holding the QR code may check a certificate."""

    template_name = "hours/verify.html"

    def get(self, request, *args, **kwargs):
        certificate = certificates.certificate_by_code(kwargs["code"])
        context = self.get_context_data(certificate=certificate, **kwargs)
        return self.render_to_response(context, status=200 if certificate else 404)
