"""The shifts a partner unit (共建单位) ran with a team, for the unit's page and its quarterly
feedback (teams.partners, registered from ShiftsConfig.ready())."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from hours.months import day_start
from hours.selectors import credited_per_group
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
    attendances = Attendance.objects.filter(shift__in=shifts).only("pk", "shift_id")
    credited = credited_per_group((attendance.shift_id, source_key(attendance)) for attendance in attendances)
    return [
        UnitWork(
            date=timezone.localdate(shift.starts_at),
            kind=_("Shift"),
            title=shift.title,
            details=f"{shift.team.name} · {shift.place}",
            people=credited.get(shift.pk, (0, 0))[0],
            minutes=credited.get(shift.pk, (0, 0))[1],
        )
        for shift in shifts
    ]
