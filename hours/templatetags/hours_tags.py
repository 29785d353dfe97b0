"""The ledger's part of pages that belong to lower apps (a volunteer's profile), so that
volunteers/ shows honours and the certificate form without importing hours/."""

from django import template
from django.utils import timezone

from hours import ledger
from hours.certificates import staff_certificate_office
from hours.stars import star_level, thresholds_for
from hours.tables import format_hours
from hours.units import hours
from volunteers.selectors import home_office_of

register = template.Library()

# Minutes as hours on a page (1.5 for 90), "—" for none: as the ledger's tables show them.
register.filter("hours", format_hours)


@register.inclusion_tag("hours/_recognition_of.html", takes_context=True)
def recognition_of(context, volunteer):
    """A volunteer's current honours, and the certificate form for staff who may issue one."""
    today = timezone.localdate()
    viewer = context["request"].user
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "volunteer": volunteer,
        "honours": volunteer.honours.current().select_related("office"),
        "can_issue_certificate": staff_certificate_office(viewer, volunteer) is not None,
        "certificate_from": today.replace(month=1, day=1),
        "certificate_to": today,
    }


@register.inclusion_tag("hours/_hours_summary.html")
def hours_summary(volunteer):
    """The home page's large figures: all-time and this year's hours and the star level."""
    totals = ledger.totals(volunteer)
    return {
        "totals": {key: hours(value) for key, value in totals.items()},
        "level": star_level(totals["all_time"], thresholds_for(home_office_of(volunteer))),
    }
