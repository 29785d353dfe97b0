"""The monthly workbook for office staff: pick an office and a month, download (DESIGN rules 14–16)."""

import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from hours import exports, workbook_jobs
from hours.forms import ExportForm, PrepareWorkbookForm
from hours.models import ExportLog
from hours.months import parse_month
from hours.views_ledger import OfficeStaffMixin
from jobs.permissions import jobs_visible_to
from teams.models import Office
from teams.permissions import ACCESS_OFFICE_MANAGE, ACCESS_OFFICE_PII, has_access, offices_managed_by

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class ExportPageView(OfficeStaffMixin, TemplateView):
    """The form (a POST: an export is logged, and may hold full numbers) sends the workbook;
    below it, the latest exports."""

    template_name = "hours/exports.html"

    def get(self, request, *args, **kwargs):
        return self._page(ExportForm(offices=self._offices()))

    def post(self, request, *args, **kwargs):
        form = ExportForm(request.POST, offices=self._offices())
        if not form.is_valid():
            return self._page(form)
        data = form.cleaned_data
        return file_response(request, data["office"], data["month"], data["format"], unmasked=data["unmasked"])

    def _offices(self):
        return offices_managed_by(self.request.user).order_by("name")

    def _page(self, form, prepare_form=None):
        log = (
            ExportLog.objects.filter(office__in=self._offices())
            .select_related("office", "user")
            .order_by("-created_at", "-pk")[:20]
        )
        prepared = (
            jobs_visible_to(self.request.user)
            .filter(kind=workbook_jobs.KIND)
            .select_related("office")
            .order_by("-created_at")[:10]
        )
        return self.render_to_response(
            self.get_context_data(
                form=form,
                prepare_form=prepare_form or PrepareWorkbookForm(offices=self._offices(), prefix="prepare"),
                prepared=[(job, workbook_jobs.describe(job)) for job in prepared],
                log=log,
            )
        )


class PrepareWorkbookView(ExportPageView):
    """POST: queue the workbook (or join the one being prepared) and follow it on its page."""

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        form = PrepareWorkbookForm(request.POST, offices=self._offices(), prefix="prepare")
        if not form.is_valid():
            return self._page(ExportForm(offices=self._offices()), prepare_form=form)
        data = form.cleaned_data
        try:
            job = workbook_jobs.prepare_month_workbook(
                user=request.user, office=data["office"], month=data["month"], unmasked=data["unmasked"]
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("hours:exports")
        return redirect(job)


def file_response(request, office: Office, first_day, kind: str, *, unmasked: bool) -> FileResponse:
    """The month's workbook (or CSV) as a download, logged; not found for anyone without the right."""
    # Not managed, or full numbers asked without the permission: not found, as elsewhere.
    if not has_access(request.user, office, ACCESS_OFFICE_MANAGE):
        raise Http404
    if unmasked and not has_access(request.user, office, ACCESS_OFFICE_PII):
        raise Http404
    stream = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        if kind == "csv":
            exports.write_csv(stream, office=office, month=first_day, user=request.user, unmasked=unmasked)
        else:
            exports.write_workbook(stream, office=office, month=first_day, user=request.user, unmasked=unmasked)
    except PermissionDenied:
        stream.close()
        raise Http404 from None
    stream.seek(0)
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=exports.export_filename(office, first_day, kind, unmasked=unmasked),
        content_type=CONTENT_TYPES[kind],
    )
    response["Cache-Control"] = "no-store, private"
    return response


class ExportDownloadView(LoginRequiredMixin, View):
    """/office/<office_pk>/export/<yyyy-mm>.xlsx (or .csv): masked by GET (a bookmark works);
    full numbers only by POST with unmasked=1, so that another site cannot start one."""

    kind = "xlsx"

    def get(self, request, office_pk: int, month: str):
        if request.GET.get("unmasked"):
            return HttpResponseNotAllowed(["POST"])
        return self._download(request, office_pk, month, unmasked=False)

    def post(self, request, office_pk: int, month: str):
        return self._download(request, office_pk, month, unmasked=request.POST.get("unmasked") == "1")

    def _download(self, request, office_pk: int, month: str, *, unmasked: bool):
        office = get_object_or_404(Office, pk=office_pk)
        try:
            first_day = parse_month(month)
        except ValidationError:
            raise Http404 from None
        return file_response(request, office, first_day, self.kind, unmasked=unmasked)
