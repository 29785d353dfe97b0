"""How scans become credited minutes (DESIGN rules 1–6). Pure functions: no database.

1. Credited minutes = the sum over in/out pairs of the overlap with the scheduled
   time, never more than the scheduled length, rounded down to the team's unit.
2. Check-in is accepted from `checkin_opens` before the start until the end;
   check-out until `checkout_closes` after the end.
3. A check-in without a check-out is "not signed out": credited 0, for the leader.
4. Below 60% of the scheduled length, or a day above 8 hours, goes to review.
5. Two credited records of one volunteer may not overlap (the caller passes the
   volunteer's other credited intervals).
6. Rest and meals are not service time: the break is taken out of every pair and of
   the scheduled length. Meetings and duty are not volunteer service: they keep
   attendance (late, left early, not signed out) but credit nothing and need no review.
   Travel is outside the scheduled time already (rule 1).
"""

import datetime
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SHORT_SHARE = 0.6
LONG_DAY_MINUTES = 8 * 60
# Arriving this much after the start is "late"; leaving this much before the end, "left early".
LATENESS_GRACE = datetime.timedelta(minutes=10)


class Review(enum.StrEnum):
    NOT_SIGNED_OUT = "not_signed_out"
    SHORT = "short"
    LONG_DAY = "long_day"
    OVERLAP = "overlap"


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

    @property
    def minutes(self) -> int:
        """The scheduled length net of the break: the cap of rule 1, the base of rule 4's share."""
        return int((self.ends_at - self.starts_at - self.break_length).total_seconds() // 60)

    @property
    def break_length(self) -> datetime.timedelta:
        if self.break_starts_at is None or self.break_ends_at is None:
            return datetime.timedelta(0)
        return self.break_ends_at - self.break_starts_at

    def served(self, checked_in: datetime.datetime, checked_out: datetime.datetime) -> datetime.timedelta:
        """Service time in one in/out pair: its overlap with the schedule, less the break."""
        served = _overlap(checked_in, checked_out, self.starts_at, self.ends_at)
        if self.break_starts_at is not None and self.break_ends_at is not None:
            served -= _overlap(checked_in, checked_out, self.break_starts_at, self.break_ends_at)
        return served

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

    @property
    def needs_review(self) -> bool:
        return bool(self.review)


def pair_up(events: Iterable[tuple[str, datetime.datetime]]) -> list[Pair]:
    """(kind, at) events in time order → in/out pairs. A second "in" while in is a
    repeat and keeps the first time; an "out" while not in has nothing to close."""
    pairs: list[Pair] = []
    open_since: datetime.datetime | None = None
    for kind, at in sorted(events, key=lambda event: event[1]):
        if kind == "in" and open_since is None:
            open_since = at
        elif kind == "out" and open_since is not None:
            pairs.append(Pair(open_since, at))
            open_since = None
    if open_since is not None:
        pairs.append(Pair(open_since, None))
    return pairs


def _overlap(a_start, a_end, b_start, b_end) -> datetime.timedelta:
    return max(min(a_end, b_end) - max(a_start, b_start), datetime.timedelta(0))


def credit(
    events: Iterable[tuple[str, datetime.datetime]],
    schedule: Schedule,
    *,
    other_credited: Sequence[tuple[datetime.datetime, datetime.datetime]] = (),
    day_minutes_elsewhere: int = 0,
) -> Credit:
    """What one volunteer is credited for one shift, and what needs the leader's eye.

    `other_credited`: the volunteer's other credited intervals (rule 5);
    `day_minutes_elsewhere`: minutes already credited that day elsewhere (rule 4).
    """
    pairs = pair_up(events)
    not_signed_out = any(pair.checked_out is None for pair in pairs)
    served = sum(
        (schedule.served(pair.checked_in, pair.checked_out) for pair in pairs if pair.checked_out is not None),
        datetime.timedelta(0),
    )
    served_minutes = min(int(served.total_seconds() // 60), schedule.minutes)
    minutes = 0 if not_signed_out else served_minutes - served_minutes % schedule.unit_minutes
    late = bool(pairs) and pairs[0].checked_in > schedule.starts_at + LATENESS_GRACE
    last_out = pairs[-1].checked_out if pairs else None
    left_early = last_out is not None and last_out < schedule.ends_at - LATENESS_GRACE
    if not schedule.is_service:
        # Rule 6: a meeting or duty credits nothing, so there is nothing for the leader to check.
        return Credit(0, pairs, not_signed_out, late, left_early)

    review = []
    if not_signed_out:
        review.append(Review.NOT_SIGNED_OUT)
    elif pairs and minutes < SHORT_SHARE * schedule.minutes:
        review.append(Review.SHORT)
    if minutes and day_minutes_elsewhere + minutes > LONG_DAY_MINUTES:
        review.append(Review.LONG_DAY)
    served_intervals = [
        (max(pair.checked_in, schedule.starts_at), min(pair.checked_out, schedule.ends_at))
        for pair in pairs
        if pair.checked_out is not None
    ]
    if minutes and any(
        _overlap(served_start, served_end, start, end)
        for served_start, served_end in served_intervals
        for start, end in other_credited
    ):
        review.append(Review.OVERLAP)
    return Credit(minutes, pairs, not_signed_out, late, left_early, review)
