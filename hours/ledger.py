"""The service-hours ledger: the only way records are written (DESIGN rules 5, 7–10).

Records are never changed. Posting is idempotent by `source_key`; a correction
reverses a record and posts the right value, saying who, when and why. Each record
is reported in the month of its service date, or in the next open month when that
month is already closed for the office (rule 10); the month is fixed at insert.

`post_record` writes one record; `post_records` writes a batch with the same rules
(it is what `post_record` runs) in a fixed number of queries, plus one per volunteer
for the star thresholds and one per star told.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from hours.models import MonthClose, ServiceRecord, intervals_to_json
from hours.months import first_of_month, next_month
from hours.recognition import notify_new_star
from hours.stars import thresholds_for
from hours.units import hours
from teams.models import Office, Team
from volunteers.models import Volunteer
from volunteers.selectors import home_offices_of

# Apps above the ledger that keep something in step with it (civic's points follow the
# hours) register here: the ledger calls them inside its transaction with the records it
# has just written, reversals included, so both commit or neither does. The ledger
# imports none of them (DESIGN: imports flow one way).
RecordsWritten = Callable[[Sequence[ServiceRecord]], None]
_after_records_written: list[RecordsWritten] = []


def after_records_written(callback: RecordsWritten) -> RecordsWritten:
    """Call `callback(records)` whenever the ledger writes records (usable as a decorator)."""
    if callback not in _after_records_written:
        _after_records_written.append(callback)
    return callback


def _tell_written(records: Sequence[ServiceRecord]) -> None:
    if records:
        for callback in _after_records_written:
            callback(records)


@dataclass(frozen=True)
class Service:
    """What was served: the ledger's own copy, independent of where it came from."""

    office: Office
    team: Team | None
    service_date: datetime.date
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    activity: str
    break_minutes: int = 0  # rest and meals between the two (rule 6): not service time
    # The (from, to) intervals actually served, when known (rule 5 judges by these).
    served: tuple[tuple[datetime.datetime, datetime.datetime], ...] = ()
    place: str = ""
    content: str = ""
    responsible_person: str = ""


@dataclass(frozen=True)
class Posting:
    """One record to write, as `post_record` takes it, for a batch to `post_records`."""

    volunteer: Volunteer
    service: Service
    minutes: int
    kind: str
    source_key: str
    recorded_by: User | None
    approved_by: User | None = None
    reason: str = ""


def _credited_records():
    reversed_ = ServiceRecord.objects.filter(reverses=OuterRef("pk"))
    return ServiceRecord.objects.filter(minutes__gt=0).exclude(Exists(reversed_))


def credited(volunteer: Volunteer):
    """Records that still count: not reversed, positive."""
    return _credited_records().filter(volunteer=volunteer)


@dataclass(frozen=True)
class Credited:
    """What the ledger holds of a volunteer around some time: the time taken (rule 5) and
    the minutes per service date (rule 4)."""

    intervals: list[tuple[datetime.datetime, datetime.datetime, str]]
    minutes_by_day: dict[datetime.date, int]


def credited_around(volunteer_id: int, starts_at: datetime.datetime, ends_at: datetime.datetime) -> Credited:
    """The volunteer's credited records from a day before `starts_at` to a day after `ends_at`."""
    window = datetime.timedelta(days=1)
    records = _credited_records().filter(
        volunteer_id=volunteer_id,
        service_date__gte=timezone.localdate(starts_at - window),
        service_date__lte=timezone.localdate(ends_at + window),
    )
    intervals, minutes_by_day = [], {}
    for record in records.only("service_date", "starts_at", "ends_at", "served", "activity", "minutes"):
        intervals += [(start, end, record.activity) for start, end in record.served_intervals]
        minutes_by_day[record.service_date] = minutes_by_day.get(record.service_date, 0) + record.minutes
    return Credited(intervals, minutes_by_day)


def _first_open_month(service_date: datetime.date, closed: set[datetime.date]) -> datetime.date:
    month = first_of_month(service_date)
    while month in closed:
        month = next_month(month)
    return month


def reported_month_for(office: Office, service_date: datetime.date) -> datetime.date:
    """The month of `service_date`, or the first month after it not closed for `office`."""
    month = first_of_month(service_date)
    closed = set(MonthClose.objects.filter(office=office, month__gte=month).values_list("month", flat=True))
    return _first_open_month(service_date, closed)


def _lock_offices(office_ids: Iterable[int]) -> None:
    # Closing a month locks the office too: a record is either in the frozen snapshot or
    # reported in a later month, never lost between the two (rule 10). Offices are locked
    # in pk order and after the volunteers, so two writers never wait on each other crosswise.
    list(Office.objects.select_for_update().filter(pk__in=set(office_ids)).order_by("pk").values_list("pk", flat=True))


