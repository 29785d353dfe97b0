"""Star levels from cumulative credited hours (DESIGN rule 11).

The national practice is 1★ 100 h, 2★ 300 h, 3★ 600 h, 4★ 1000 h, 5★ 1500 h. An office may
set its own thresholds (`Office.star_thresholds`); a community without its own uses its
street office's, and an office with none uses the default below.
"""

from dataclasses import dataclass
from decimal import Decimal

from hours.units import hours
from teams.models import Office

DEFAULT_THRESHOLDS: tuple[int, ...] = (100, 300, 600, 1000, 1500)


def thresholds_for(office: Office | None) -> tuple[int, ...]:
    """The office's own thresholds, else its parent's (load `parent` with the office), else the default."""
    while office is not None:
        if office.star_thresholds:
            return tuple(office.star_thresholds)
        office = office.parent if office.parent_id else None
    return DEFAULT_THRESHOLDS


@dataclass(frozen=True)
class StarLevel:
    stars: int  # 0 until the first threshold
    minutes: int  # cumulative credited minutes
    next_threshold: int | None  # hours of the next star; None at the top level

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)

    @property
    def hours_to_next(self) -> Decimal | None:
        if self.next_threshold is None:
            return None
        return hours(self.next_threshold * 60 - self.minutes)

    @property
    def symbols(self) -> str:
        return "★" * self.stars


def star_level(minutes: int, thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS) -> StarLevel:
    # Compare in minutes, so 99 h 59 min is not rounded up into the first star.
    reached = sum(1 for hours in thresholds if minutes >= hours * 60)
    following = thresholds[reached] if reached < len(thresholds) else None
    return StarLevel(stars=reached, minutes=minutes, next_threshold=following)
