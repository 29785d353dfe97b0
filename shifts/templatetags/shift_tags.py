from django import template
from django.utils import timezone

from shifts.dashboard import shift_figures
from shifts.selectors import shifts_to_run_soon, signups_of

register = template.Library()


@register.inclusion_tag("shifts/_next_shifts.html", takes_context=True)
def next_shifts(context, count: int = 3):
    """The volunteer's next few shifts, for the home page (volunteers do not import shifts)."""
    user = context["request"].user
    upcoming = signups_of(user).filter(status__in=["confirmed", "waitlisted"], shift__ends_at__gt=timezone.now())
    return {"signups": list(upcoming.filter(shift__is_cancelled=False)[:count])}


@register.inclusion_tag("shifts/_dashboard_figures.html")
def dashboard_shift_figures(office_ids, month):
    """The office dashboard's shift figures for the month (hours, which draws the dashboard, does not import shifts)."""
    return {"figures": shift_figures(office_ids=office_ids, month=month)}


@register.inclusion_tag("shifts/_shifts_to_run.html", takes_context=True)
def shifts_to_run(context):
    """A leader's shifts of today and tomorrow, each with its scanner and sheet one tap away."""
    today = timezone.localdate()
    return {"shifts": shifts_to_run_soon(context["request"].user, today=today), "today": today}
