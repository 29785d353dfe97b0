"""The shifts a partner unit (共建单位) ran with a team, for the unit's page and its quarterly
feedback (teams.partners, registered from ShiftsConfig.ready())."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from hours.months import day_start
from hours.selectors import credited_minutes_by_source
from shifts.attendance import source_key
from shifts.models import Attendance, Shift
from teams.models import PartnerUnit
from teams.partners import UnitWork


def shifts_run_with(unit: PartnerUnit, starts_on: datetime.date, ends_on: datetime.date) -> list[UnitWork]:
    """Its shifts starting in the period, not cancelled, with the people and the time the
    hours ledger credits for each (corrections included): four queries, whatever the number."""
    shifts = list(
        Shift.objects.filter(
            partner_unit=unit,
            is_cancelled=False,
            starts_at__gte=day_start(starts_on),
            starts_at__lt=day_start(ends_on + datetime.timedelta(days=1)),
        )
        .select_related("team")
        .order_by("starts_at", "pk")
    )
    attendances = list(Attendance.objects.filter(shift__in=shifts).only("pk", "shift_id"))
    credited = credited_minutes_by_source(source_key(attendance) for attendance in attendances)
    people = dict.fromkeys((shift.pk for shift in shifts), 0)
    minutes = dict.fromkeys((shift.pk for shift in shifts), 0)
    for attendance in attendances:
        credited_here = credited[source_key(attendance)]
        minutes[attendance.shift_id] += credited_here
        people[attendance.shift_id] += credited_here > 0
    return [
        UnitWork(
            date=timezone.localdate(shift.starts_at),
            kind=_("Shift"),
            title=shift.title,
            details=f"{shift.team.name} · {shift.place}",
            people=people[shift.pk],
            minutes=minutes[shift.pk],
        )
        for shift in shifts
    ]
