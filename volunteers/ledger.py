"""The service-hours ledger: the only way records are written (DESIGN rules 5, 7–10).

Records are never changed. Posting is idempotent by `source_key`; a correction
reverses a record and posts the right value, saying who, when and why. Each record
is reported in the month of its service date, or in the next open month when that
month is already closed for the office (rule 10); the month is fixed at insert.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from teams.models import Office, Team
from volunteers.models import MonthClose, ServiceRecord, Volunteer, first_of_month
from volunteers.recognition import notify_new_star


@dataclass(frozen=True)
class Service:
    """What was served: the ledger's own copy, independent of where it came from."""

    office: Office
    team: Team | None
    service_date: datetime.date
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    activity: str
    place: str = ""
    content: str = ""
    responsible_person: str = ""


def credited(volunteer: Volunteer):
    """Records that still count: not reversed, positive."""
    reversed_ = ServiceRecord.objects.filter(reverses=OuterRef("pk"))
    return ServiceRecord.objects.filter(volunteer=volunteer, minutes__gt=0).exclude(Exists(reversed_))


def credited_intervals(volunteer: Volunteer, around: datetime.datetime, *, exclude_key: str = ""):
    """The volunteer's credited (from, to) intervals within a day of `around` (rule 5)."""
    window = datetime.timedelta(days=1)
    records = credited(volunteer).filter(
        starts_at__isnull=False, starts_at__lt=around + window, ends_at__gt=around - window
    )
    if exclude_key:
        records = records.exclude(source_key=exclude_key)
    return list(records.values_list("starts_at", "ends_at"))


def minutes_on(volunteer: Volunteer, day: datetime.date, *, exclude_key: str = "") -> int:
    records = credited(volunteer).filter(service_date=day)
    if exclude_key:
        records = records.exclude(source_key=exclude_key)
    return records.aggregate(total=Sum("minutes"))["total"] or 0


def _overlaps_credited(volunteer: Volunteer, starts_at, ends_at) -> bool:
    if starts_at is None or ends_at is None:
        return False
    return credited(volunteer).filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists()


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def reported_month_for(office: Office, service_date: datetime.date) -> datetime.date:
    """The month of `service_date`, or the first month after it not closed for `office`."""
    month = first_of_month(service_date)
    closed = set(MonthClose.objects.filter(office=office, month__gte=month).values_list("month", flat=True))
    while month in closed:
        month = next_month(month)
    return month


def _lock_office(office: Office) -> None:
    # Closing a month locks the office too: a record is either in the frozen snapshot or
    # reported in a later month, never lost between the two (rule 10).
    list(Office.objects.select_for_update().filter(pk=office.pk).values_list("pk", flat=True))


@transaction.atomic
def post_record(
    *,
    volunteer: Volunteer,
    service: Service,
    minutes: int,
    kind: str,
    source_key: str,
    recorded_by: User | None,
    approved_by: User | None = None,
    reason: str = "",
) -> ServiceRecord:
    """Write one record. Posting the same source twice returns the first record."""
    existing = ServiceRecord.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    if minutes <= 0:
        raise ValidationError(_("Only time actually served is recorded."))
    if _overlaps_credited(volunteer, service.starts_at, service.ends_at):
        raise ValidationError(_("This overlaps another credited record of the same volunteer."))
    _lock_office(service.office)
    before = ServiceRecord.objects.filter(volunteer=volunteer).aggregate(total=Sum("minutes", default=0))["total"]
    record = ServiceRecord.objects.create(
        volunteer=volunteer,
        office=service.office,
        team=service.team,
        service_date=service.service_date,
        starts_at=service.starts_at,
        ends_at=service.ends_at,
        activity=service.activity,
        place=service.place,
        content=service.content,
        responsible_person=service.responsible_person,
        minutes=minutes,
        kind=kind,
        source_key=source_key,
        recorded_by=recorded_by,
        approved_by=approved_by,
        reason=reason,
        reported_month=reported_month_for(service.office, service.service_date),
    )
    # Rule 11: crossing a star threshold is told once, by the posting that crosses it.
    notify_new_star(volunteer, before, before + minutes)
    return record


@transaction.atomic
def correct_record(
    *, record: ServiceRecord, minutes: int, reason: str, by: User, approved_by: User | None = None
) -> tuple[ServiceRecord, ServiceRecord | None]:
    """Reverse a record and, unless the right value is 0, post the right value."""
    if not reason.strip():
        raise ValidationError(_("Say why the record is corrected."))
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if record.minutes <= 0 or ServiceRecord.objects.filter(reverses=record).exists():
        raise ValidationError(_("This record has already been corrected."))
    if minutes < 0 or (record.starts_at and record.ends_at and minutes > _length(record)):
        raise ValidationError(_("The corrected time must be between 0 and the scheduled length."))
    copied = {
        "volunteer": record.volunteer,
        "office": record.office,
        "team": record.team,
        "service_date": record.service_date,
        "starts_at": record.starts_at,
        "ends_at": record.ends_at,
        "activity": record.activity,
        "place": record.place,
        "content": record.content,
        "responsible_person": record.responsible_person,
    }
    _lock_office(record.office)
    reported_month = reported_month_for(record.office, record.service_date)
    reversal = ServiceRecord.objects.create(
        **copied,
        minutes=-record.minutes,
        kind=ServiceRecord.Kind.CORRECTION,
        reverses=record,
        reason=reason.strip(),
        source_key=f"reversal:{record.pk}",
        recorded_by=by,
        approved_by=approved_by,
        reported_month=reported_month,
    )
    replacement = None
    if minutes:
        replacement = ServiceRecord.objects.create(
            **copied,
            minutes=minutes,
            kind=ServiceRecord.Kind.CORRECTION,
            reason=reason.strip(),
            source_key=f"correction:{record.pk}",
            recorded_by=by,
            approved_by=approved_by,
            reported_month=reported_month,
        )
    return reversal, replacement


def scheduled_length(record: ServiceRecord) -> int | None:
    """Minutes between the record's start and end, when it has them."""
    if record.starts_at is None or record.ends_at is None:
        return None
    return _length(record)


def is_correctable(record: ServiceRecord) -> bool:
    """Positive and not yet reversed: what a correction may still act on."""
    return record.minutes > 0 and not ServiceRecord.objects.filter(reverses=record).exists()


def _length(record: ServiceRecord) -> int:
    return int((record.ends_at - record.starts_at).total_seconds() // 60)


def totals(volunteer: Volunteer, today: datetime.date | None = None) -> dict[str, int]:
    """All-time, this year and this month, in minutes, from the signed sum of records."""
    today = today or timezone.localdate()
    year_start, month_start = today.replace(month=1, day=1), today.replace(day=1)
    records = ServiceRecord.objects.filter(volunteer=volunteer)
    # Date ranges, not year/month extraction: they use the (volunteer, service_date) index.
    return records.aggregate(
        all_time=Sum("minutes", default=0),
        year=Sum("minutes", default=0, filter=Q(service_date__gte=year_start)),
        month=Sum("minutes", default=0, filter=Q(service_date__gte=month_start)),
    )
