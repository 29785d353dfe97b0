"""Writing the points ledger: points that follow the hours, good deeds, lapsing (DESIGN rule 20).

Every function here is one transaction. Entries are idempotent by `source_key`:
`hours:<service record id>` for points that follow an hours record (its reversal has its own
record, hence its own key), `deed:<id>`, `spend:<order id>`, `expiry:<account id>:<year>`.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from civic.models import GoodDeed, GoodDeedKind, Order, PointEntry, PointsAccount, PointsPolicy
from hours.models import ServiceRecord
from teams.models import Office
from volunteers.models import Volunteer


def accounts_for(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], PointsAccount]:
    """The accounts of (office id, volunteer id) pairs, opened where missing, in three queries."""
    pairs = set(pairs)
    if not pairs:
        return {}
    office_ids, volunteer_ids = {office for office, _v in pairs}, {volunteer for _o, volunteer in pairs}

    def existing():
        rows = PointsAccount.objects.filter(office_id__in=office_ids, volunteer_id__in=volunteer_ids)
        return {(account.office_id, account.volunteer_id): account for account in rows}

    found = existing()
    missing = pairs - found.keys()
    if missing:
        # A writer opening the same account at the same moment wins; ours is then read back.
        PointsAccount.objects.bulk_create(
            [PointsAccount(office_id=office, volunteer_id=volunteer) for office, volunteer in missing],
            ignore_conflicts=True,
        )
        found = existing()
    return {pair: found[pair] for pair in pairs}


def account_for(*, office: Office, volunteer: Volunteer) -> PointsAccount:
    return accounts_for([(office.pk, volunteer.pk)])[(office.pk, volunteer.pk)]


def lock_account(*, office: Office, volunteer: Volunteer) -> PointsAccount:
    """The account, locked until the transaction ends: every spending of it waits here."""
    account = account_for(office=office, volunteer=volunteer)
    return PointsAccount.objects.select_for_update().get(pk=account.pk)


def follow_hours(records: Sequence[ServiceRecord]) -> None:
    """Called by the hours ledger, inside its transaction, with the records it wrote.

    A credited record earns its office's points per hour. A reversal takes back what the
    reversed record earned (whatever the rules say now), and nothing if it earned none, but
    never what has lapsed of it (`_unlapsed`). A correction's replacement earns at most what
    its reversal took back, scaled by new minutes / old minutes (rounded down): correcting a
    record from before the rules, or after the rate went up, creates no points.
    """
    entries = []
    taken_back: dict[int, int] = {}  # reversed record id -> points its reversal took back
    reversals = [record for record in records if record.reverses_id is not None]
    if reversals:
        earned = {
            entry.service_record_id: entry
            for entry in PointEntry.objects.filter(source_key__in=[f"hours:{r.reverses_id}" for r in reversals])
        }
        for record in reversals:
            entry = earned.get(record.reverses_id)
            taken = _unlapsed(entry) if entry is not None else 0
            taken_back[record.reverses_id] = taken
            if taken:
                entries.append(
                    PointEntry(
                        account_id=entry.account_id,
                        points=-taken,
                        kind=entry.kind,
                        earned_on=entry.earned_on,
                        reverses=entry,
                        source_key=f"hours:{record.pk}",
                        service_record=record,
                        note=entry.note,
                        recorded_by=record.recorded_by,
                    )
                )
    credited = [record for record in records if record.minutes > 0]
    if credited:
        policies = {
            policy.office_id: policy
            for policy in PointsPolicy.objects.filter(office_id__in={record.office_id for record in credited})
        }
        earning = [
            (record, min(policies[record.office_id].points_for(record.minutes), _replacement_cap(record, taken_back)))
            for record in credited
            if record.office_id in policies
        ]
        earning = [(record, points) for record, points in earning if points > 0]
        accounts = accounts_for((record.office_id, record.volunteer_id) for record, _points in earning)
        entries += [
            PointEntry(
                account=accounts[(record.office_id, record.volunteer_id)],
                points=points,
                kind=PointEntry.Kind.HOURS,
                earned_on=record.service_date,
                source_key=f"hours:{record.pk}",
                service_record=record,
                note=record.activity[:200],
                recorded_by=record.recorded_by,
            )
            for record, points in earning
        ]
    # No ignore_conflicts: every record is told once, so a clash is a bug to hear about.
    PointEntry.objects.bulk_create(entries)


def _replacement_cap(record: ServiceRecord, taken_back: dict[int, int]) -> int:
    """What a correction's replacement may earn at most; no cap for any other record."""
    prefix, _sep, replaced = record.source_key.partition(":")
    if prefix != "correction" or not replaced.isdigit():
        return record.minutes * 10**6
    replaced_record = ServiceRecord.objects.get(pk=int(replaced))
    if int(replaced) not in taken_back:
        entry = PointEntry.objects.filter(source_key=f"hours:{replaced}").first()
        taken_back[int(replaced)] = entry.points if entry is not None else 0
    return taken_back[int(replaced)] * record.minutes // replaced_record.minutes


