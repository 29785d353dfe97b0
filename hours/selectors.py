from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT

from accounts.models import User
from hours.models import BackfillRequest, CorrectionRequest, MonthClose, ServiceRecord
from teams.models import Team
from teams.permissions import offices_managed_by, teams_run_by
from volunteers.models import Volunteer


def hours_records_for(volunteer: Volunteer) -> QuerySet[ServiceRecord]:
    """My records, newest first, with what each row's labels need (no query per row)."""
    return (
        ServiceRecord.objects.filter(volunteer=volunteer)
        .select_related("team")
        .annotate(
            is_reversed=Exists(ServiceRecord.objects.filter(reverses=OuterRef("pk"))),
            correction_pending=Exists(
                CorrectionRequest.objects.filter(record=OuterRef("pk"), state=CorrectionRequest.State.PENDING)
            ),
        )
        .order_by("-service_date", "-pk")
    )


def records_within_reach(viewer: User, volunteer: Volunteer) -> QuerySet[ServiceRecord]:
    """The volunteer's records the viewer acts on: of the offices they manage, of the teams they run."""
    reach = Q(office__in=offices_managed_by(viewer)) | Q(team__in=teams_run_by(viewer))
    return hours_records_for(volunteer).filter(reach).select_related("office")


def correction_requests_of(volunteer: Volunteer) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(record__volunteer=volunteer).select_related("record")


def pending_corrections_for(user: User) -> QuerySet[CorrectionRequest]:
    return (
        CorrectionRequest.objects.filter(
            state=CorrectionRequest.State.PENDING, record__office__in=offices_managed_by(user)
        )
        .select_related("record__volunteer", "record__team", "record__office")
        .order_by("requested_at", "pk")
    )


def pending_backfills_for(user: User) -> QuerySet[BackfillRequest]:
    return (
        BackfillRequest.objects.filter(state=BackfillRequest.State.PENDING, office__in=offices_managed_by(user))
        .select_related("volunteer", "team", "office", "requested_by__volunteer")
        .order_by("requested_at", "pk")
    )


def backfills_of_team(team: Team) -> QuerySet[BackfillRequest]:
    return BackfillRequest.objects.filter(team=team).select_related("volunteer", "decided_by__volunteer")


def month_closes_for(user: User) -> QuerySet[MonthClose]:
    return (
        MonthClose.objects.filter(office__in=offices_managed_by(user))
        .select_related("office", "closed_by__volunteer")
        # A street office's snapshot can be large: the list reads two numbers out of it.
        .defer("snapshot")
        .annotate(volunteer_count=KT("snapshot__volunteers"), total_minutes=KT("snapshot__total_minutes"))
    )


def credited_minutes_by_source(source_keys: Iterable[str]) -> dict[str, int]:
    """What the ledger credits now for each source (the record posted under that key, e.g.
    an attendance's): its minutes, plus its correction's reversal and replacement (keyed
    reversal:<pk> and correction:<pk> by ledger.correct_record), and so on when a replacement
    is corrected in turn. A source with no record credits 0. One query for the sources and one
    per depth of corrections, whatever the number of keys."""
    credited = dict.fromkeys(source_keys, 0)
    records = ServiceRecord.objects.filter(source_key__in=credited).values_list("pk", "source_key", "minutes")
    source_of = {}
    for pk, key, minutes in records:
        credited[key] += minutes
        source_of[pk] = key
    while source_of:
        correction_keys = {
            f"{kind}:{pk}": source for pk, source in source_of.items() for kind in ("reversal", "correction")
        }
        corrections = ServiceRecord.objects.filter(source_key__in=correction_keys).values_list(
            "pk", "source_key", "minutes"
        )
        source_of = {}
        for pk, key, minutes in corrections:
            credited[correction_keys[key]] += minutes
            if key.startswith("correction:"):
                source_of[pk] = correction_keys[key]
    return credited


def credited_per_group(sources: Iterable[tuple[object, str]]) -> dict[object, tuple[int, int]]:
    """(people credited, minutes credited) per group, from (group, source key) pairs: e.g. the
    attendances of each shift, or the takers of each request. A source counts as a person
    when the ledger credits it more than nothing."""
    sources = list(sources)
    credited = credited_minutes_by_source(key for _group, key in sources)
    totals: dict[object, tuple[int, int]] = {}
    for group, key in sources:
        people, minutes = totals.get(group, (0, 0))
        totals[group] = (people + (credited[key] > 0), minutes + credited[key])
    return totals
