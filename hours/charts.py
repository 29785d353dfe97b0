"""Server-rendered bar charts: the geometry is computed here, the template only places it.

Inline SVG needs no script and no CDN, prints sharply, and scales with the page: the
viewBox is fixed and the element is as wide as its box, so a phone 360 px wide shows
the whole chart. Text sizes are set in the stylesheet, larger in elder mode.
"""

import math
from dataclasses import dataclass

WIDTH = 360
HEIGHT = 220
LEFT = 48  # room for the y-axis labels
RIGHT = 8
TOP = 14
BOTTOM = 46  # two lines of month labels
BAR_SHARE = 0.7  # of each slot; the rest is the gap between bars


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar
    sublabel: str  # a second line under the label (the year, where it changes)
    label_x: float
    title: str  # the exact figure, for a tooltip
    current: bool


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    grid: list[GridLine]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    axis_x: int = LEFT - 6
    right_x: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM
    label_y: float = HEIGHT - BOTTOM + 18
    sublabel_y: float = HEIGHT - BOTTOM + 38

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ not below `value`: a top gridline people read at a glance."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _number(value: float) -> str:
    return f"{value:g}"


def bar_chart(points: list[tuple[str, str, float, str]], *, unit: str = "") -> BarChart:
    """Bars for (label, sublabel, value, title) in order; the last bar is the chosen one."""
    plot_height = HEIGHT - BOTTOM - TOP
    top_value = nice_ceiling(max((value for _label, _sub, value, _title in points), default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    bar_width = round(slot * BAR_SHARE, 1)
    bars = []
    for index, (label, sublabel, value, title) in enumerate(points):
        height = round(plot_height * max(value, 0) / top_value, 1)
        x = LEFT + index * slot
        bars.append(
            Bar(
                x=round(x + (slot - bar_width) / 2, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=bar_width,
                height=height,
                label=label,
                sublabel=sublabel,
                label_x=round(x + slot / 2, 1),
                title=title,
                current=index == len(points) - 1,
            )
        )
    grid = [
        GridLine(y=round(HEIGHT - BOTTOM - plot_height * share, 1), label=f"{_number(top_value * share)}{unit}")
        for share in (0, 0.5, 1)
    ]
    return BarChart(bars=bars, grid=grid)
