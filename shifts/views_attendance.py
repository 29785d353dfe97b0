"""The leader's attendance sheet (marks, walk-ins, confirming), and self check-in
with the shift's rotating code."""

import datetime
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from shifts import marks, posting, scanning, self_checkin, walk_ins
from shifts.attendance import schedule_of
from shifts.clock import next_at
from shifts.forms import MarkForm, WalkInForm
from shifts.models import Attendance, ScanEvent, Shift
from shifts.selectors import attendance_sheet, on_sheet
from shifts.views import ShiftAccessMixin, member_pick_kwargs
from volunteers.cards import qr_svg
from volunteers.selectors import profile_for


def on_shift_day(shift: Shift, time: datetime.time) -> datetime.datetime:
    """A clock time on the sheet → the moment during this shift: the first at or after its
    check-in opens, so a shift past midnight takes the small hours as the next day's."""
    return next_at(schedule_of(shift).checkin_from, time)


class AttendanceSheetView(ShiftAccessMixin, TemplateView):
    run_only = True
    template_name = "shifts/attendance_sheet.html"

    def get_context_data(self, **kwargs):
        shift = self.shift
        rows = attendance_sheet(shift)
        start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
        return super().get_context_data(
            shift=shift,
            rows=rows,
            schedule=schedule_of(shift),
            walk_in_form=WalkInForm(**member_pick_kwargs(shift), initial={"checked_in": start.time()}),
            walk_in_refusal=walk_ins.sheet_refusal(shift),
            counts={
                "people": len(rows),
                "posted": sum(row.posted for row in rows),
                "review": sum(bool(row.review_reasons) and not row.posted for row in rows),
            },
            default_in=f"{start:%H:%M}",
            default_out=f"{end:%H:%M}",
            posting_open=posting.posting_open(shift),
            posting_days=posting.POSTING_WORKING_DAYS,
            backfill_url=_backfill_url(shift),
            **kwargs,
        )


def _backfill_url(shift: Shift) -> str:
    """The team's backfill form, filled in with this shift: the leader picks the person."""
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    schedule = schedule_of(shift)
    details = {
        "date": f"{start:%Y-%m-%d}",
        "from": f"{start:%H:%M}",
        "to": f"{end:%H:%M}",
        "activity": shift.title,
        "place": shift.place,
        "content": shift.content,
        "break": schedule.break_length // datetime.timedelta(minutes=1),
        "hours": f"{schedule.minutes / 60:g}",
    }
    return f"{reverse('hours:backfill_request', args=[shift.team_id])}?{urlencode(details)}"


def _sheet(shift: Shift):
    return redirect("shifts:attendance", pk=shift.pk)


class AttendanceMarkView(ShiftAccessMixin, View):
    run_only = True

    def post(self, request, pk):
        form = MarkForm(request.POST)
        if not form.is_valid():
            messages.error(request, next(iter(form.errors.values()))[0])
            return _sheet(self.shift)
        # Only people on this sheet: anyone else is answered without a name, so that a
        # number posted here never tells whose it is.
        volunteer = on_sheet(self.shift).filter(pk=form.cleaned_data["volunteer"]).first()
        if volunteer is None:
            messages.error(request, _("This person is not on the roster of this shift."))
            return _sheet(self.shift)
        data, shift = form.cleaned_data, self.shift
        try:
            if data["action"] == MarkForm.PRESENT:
                marks.set_times(
                    shift=shift,
                    volunteer=volunteer,
                    checked_in=on_shift_day(shift, data["checked_in"]) if data["checked_in"] else None,
                    checked_out=on_shift_day(shift, data["checked_out"]) if data["checked_out"] else None,
                    reason=data["reason"],
                    by=request.user,
                )
            else:
                status = Attendance.Status.ON_LEAVE if data["action"] == MarkForm.ON_LEAVE else Attendance.Status.ABSENT
                marks.mark_absence(
                    shift=shift, volunteer=volunteer, status=status, reason=data["reason"], by=request.user
                )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("%(name)s: saved.") % {"name": volunteer.real_name})
        return _sheet(shift)


