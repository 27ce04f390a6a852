"""Bar charts drawn on the server as SVG: no JavaScript, no CDN, readable without colour
(every bar carries its value; the two series differ by pattern, not only by hue)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 960
# Room above the tallest bar for its value, written upwards.
LABEL_ROOM = 84
PLOT_HEIGHT = 150
AXIS_ROOM = 26
HEIGHT = LABEL_ROOM + PLOT_HEIGHT + AXIS_ROOM


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    axis_label: str
    value_label: str
    # Where the value is written: just above the bar, rotated to read bottom-up.
    text_x: float
    text_y: float
    center_x: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    baseline: float
    label_y: float


def bar_chart(points: list[tuple[str, Decimal | int, str]]) -> BarChart:
    """(label under the bar, value, value written on the bar) → a chart's geometry."""
    slot = WIDTH / max(len(points), 1)
    bar_width = slot * 0.7
    top = max((Decimal(value) for _label, value, _text in points), default=Decimal(0))
    baseline = LABEL_ROOM + PLOT_HEIGHT
    bars = []
    last = len(points) - 1
    for index, (label, value, text) in enumerate(points):
        # Every other day is named under its bar (counting back from the last, so today
        # always is): 30 dates side by side would run into each other.
        axis_label = "" if (last - index) % 2 else label
        height = float(Decimal(value) / top * PLOT_HEIGHT) if top else 0.0
        # A day with something sold is never drawn as nothing.
        if value and height < 2:
            height = 2.0
        x = index * slot + (slot - bar_width) / 2
        y = baseline - height
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(y, 1),
                width=round(bar_width, 1),
                height=round(height, 1),
                label=label,
                axis_label=axis_label,
                value_label=text,
                text_x=round(x + bar_width / 2 + 4, 1),
                text_y=round(y - 4, 1),
                center_x=round(x + bar_width / 2, 1),
            )
        )
    return BarChart(bars, WIDTH, HEIGHT, baseline, baseline + 17)


def whole_reais(value: Decimal) -> str:
    """12.346 for R$ 12.345,67: short enough to sit on a bar (the table has the cents)."""
    return f"{round(value):,}".replace(",", ".")
