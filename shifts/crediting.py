"""How scans become credited minutes (DESIGN rules 1–6). Pure functions: no database.

1. Credited minutes = the time served in in/out pairs inside the scheduled time, never
   more than the scheduled length, rounded down to the team's unit; a fully attended
   shift shorter than the unit credits its length.
   The result follows from the *set* of reads, never from the order or batches they
   arrived in. Reads are taken in time order (reads at the same moment by their
   phone-made ids); an automatic read (kind "auto") is a check-in when the person is
   out, a check-out when in, and a repeat when it comes within the team's repeat window
   of the read before it (an older volunteer showing the card twice). An automatic read
   after the end while out is a check-out with no sign-in. Chosen kinds ("in", "out",
   from the leader's scanner mode or marks) count as chosen.
   The leader's mend, when there is one, is the latest word: its sign-in and sign-out
   times stand for all the reads, which stay as they were.
2. Check-in is accepted from `checkin_opens` before the start until the end;
   check-out until `checkout_closes` after the end.
3. A check-in without a check-out is "not signed out": credited 0, for the leader; a
   check-out without a check-in is "no sign-in", also credited 0.
4. Below 60% of the scheduled length, or a calendar day above 8 hours of time that can
   be posted, goes to review; an overnight shift counts each part on its own day.
5. Two credited records of one volunteer may not overlap: time already credited
   elsewhere is taken out (the free part is credited) and the overlap goes to review,
   naming the other service. Among a volunteer's attendances not yet in the ledger, the
   one that starts first keeps the shared time; a record already in the ledger always
   keeps it. `credit_volunteer` works out all of a volunteer's attendances together, so
   which one yields does not depend on which phone synced first.
6. Rest and meals are not service time: the break is taken out of every pair and of
   the scheduled length. Meetings and duty are not volunteer service: they keep
   attendance (late, left early, not signed out) but credit nothing and need no review.
   Travel is outside the scheduled time already (rule 1).
"""

import datetime
import enum
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from hours.units import LONG_DAY_MINUTES

SHORT_SHARE = 0.6
# Arriving this much after the start is "late"; leaving this much before the end, "left early".
LATENESS_GRACE = datetime.timedelta(minutes=10)
ZERO = datetime.timedelta(0)

IN, OUT, AUTO = "in", "out", "auto"


class Review(enum.StrEnum):
    NOT_SIGNED_OUT = "not_signed_out"
    NO_SIGN_IN = "no_sign_in"
    SHORT = "short"
    LONG_DAY = "long_day"
    OVERLAP = "overlap"
    AWAITING_OFFICE = "awaiting_office"  # entered by hand after the fact (rule 8)


class Effect(enum.StrEnum):
    """What one read does, among all of the person's reads."""

    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    ALREADY_IN = "already_in"
    REPEAT = "repeat"