class AttendanceWalkInView(ShiftAccessMixin, View):
    run_only = True

    def post(self, request, pk):
        shift = self.shift
        form = WalkInForm(request.POST, **member_pick_kwargs(shift))
        if not form.is_valid():
            messages.error(request, next(iter(form.errors.values()))[0])
            return _sheet(shift)
        data = form.cleaned_data
        try:
            marks.mark_present(
                shift=shift,
                volunteer=data["volunteer"],
                checked_in=on_shift_day(shift, data["checked_in"]),
                checked_out=on_shift_day(shift, data["checked_out"]) if data["checked_out"] else None,
                by=request.user,
                walk_in=True,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("%(name)s added as a walk-in.") % {"name": data["volunteer"].real_name})
        return _sheet(shift)


class AttendanceConfirmView(ShiftAccessMixin, View):
    run_only = True

    def post(self, request, pk):
        try:
            result = posting.confirm_sheet(shift=self.shift, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return _sheet(self.shift)
        posted = len(result.posted)
        messages.success(
            request,
            ngettext("%(count)d record posted to the ledger.", "%(count)d records posted to the ledger.", posted)
            % {"count": posted},
        )
        if result.waiting:
            people = _(", ").join(f"{item.volunteer.real_name} ({item.reason})" for item in result.waiting)
            messages.warning(request, _("Still waiting: %(people)s") % {"people": people})
        return _sheet(self.shift)


class SelfCodeView(ShiftAccessMixin, TemplateView):
    """The leader's phone shows the shift's code, large; the page reloads itself
    when the minute turns, so the code on screen is always the current one."""

    run_only = True
    template_name = "shifts/self_code.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    def get_context_data(self, **kwargs):
        now = timezone.now()
        code = self_checkin.current_code(self.shift.pk, now)
        url = self.request.build_absolute_uri(reverse("shifts:self_check", args=[self.shift.pk, code]))
        return super().get_context_data(
            shift=self.shift, code=code, url=url, qr=qr_svg(url), refresh=self_checkin.seconds_left(now), **kwargs
        )


class SelfCheckView(ShiftAccessMixin, TemplateView):
    """A volunteer scanned the shift's code: confirm, and the scan is theirs.

    A code is judged when it is opened: signing in, or an older volunteer reading the
    page, can take longer than a code lives. A valid one is remembered in the session
    (sending whoever is not signed in to log in first); when they confirm, the check-in
    is made at the time they first opened it."""

    template_name = "shifts/self_check.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.before_login(request, kwargs["pk"], kwargs["code"])
        if profile_for(request.user) is None:
            return redirect("volunteers:profile")
        return super().dispatch(request, *args, **kwargs)

    def before_login(self, request, pk, code):
        # Opened again on the way (back from the login page): the first opening stands.
        if self_checkin.pending_opening(request.session, pk, code) is None:
            if not self_checkin.code_is_valid(pk, code):
                # Refused now rather than after a login that could not make it good. The
                # shift stays unnamed: who is asking, and so what they may see, is unknown.
                return self.render_to_response({"shift": None, "valid": False, "code": code})
            self_checkin.remember_opening(request.session, pk, code)
        return self.handle_no_permission()

    def get_context_data(self, **kwargs):
        # `code` comes in with the URL's arguments.
        code, session = kwargs["code"], self.request.session
        # Remembered for the signed-in too: reading the page and finding the button can take
        # longer than a code lives.
        pending = self_checkin.pending_opening(session, self.shift.pk, code)
        if pending is None and self_checkin.code_is_valid(self.shift.pk, code):
            self_checkin.remember_opening(session, self.shift.pk, code)
        valid = self_checkin.pending_opening(session, self.shift.pk, code) is not None
        return super().get_context_data(shift=self.shift, valid=valid, **kwargs)

    def post(self, request, pk, code):
        volunteer = profile_for(request.user)
        opened_at = self_checkin.take_pending_opening(request.session, self.shift.pk, code)
        if opened_at is None and not self_checkin.code_is_valid(self.shift.pk, code):
            messages.error(
                request, _("This code has expired or is not for this shift: scan the code on the screen again.")
            )
            return redirect(self.shift)
        result = scanning.record_event(
            shift=self.shift,
            volunteer=volunteer,
            client_event_id=f"self-{uuid.uuid4().hex}",
            at=opened_at or timezone.now(),
            by=request.user,
            method=ScanEvent.Method.SELF,
            device="self",
        )
        messages.add_message(request, messages.SUCCESS if result.outcome.ok else messages.ERROR, result.message)
        return redirect(self.shift)