def _unlapsed(entry: PointEntry) -> int:
    """What is still unlapsed of an earning entry, hence what a reversal may take back.

    The rule: before any lapse covers the entry (an expiry of a year after the one it was
    earned in), all of it. After, spending and lapsing use the oldest points first (as
    `lapsing_points` counts them), so what is left of the entry is its points less what that
    use reached past the earnings older than it; the rest has lapsed or been spent in a way
    a lapse then accounted for, and is not taken a second time.
    """
    entries = PointEntry.objects.filter(account_id=entry.account_id)
    if not entries.filter(kind=PointEntry.Kind.EXPIRY, earned_on__year__gt=entry.earned_on.year).exists():
        return entry.points
    older = Q(earned_on__lt=entry.earned_on) | Q(earned_on=entry.earned_on, pk__lt=entry.pk)
    sums = entries.aggregate(
        older=Sum("points", filter=older & Q(kind__in=[PointEntry.Kind.HOURS, PointEntry.Kind.DEED]), default=0),
        used=Sum("points", filter=Q(kind__in=[PointEntry.Kind.SPEND, PointEntry.Kind.EXPIRY]), default=0),
    )
    left = sums["older"] + entry.points + sums["used"]
    return max(0, min(entry.points, left))


# ---------------------------------------------------------------- rules


@transaction.atomic
def save_policy(*, office: Office, points_per_hour: int, expires_yearly: bool) -> PointsPolicy:
    """Applies to hours posted from now on; points already posted stay as they are."""
    policy, _created = PointsPolicy.objects.update_or_create(
        office=office, defaults={"points_per_hour": points_per_hour, "expires_yearly": expires_yearly}
    )
    return policy


@transaction.atomic
def add_deed_kind(*, office: Office, name: str, points: int) -> GoodDeedKind:
    kind = GoodDeedKind(office=office, name=name.strip(), points=points)
    kind.full_clean()
    kind.save()
    return kind


# ---------------------------------------------------------------- good deeds


@transaction.atomic
def record_deed(
    *, office: Office, volunteer: Volunteer, kind: GoodDeedKind, done_on: datetime.date, note: str, by: User
) -> GoodDeed:
    """Written down by one person; the points wait for a second person's confirmation."""
    if kind.office_id != office.pk or not kind.is_active:
        raise ValidationError(_("Choose a good deed from the office's list."))
    if done_on > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    return GoodDeed.objects.create(
        office=office,
        volunteer=volunteer,
        kind=kind,
        points=kind.points,
        done_on=done_on,
        note=note.strip(),
        requested_by=by,
    )


@transaction.atomic
def decide_deed(*, deed: GoodDeed, approved: bool, by: User, note: str = "") -> GoodDeed:
    """A second person confirms (the points post) or refuses; never the one who recorded it,
    nor the one it credits."""
    deed = GoodDeed.objects.select_for_update().select_related("volunteer").get(pk=deed.pk)
    if deed.state != GoodDeed.State.PENDING:
        raise ValidationError(_("This good deed has already been decided."))
    # Neither the one who recorded it nor the one it credits (as hours/requests.py refuses).
    if by.pk in (deed.requested_by_id, deed.volunteer.user_id):
        raise ValidationError(_("A second person confirms a good deed: not the one who recorded it."))
    deed.record_decision(approved=approved, by=by, note=note)
    if approved:
        PointEntry.objects.create(
            account=account_for(office=deed.office, volunteer=deed.volunteer),
            points=deed.points,
            kind=PointEntry.Kind.DEED,
            earned_on=deed.done_on,
            source_key=f"deed:{deed.pk}",
            note=deed.kind.name,
            recorded_by=by,
        )
    return deed


# ---------------------------------------------------------------- lapsing


def lapsing_points(account: PointsAccount, year: int) -> int:
    """Points earned up to the end of `year - 1` that nothing has used yet: spending, holding
    and lapsing use the oldest points first, so what is left of those old earnings lapses."""
    earned_before = Q(
        kind__in=[PointEntry.Kind.HOURS, PointEntry.Kind.DEED], earned_on__lte=datetime.date(year - 1, 12, 31)
    )
    used = Q(kind__in=[PointEntry.Kind.SPEND, PointEntry.Kind.EXPIRY])
    sums = account.entries.aggregate(
        earned=Sum("points", filter=earned_before, default=0), used=Sum("points", filter=used, default=0)
    )
    return max(0, sums["earned"] + sums["used"] - account.held())


@transaction.atomic
def lapse_points(*, office: Office, year: int) -> int:
    """At the end of `year`, points earned before it and still unused lapse (the office's
    rules permitting). Run it again and nothing more lapses. Returns the accounts touched."""
    policy = PointsPolicy.objects.filter(office=office, expires_yearly=True).first()
    if policy is None:
        return 0
    touched = 0
    for account in PointsAccount.objects.select_for_update().filter(office=office).order_by("pk"):
        points = lapsing_points(account, year)
        source_key = f"expiry:{account.pk}:{year}"
        if points and not PointEntry.objects.filter(source_key=source_key).exists():
            PointEntry.objects.create(
                account=account,
                points=-points,
                kind=PointEntry.Kind.EXPIRY,
                earned_on=datetime.date(year, 12, 31),
                source_key=source_key,
            )
            touched += 1
    return touched


def spend_entry(order: Order, by: User) -> PointEntry:
    return PointEntry.objects.create(
        account_id=order.account_id,
        points=-order.price,
        kind=PointEntry.Kind.SPEND,
        earned_on=timezone.localdate(),
        source_key=f"spend:{order.pk}",
        note=order.item.name,
        recorded_by=by,
    )