@dataclass(frozen=True)
class Schedule:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    unit_minutes: int = 30
    checkin_opens: datetime.timedelta = datetime.timedelta(minutes=30)
    checkout_closes: datetime.timedelta = datetime.timedelta(minutes=60)
    # Inside [starts_at, ends_at], or both None (Shift's constraint).
    break_starts_at: datetime.datetime | None = None
    break_ends_at: datetime.datetime | None = None
    is_service: bool = True
    repeat_window: datetime.timedelta = datetime.timedelta(minutes=5)

    @property
    def minutes(self) -> int:
        """The scheduled length net of the break: the cap of rule 1, the base of rule 4's share."""
        return int((self.ends_at - self.starts_at - self.break_length).total_seconds() // 60)

    @property
    def break_length(self) -> datetime.timedelta:
        if self.break_starts_at is None or self.break_ends_at is None:
            return ZERO
        return self.break_ends_at - self.break_starts_at

    def served(self, checked_in: datetime.datetime, checked_out: datetime.datetime) -> list["Interval"]:
        """The service time in one in/out pair: clipped to the schedule, the break taken out."""
        start, end = max(checked_in, self.starts_at), min(checked_out, self.ends_at)
        if end <= start:
            return []
        if self.break_starts_at is None or self.break_ends_at is None:
            return [(start, end)]
        return [
            part
            for part in ((start, min(end, self.break_starts_at)), (max(start, self.break_ends_at), end))
            if part[0] < part[1]
        ]

    @property
    def checkin_from(self) -> datetime.datetime:
        return self.starts_at - self.checkin_opens

    @property
    def checkout_until(self) -> datetime.datetime:
        return self.ends_at + self.checkout_closes

    def accepts_checkin(self, at: datetime.datetime) -> bool:
        return self.checkin_from <= at <= self.ends_at

    def accepts_checkout(self, at: datetime.datetime) -> bool:
        return self.checkin_from <= at <= self.checkout_until

    def accepts_read(self, at: datetime.datetime) -> bool:
        """An automatic read may turn out either kind: it is taken while either is accepted."""
        return self.accepts_checkout(at)


Interval = tuple[datetime.datetime, datetime.datetime]


@dataclass(frozen=True)
class Read:
    """One scan or mark: its kind as sent ("in", "out" or "auto"), when, and the id its phone gave it."""

    kind: str
    at: datetime.datetime
    key: str = ""


@dataclass(frozen=True)
class Mend:
    """The leader's own sign-in and sign-out times for a person: either may be cleared."""

    checked_in: datetime.datetime | None
    checked_out: datetime.datetime | None


@dataclass(frozen=True)
class Busy:
    """Time credited elsewhere, and what it was, to name in an overlap."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    activity: str = ""


@dataclass(frozen=True)
class Pair:
    checked_in: datetime.datetime
    checked_out: datetime.datetime | None


@dataclass
class Credit:
    minutes: int
    pairs: list[Pair]
    not_signed_out: bool
    late: bool
    left_early: bool
    review: list[Review] = field(default_factory=list)
    no_sign_in: bool = False
    # The time served that this credit stands for, in time order: the break and time
    # credited elsewhere taken out (rule 5). The minutes are these, capped and rounded.
    served: list[Interval] = field(default_factory=list)
    overlaps: list[Busy] = field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        return bool(self.review)


def in_order(reads: Iterable[Read]) -> list[Read]:
    # Never arrival order: two reads at the same moment go by their phone-made ids.
    return sorted(reads, key=lambda read: (read.at, read.key, read.kind))


def resolve(reads: Iterable[Read], schedule: Schedule) -> list[tuple[Read, Effect]]:
    """Each read with what it does, in time order."""
    resolved = []
    open_since: datetime.datetime | None = None
    previous: datetime.datetime | None = None
    for read in in_order(reads):
        kind = read.kind
        if kind == AUTO:
            if previous is not None and read.at - previous < schedule.repeat_window:
                kind = None
            elif open_since is None and read.at > schedule.ends_at:
                kind = OUT  # after the end: leaving, though the sign-in is missing
            else:
                kind = OUT if open_since is not None else IN
        previous = read.at
        if kind is None:
            effect = Effect.REPEAT
        elif kind == IN:
            effect = Effect.ALREADY_IN if open_since is not None else Effect.CHECKED_IN
            open_since = open_since or read.at
        else:
            effect = Effect.CHECKED_OUT
            open_since = None
        resolved.append((read, effect))
    return resolved


def pair_up(reads: Iterable[Read], schedule: Schedule) -> tuple[list[Pair], bool]:
    """The in/out pairs the reads make, and whether a check-out came with nothing to close."""
    pairs: list[Pair] = []
    open_since: datetime.datetime | None = None
    lone_out = False
    for read, effect in resolve(reads, schedule):
        if effect == Effect.CHECKED_IN:
            open_since = read.at
        elif effect == Effect.CHECKED_OUT:
            if open_since is None:
                lone_out = True
            else:
                pairs.append(Pair(open_since, read.at))
                open_since = None
    if open_since is not None:
        pairs.append(Pair(open_since, None))
    return pairs, lone_out


def pairs_of(reads: Iterable[Read], schedule: Schedule, mend: "Mend | None" = None) -> tuple[list[Pair], bool]:
    """As `pair_up`, unless the leader mended the times: then the mend's one pair."""
    if mend is None:
        return pair_up(reads, schedule)
    if mend.checked_in is None:
        return [], mend.checked_out is not None
    return [Pair(mend.checked_in, mend.checked_out)], False


def _minus(intervals: Sequence[Interval], busy: Sequence[Busy]) -> tuple[list[Interval], list[Busy]]:
    """The intervals with the busy time taken out, and the busy entries that took any."""
    free = list(intervals)
    hit: list[Busy] = []
    for other in sorted(busy, key=lambda entry: (entry.starts_at, entry.ends_at, entry.activity)):
        remaining = []
        for start, end in free:
            if other.ends_at <= start or end <= other.starts_at:
                remaining.append((start, end))
                continue
            if other not in hit:
                hit.append(other)
            remaining += [part for part in ((start, other.starts_at), (other.ends_at, end)) if part[0] < part[1]]
        free = remaining
    return sorted(free), hit


def _length(intervals: Iterable[Interval]) -> datetime.timedelta:
    return sum((end - start for start, end in intervals), ZERO)


def credit(reads: Iterable[Read], schedule: Schedule, *, mend: Mend | None = None, busy: Sequence[Busy] = ()) -> Credit:
    """What one volunteer is credited for one shift, and what needs the leader's eye,
    leaving the day's total (rule 4's eight hours) to `credit_volunteer`.

    `busy`: the volunteer's time credited elsewhere (rule 5).
    """
    pairs, lone_out = pairs_of(reads, schedule, mend)
    not_signed_out = any(pair.checked_out is None for pair in pairs)
    no_sign_in = lone_out and not pairs
    served = sorted(part for pair in pairs if pair.checked_out is not None for part in schedule.served(*_closed(pair)))
    free, overlaps = _minus(served, busy if schedule.is_service else ())
    minutes = 0 if not_signed_out else _rounded(int(_length(free).total_seconds() // 60), schedule)
    late = bool(pairs) and pairs[0].checked_in > schedule.starts_at + LATENESS_GRACE
    last_out = pairs[-1].checked_out if pairs else None
    left_early = last_out is not None and last_out < schedule.ends_at - LATENESS_GRACE
    if not schedule.is_service:
        # Rule 6: a meeting or duty credits nothing, so there is nothing for the leader to check.
        return Credit(0, pairs, not_signed_out, late, left_early, no_sign_in=no_sign_in)
    review = []
    if not_signed_out:
        review.append(Review.NOT_SIGNED_OUT)
    elif no_sign_in:
        review.append(Review.NO_SIGN_IN)
    elif pairs and minutes < SHORT_SHARE * schedule.minutes:
        review.append(Review.SHORT)
    if overlaps:
        review.append(Review.OVERLAP)
    return Credit(
        minutes, pairs, not_signed_out, late, left_early, review, no_sign_in, free if minutes else [], overlaps
    )


def _closed(pair: Pair) -> Interval:
    assert pair.checked_out is not None
    return pair.checked_in, pair.checked_out


def _rounded(served_minutes: int, schedule: Schedule) -> int:
    length = schedule.minutes
    if length < schedule.unit_minutes:
        # A shift shorter than the unit: all of it, or (like any part of a unit) nothing.
        return length if served_minutes >= length else 0
    served_minutes = min(served_minutes, length)
    return served_minutes - served_minutes % schedule.unit_minutes


@dataclass(frozen=True)
class Attending:
    """One of a volunteer's attendances not yet in the ledger, as crediting sees it."""

    ident: Hashable
    schedule: Schedule
    reads: tuple[Read, ...]
    mend: Mend | None = None
    activity: str = ""
    # Orders attendances of the same times: the shift's key, made before any scan.
    tiebreak: int = 0


def credit_volunteer(
    attendings: Sequence[Attending],
    *,
    posted: Sequence[Busy] = (),
    posted_minutes_by_day: dict[datetime.date, int] | None = None,
    tz: datetime.tzinfo = datetime.UTC,
) -> dict[Hashable, Credit]:
    """All of a volunteer's attendances not yet in the ledger, worked out together (rules 4, 5).

    `posted`: the volunteer's time credited in the ledger; `posted_minutes_by_day` its
    minutes per calendar day in `tz`. The attendance that starts first keeps time two
    share, after the ledger's own records; every day above eight hours of credited time
    flags each attendance that adds to it.
    """
    busy = list(posted)
    results: dict[Hashable, Credit] = {}
    by_start = sorted(attendings, key=lambda item: (item.schedule.starts_at, item.schedule.ends_at, item.tiebreak))
    for attending in by_start:
        result = credit(attending.reads, attending.schedule, mend=attending.mend, busy=busy)
        results[attending.ident] = result
        busy += [Busy(start, end, attending.activity) for start, end in result.served]
    per_day: Counter[datetime.date] = Counter(posted_minutes_by_day or {})
    shares = {ident: minutes_by_day(result, tz) for ident, result in results.items()}
    for share in shares.values():
        per_day.update(share)
    for ident, result in results.items():
        if any(per_day[day] > LONG_DAY_MINUTES for day, minutes in shares[ident].items() if minutes):
            result.review.append(Review.LONG_DAY)
    return results


def minutes_by_day(result: Credit, tz: datetime.tzinfo) -> Counter[datetime.date]:
    """The credited minutes on each calendar day, given to the served time in time order."""
    left = result.minutes
    days: Counter[datetime.date] = Counter()
    for start, end in result.served:
        while left > 0 and start < end:
            local = start.astimezone(tz)
            midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(), tz)
            part_end = min(end, midnight)
            minutes = min(left, int((part_end - start).total_seconds() // 60))
            days[local.date()] += minutes
            left -= minutes
            start = part_end
    if left > 0 and result.served:
        days[result.served[-1][1].astimezone(tz).date()] += left  # seconds cut at a midnight
    return days
