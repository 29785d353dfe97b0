"""The monthly workbook for office staff: pick an office and a month, download (DESIGN rules 14–16)."""

import tempfile

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from hours import exports
from hours.models import ExportLog
from hours.months import parse_month
from hours.views_ledger import OfficeStaffMixin
from teams.models import Office
from teams.permissions import ACCESS_OFFICE_MANAGE, ACCESS_OFFICE_PII, has_access, offices_managed_by

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class ExportForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none())
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("Records are listed in the month they are reported in."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", _("Excel workbook")), ("csv", _("CSV file (details only)"))],
        initial="xlsx",
    )
    unmasked = forms.BooleanField(
        label=_("Full phone and ID numbers"),
        required=False,
        help_text=_("Only with the permission to see them; the export is logged."),
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class ExportPageView(OfficeStaffMixin, TemplateView):
    """The form (sent with GET) sends the browser on to the file; below it, the latest exports."""

    template_name = "hours/exports.html"

    def get(self, request, *args, **kwargs):
        offices = offices_managed_by(request.user).order_by("name")
        form = ExportForm(request.GET or None, offices=offices)
        if form.is_valid():
            data = form.cleaned_data
            url = reverse(
                f"hours:export_{data['format']}",
                kwargs={"office_pk": data["office"].pk, "month": f"{data['month']:%Y-%m}"},
            )
            return redirect(f"{url}?unmasked=1" if data["unmasked"] else url)
        log = (
            ExportLog.objects.filter(office__in=offices)
            .select_related("office", "user")
            .order_by("-created_at", "-pk")[:20]
        )
        return self.render_to_response(self.get_context_data(form=form, log=log))


class ExportDownloadView(LoginRequiredMixin, View):
    """GET /office/<office_pk>/export/<yyyy-mm>.xlsx (or .csv); ?unmasked=1 for full numbers."""

    kind = "xlsx"

    def get(self, request, office_pk: int, month: str):
        office = get_object_or_404(Office, pk=office_pk)
        unmasked = request.GET.get("unmasked") == "1"
        # Not managed, or full numbers asked without the permission: not found, as elsewhere.
        if not has_access(request.user, office, ACCESS_OFFICE_MANAGE):
            raise Http404
        if unmasked and not has_access(request.user, office, ACCESS_OFFICE_PII):
            raise Http404
        try:
            first_day = parse_month(month)
        except ValidationError:
            raise Http404 from None
        stream = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        try:
            if self.kind == "csv":
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
            filename=exports.export_filename(office, first_day, self.kind),
            content_type=CONTENT_TYPES[self.kind],
        )
        response["Cache-Control"] = "no-store, private"
        return response
