"""Inline SVG charts built in Python: no JavaScript, no external scripts, styles or fonts.

Each function returns one ``<svg>`` element as a string with a stable ``id`` and a ``viewBox``,
so it scales with the page and prints crisply. Hover text uses SVG ``<title>`` elements.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
AXIS_COLOUR = "#666666"
GRID_COLOUR = "#e3e3e3"
TEXT_COLOUR = "#222222"


@dataclass(frozen=True)
class Series:
    """One stacked series: its label, colour and one value per category."""

    label: str
    colour: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: label, value, colour and an optional note printed after the value."""

    label: str
    value: float
    colour: str
    note: str = ""


NICE_STEPS = (1.0, 2.0, 2.5, 3.0, 5.0, 10.0)
"""Tick spacings allowed, as multiples of a power of ten."""

MAX_TICKS = 5
"""Most intervals on a value axis."""


def nice_axis(value: float) -> tuple[float, float]:
    """Axis maximum and tick step for data up to ``value``: a round step, at most 5 intervals.

    Parameters
    ----------
    value : float
        Largest value to show, in the data's unit.

    Returns
    -------
    tuple of (float, float)
        Axis maximum and tick step, in the data's unit; ``(1.0, 0.25)`` when ``value`` is not
        positive and finite.

    Examples
    --------
    >>> nice_axis(3470.0)
    (4000.0, 1000.0)
    >>> nice_axis(1368.0)
    (1500.0, 300.0)
    >>> nice_axis(0.0)
    (1.0, 0.25)
    >>> nice_axis(2.1)
    (2.5, 0.5)
    """
    if value <= 0 or not math.isfinite(value):
        return (1.0, 0.25)
    raw = value / MAX_TICKS
    base = 10.0 ** math.floor(math.log10(raw))
    step = next(k * base for k in NICE_STEPS if k * base >= raw * (1 - 1e-12))
    return (step * math.ceil(value / step - 1e-9), step)


def _text(
    x: float,
    y: float,
    s: str,
    *,
    size: float = 12,
    anchor: str = "start",
    colour: str = TEXT_COLOUR,
    weight: str = "normal",
    extra: str = "",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{colour}" font-weight="{weight}"{extra}>{escape(s)}</text>'
    )


LABEL_CHAR_WIDTH_PX = 6.8
"""Approximate advance of one character of 12 px sans-serif text [px], for fitting labels."""


def fit_label(label: str, width_px: float) -> str:
    """Shorten ``label`` with an ellipsis so it fits ``width_px`` at 12 px.

    Parameters
    ----------
    label : str
        The text.
    width_px : float
        Room for it [px].

    Returns
    -------
    str
        ``label``, or its start and ``…``.

    Examples
    --------
    >>> fit_label("New York (upstate, Buffalo-Niagara)", 150.0)
    'New York (upstate, Bu…'
    >>> fit_label("Paris", 150.0)
    'Paris'
    """
    max_chars = max(int(width_px / LABEL_CHAR_WIDTH_PX), 2)
    return label if len(label) <= max_chars else label[: max_chars - 1].rstrip() + "…"


def _legend(
    items: Sequence[tuple[str, str]], x: float, y: float, width: float
) -> tuple[str, float]:
    """Legend swatches flowing left to right; returns markup and the height used."""
    parts = []
    cx, cy = x, y
    for label, colour in items:
        w = 22 + 7.0 * len(label)
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 18
        parts.append(
            f'<rect x="{cx:.1f}" y="{cy - 9:.1f}" width="11" height="11" rx="2" fill="{colour}"/>'
            + _text(cx + 15, cy, label, size=11)
        )
        cx += w
    return '<g class="legend">' + "".join(parts) + "</g>", cy - y + 18


