"""What a partner unit (共建单位) did in the community, from the records of the apps that keep
it: the shifts it ran as a partner (shifts), the wishes it claimed (needs). Each such app
registers a source from its AppConfig.ready(); civic asks work_of() for the unit's page and
its quarterly feedback. teams imports none of them (DESIGN: imports flow one way)."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from teams.models import PartnerUnit


@dataclass(frozen=True)
class UnitWork:
    """One piece of the unit's work, as the app that keeps it describes it."""

    date: datetime.date
    kind: str  # what it is, in the reader's language: a shift, a micro-wish
    title: str
    details: str  # where, or how it was done
    people: int | None = None  # volunteers credited, where the work credits people
    minutes: int | None = None  # credited in the hours ledger, where it credits hours


WorkSource = Callable[[PartnerUnit, datetime.date, datetime.date], Iterable[UnitWork]]
_work_sources: list[WorkSource] = []


def add_work_source(source: WorkSource) -> WorkSource:
    """`source(unit, starts_on, ends_on)` gives the unit's work dated in that period, both days
    included, in a fixed number of queries (usable as a decorator)."""
    if source not in _work_sources:
        _work_sources.append(source)
    return source


def work_of(unit: PartnerUnit, starts_on: datetime.date, ends_on: datetime.date) -> list[UnitWork]:
    """The unit's work in the period from every registered source, in date order."""
    found = [work for source in _work_sources for work in source(unit, starts_on, ends_on)]
    return sorted(found, key=lambda work: (work.date, work.kind, work.title))
