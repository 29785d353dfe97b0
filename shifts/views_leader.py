"""A team's shift calendar and the printed sign-in sheet."""

import datetime
import re
from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from shifts.selectors import team_calendar, week_start
from shifts.sheets import sign_in_sheet
from shifts.views import ShiftAccessMixin
from teams.models import Membership
from teams.permissions import ACCESS_TEAM_RUN, ACCESS_TEAM_VIEW, has_access, teams_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CALENDAR_WEEKS = 4
# ?start= further away than this falls back to today: no page for the year 9999.
MAX_YEARS_AWAY = 10
# Characters no file system or browser wants in a file name, control characters included.
UNSAFE_IN_FILENAME = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|;]+')


def attachment(filename: str, fallback: str) -> str:
    """A Content-Disposition value: `fallback` (ASCII) for old clients, `filename` (RFC 5987) for the rest."""
    safe = UNSAFE_IN_FILENAME.sub("_", filename).strip() or fallback
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe, safe='')}"


class SignInSheetView(ShiftAccessMixin, View):
    run_only = True

    def get(self, request, pk):
        shift = self.shift
        day = timezone.localdate(shift.starts_at, timezone.get_default_timezone())
        response = HttpResponse(sign_in_sheet(shift), content_type=XLSX)
        name = _("%(title)s-sign-in-sheet-%(date)s.xlsx") % {"title": shift.title, "date": f"{day:%Y%m%d}"}
        response["Content-Disposition"] = attachment(name, fallback=f"sign-in-{shift.pk}-{day:%Y%m%d}.xlsx")
        response["Cache-Control"] = "private, no-store"  # names and (masked) numbers
        return response


def _start_from(raw: str, today: datetime.date) -> datetime.date:
    try:
        start = datetime.date.fromisoformat(raw)
    except ValueError:
        return today
    if abs((start - today).days) > 366 * MAX_YEARS_AWAY:
        return today
    return start


class TeamCalendarView(LoginRequiredMixin, TemplateView):
    """The coming weeks of a team's shifts: a grid on a desk, a list of days on a phone.

    For the team's active members and those who run it; 404 for everyone else.
    """

    template_name = "shifts/team_calendar.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.team = get_object_or_404(teams_visible_to(request.user), pk=kwargs["team_pk"])
        may_view = has_access(request.user, self.team, ACCESS_TEAM_VIEW)
        if not (may_view or Membership.objects.active().filter(team=self.team, user=request.user).exists()):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        start = week_start(_start_from(self.request.GET.get("start", ""), today))
        step = datetime.timedelta(weeks=1)
        return super().get_context_data(
            team=self.team,
            weeks=team_calendar(self.team, self.request.user, start, CALENDAR_WEEKS),
            previous_start=start - step,
            next_start=start + step,
            this_week=week_start(today),
            showing_this_week=start == week_start(today),
            can_run=has_access(self.request.user, self.team, ACCESS_TEAM_RUN),
            **kwargs,
        )