def stacked_bars(
    svg_id: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    value_format: Callable[[float], str],
    axis_label: str,
    width: float = 720.0,
    height: float = 300.0,
) -> str:
    """A vertical stacked-bar chart with totals above the bars and a legend below.

    Parameters
    ----------
    svg_id : str
        ``id`` of the ``<svg>`` element.
    categories : sequence of str
        One bar per category (e.g. periods).
    series : sequence of Series
        Stack segments, bottom first; each has one value per category (negative values are
        treated as zero).
    value_format : callable
        Formats a value for totals and hover text, with its unit.
    axis_label : str
        Y axis label including the unit, e.g. ``"Capacity [MW]"``.
    width : float, optional
        Width of the plot area and ``viewBox`` [px].
    height : float, optional
        Height of the plot area [px]; the legend is added below.

    Returns
    -------
    str
        The ``<svg>`` element.
    """
    n = max(len(categories), 1)
    totals = [sum(max(s.values[i], 0.0) for s in series) for i in range(len(categories))]
    legend, legend_h = _legend([(s.label, s.colour) for s in series], 60, height + 18, width - 70)
    left, right, top, bottom = 70.0, 12.0, 22.0, 36.0
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max, y_step = nice_axis(max(totals, default=0.0))
    n_ticks = round(y_max / y_step)
    parts = [
        f'<svg id="{escape(svg_id)}" class="chart" '
        f'viewBox="0 0 {width:.0f} {height + legend_h + 10:.0f}" '
        f'role="img" aria-label="{escape(axis_label)}" font-family="{FONT}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for k in range(n_ticks + 1):
        v = y_step * k
        y = top + plot_h * (1 - v / y_max)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        parts.append(
            _text(left - 6, y + 4, value_format(v), size=10, anchor="end", colour=AXIS_COLOUR)
        )
    slot = plot_w / n
    bar_w = min(slot * 0.62, 70.0)
    for i, cat in enumerate(categories):
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h
        for s in series:
            v = max(s.values[i], 0.0)
            if v <= 0:
                continue
            h = plot_h * v / y_max
            y -= h
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{s.colour}">'
                f"<title>{escape(f'{s.label}, {cat}: {value_format(v)}')}</title></rect>"
            )
        parts.append(_text(x + bar_w / 2, y - 5, value_format(totals[i]), size=10, anchor="middle"))
        parts.append(_text(x + bar_w / 2, top + plot_h + 16, str(cat), size=11, anchor="middle"))
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h:.1f}" '
        f'y2="{top + plot_h:.1f}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append(legend)
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(
    svg_id: str,
    bars: Sequence[Bar],
    *,
    value_format: Callable[[float], str],
    aria_label: str,
    max_value: float | None = None,
    width: float = 720.0,
    row_height: float = 28.0,
    label_width: float = 190.0,
) -> str:
    """A horizontal bar chart, one labelled row per bar, value printed at the bar's end.

    Parameters
    ----------
    svg_id : str
        ``id`` of the ``<svg>`` element.
    bars : sequence of Bar
        Rows, top first. Negative values are drawn as zero length (the label still shows them).
    value_format : callable
        Formats a value with its unit.
    aria_label : str
        Accessible description of the chart.
    max_value : float, optional
        Value of a full-length bar; defaults to the largest value.
    width : float, optional
        Width of the chart [px].
    row_height : float, optional
        Height of one row [px].
    label_width : float, optional
        Room for the labels left of the bars [px]; longer labels are shortened.

    Returns
    -------
    str
        The ``<svg>`` element.
    """
    top = 8.0
    height = top + row_height * max(len(bars), 1) + 8.0
    v_max = max_value if max_value is not None else max((b.value for b in bars), default=0.0)
    v_max = v_max if v_max > 0 else 1.0
    value_room = 190.0
    plot_w = width - label_width - value_room
    parts = [
        f'<svg id="{escape(svg_id)}" class="chart" viewBox="0 0 {width:.0f} {height:.0f}" '
        'role="img" '
        f'aria-label="{escape(aria_label)}" font-family="{FONT}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, b in enumerate(bars):
        y = top + row_height * i
        length = plot_w * max(b.value, 0.0) / v_max
        parts.append(
            _text(
                label_width - 8,
                y + row_height * 0.62,
                fit_label(b.label, label_width - 12),
                size=12,
                anchor="end",
            )
        )
        parts.append(
            f'<rect class="bar" x="{label_width:.1f}" y="{y + 4:.1f}" '
            f'width="{max(length, 0.0):.1f}" '
            f'height="{row_height - 8:.1f}" rx="2" fill="{b.colour}">'
            f"<title>{escape(f'{b.label}: {value_format(b.value)}')}</title></rect>"
        )
        label = value_format(b.value) + (f"  {b.note}" if b.note else "")
        parts.append(
            _text(
                label_width + length + 6, y + row_height * 0.62, label, size=11, colour=AXIS_COLOUR
            )
        )
    parts.append(
        f'<line x1="{label_width}" x2="{label_width}" y1="{top}" y2="{height - 8:.1f}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