def _lock_volunteers(volunteer_ids: Iterable[int]) -> None:
    # Rule 5 is checked against the volunteer's credited records: two batches of different
    # offices posting one person at the same moment must not both miss each other. The
    # lock order everywhere is shift, volunteers (in pk order), attendance, offices: a scan
    # locks its volunteer before the attendances it works out again.
    locked = Volunteer.objects.select_for_update().filter(pk__in=set(volunteer_ids)).order_by("pk")
    list(locked.values_list("pk", flat=True))


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
    posting = Posting(volunteer, service, minutes, kind, source_key, recorded_by, approved_by, reason)
    (result,) = post_records([posting])
    if isinstance(result, ValidationError):
        raise result
    return result


@transaction.atomic
def post_records(postings: Sequence[Posting]) -> list[ServiceRecord | ValidationError]:
    """Write a batch of records in one transaction, each posting judged in order as if
    posted alone, earlier postings of the batch included: a source already posted gives
    its first record; only time actually served is recorded; a posting that overlaps a
    credited record of the same volunteer is refused (rule 5); each record is reported in
    its month (rule 10); a star threshold is told by the posting that crosses it (rule 11).

    Returns, in the order of `postings`, the record or the ValidationError that refused
    the posting; refused postings write nothing, the others are written all the same.
    The batch's `source_key__in` and `volunteer__in` lists are bound parameters: keep a
    batch to a few thousand postings.
    """
    writable = [posting for posting in postings if posting.minutes > 0]
    if writable:
        _lock_volunteers(posting.volunteer.pk for posting in writable)
        _lock_offices(posting.service.office.pk for posting in writable)
    # Read under the locks: a batch posting the same source at the same moment has
    # either committed its record, which is found here, or waits for this one.
    by_key = {
        record.source_key: record
        for record in ServiceRecord.objects.filter(source_key__in={posting.source_key for posting in postings})
    }
    fresh = [posting for posting in writable if posting.source_key not in by_key]
    busy = _credited_intervals_of(fresh)
    closed = _closed_months_of(fresh)
    results: list[ServiceRecord | ValidationError] = []
    written: list[tuple[Posting, ServiceRecord]] = []
    for posting in postings:
        existing = by_key.get(posting.source_key)
        if existing is not None:
            results.append(existing)
            continue
        if posting.minutes <= 0:
            results.append(ValidationError(_("Only time actually served is recorded.")))
            continue
        service = posting.service
        taken = _served_by(service)
        if taken:
            intervals = busy.setdefault(posting.volunteer.pk, [])
            if any(
                start < other_end and other_start < end for start, end in taken for other_start, other_end in intervals
            ):
                results.append(ValidationError(_("This overlaps another credited record of the same volunteer.")))
                continue
            intervals += taken
        record = ServiceRecord(
            volunteer=posting.volunteer,
            office=service.office,
            team=service.team,
            service_date=service.service_date,
            starts_at=service.starts_at,
            ends_at=service.ends_at,
            break_minutes=service.break_minutes,
            served=intervals_to_json(service.served),
            activity=service.activity,
            place=service.place,
            content=service.content,
            responsible_person=service.responsible_person,
            minutes=posting.minutes,
            kind=posting.kind,
            source_key=posting.source_key,
            recorded_by=posting.recorded_by,
            approved_by=posting.approved_by,
            reason=posting.reason,
            reported_month=_first_open_month(service.service_date, closed.get(service.office.pk, set())),
        )
        by_key[posting.source_key] = record
        results.append(record)
        written.append((posting, record))
    _insert([record for _posting, record in written])
    _tell_new_stars(written)
    _tell_written([record for _posting, record in written])
    return results


def _insert(records: list[ServiceRecord]) -> None:
    # Callers link the records (an attendance's posted record): they need their keys,
    # which a bulk insert only gives back where the database returns inserted rows
    # (PostgreSQL; SQLite from 3.35).
    if connections[ServiceRecord.objects.db].features.can_return_rows_from_bulk_insert:
        ServiceRecord.objects.bulk_create(records)
    else:
        for record in records:
            record.save()


def _credited_intervals_of(postings: Sequence[Posting]) -> dict[int, list[tuple[datetime.datetime, datetime.datetime]]]:
    """The credited (from, to) intervals of the postings' volunteers within the batch's time span (rule 5)."""
    timed = [
        posting for posting in postings if posting.service.starts_at is not None and posting.service.ends_at is not None
    ]
    busy: dict[int, list] = {}
    if not timed:
        return busy
    records = _credited_records().filter(
        volunteer_id__in={posting.volunteer.pk for posting in timed},
        starts_at__lt=max(posting.service.ends_at for posting in timed),
        ends_at__gt=min(posting.service.starts_at for posting in timed),
    )
    for record in records.only("volunteer_id", "starts_at", "ends_at", "served"):
        busy.setdefault(record.volunteer_id, []).extend(record.served_intervals)
    return busy


def _served_by(service: Service) -> list[tuple[datetime.datetime, datetime.datetime]]:
    if service.served:
        return list(service.served)
    if service.starts_at is None or service.ends_at is None:
        return []
    return [(service.starts_at, service.ends_at)]


def _closed_months_of(postings: Sequence[Posting]) -> dict[int, set[datetime.date]]:
    """Per office of the postings, its closed months from the earliest service month on."""
    closed: dict[int, set[datetime.date]] = {}
    if not postings:
        return closed
    rows = MonthClose.objects.filter(
        office_id__in={posting.service.office.pk for posting in postings},
        month__gte=first_of_month(min(posting.service.service_date for posting in postings)),
    ).values_list("office_id", "month")
    for office_id, month in rows:
        closed.setdefault(office_id, set()).add(month)
    return closed


def _tell_new_stars(written: Sequence[tuple[Posting, ServiceRecord]]) -> None:
    """Rule 11: crossing a star threshold is told once, by the posting that crosses it."""
    if not written:
        return
    volunteers = {posting.volunteer.pk: posting.volunteer for posting, _record in written}
    running = dict(
        ServiceRecord.objects.filter(volunteer_id__in=volunteers)
        .order_by()
        .values_list("volunteer_id")
        .annotate(total=Sum("minutes"))
    )
    # The totals above include the batch: go back to where it started.
    for _posting, record in written:
        running[record.volunteer_id] -= record.minutes
    thresholds = {pk: thresholds_for(office) for pk, office in home_offices_of(volunteers.values()).items()}
    for posting, record in written:
        before = running[record.volunteer_id]
        running[record.volunteer_id] = before + record.minutes
        notify_new_star(posting.volunteer, before, before + record.minutes, thresholds[record.volunteer_id])


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
    check_units(minutes, record.team, scheduled_length(record))
    copied = {
        "volunteer": record.volunteer,
        "office": record.office,
        "team": record.team,
        "service_date": record.service_date,
        "starts_at": record.starts_at,
        "ends_at": record.ends_at,
        "break_minutes": record.break_minutes,
        "served": record.served,
        "activity": record.activity,
        "place": record.place,
        "content": record.content,
        "responsible_person": record.responsible_person,
    }
    _lock_offices([record.office_id])
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
    _tell_written([reversal] if replacement is None else [reversal, replacement])
    return reversal, replacement


def check_units(minutes: int, team: Team | None, length: int | None) -> None:
    """Time typed by hand (a backfill, a correction) follows the team's unit as credited
    time does (rule 1): whole units, or the whole scheduled length when that is shorter than
    one unit. Refused, never rounded behind the person's back."""
    unit = team.rounding_minutes if team is not None else 1
    if minutes % unit == 0 or (length is not None and minutes == length < unit):
        return
    lower = minutes - minutes % unit
    raise ValidationError(
        _("Give the time in steps of %(unit)d minutes, the team's unit: %(lower)s h or %(upper)s h.")
        % {"unit": unit, "lower": hours(lower), "upper": hours(lower + unit)}
    )


def scheduled_length(record: ServiceRecord) -> int | None:
    """Minutes between the record's start and end less its break (rule 6), when it has them."""
    if record.starts_at is None or record.ends_at is None:
        return None
    return _length(record)


def is_correctable(record: ServiceRecord) -> bool:
    """Positive and not yet reversed: what a correction may still act on."""
    return record.minutes > 0 and not ServiceRecord.objects.filter(reverses=record).exists()


def _length(record: ServiceRecord) -> int:
    return int((record.ends_at - record.starts_at).total_seconds() // 60) - record.break_minutes


def totals(volunteer: Volunteer, today: datetime.date | None = None) -> dict[str, int]:
    """All-time, this year and this month, in minutes, from the signed sum of records."""
    today = today or timezone.localdate()
    year_start, month_start = today.replace(month=1, day=1), first_of_month(today)
    records = ServiceRecord.objects.filter(volunteer=volunteer)
    # Date ranges, not year/month extraction: they use the (volunteer, service_date) index.
    return records.aggregate(
        all_time=Sum("minutes", default=0),
        year=Sum("minutes", default=0, filter=Q(service_date__gte=year_start)),
        month=Sum("minutes", default=0, filter=Q(service_date__gte=month_start)),
    )
