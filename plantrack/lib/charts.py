"""Accessible charts as server-rendered SVG, each with the same data as a table.

A chart is an ``<svg role="img">`` whose ``<title>`` names it and whose ``<desc>`` says its
data in words; every bar and line carries a visible text label, so colour is never the
only sign (bars of some statuses are patterned too, and a target line is dashed with
square marks where the actual line is solid with round ones). The colours are the site's
status colours, each at least 4.5:1 against the white background. The same figures come
back as a ``Table`` that ``includes/chart.html`` renders beside the chart. No script, and
presentation attributes only (the Content-Security-Policy allows no inline styles).

All text is escaped here: titles and labels are content from plans, which is untrusted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH = 640
INK = "#1b1f24"
MUTED = "#4a5360"
TRACK = "#6b7686"  # the bar track's outline: 4.6:1 on white
FONT = 'font-family="system-ui, sans-serif"'
LABEL_CHARS = 72  # a bar's label is cut to this many characters; the table has it whole
DESC_ROWS = 12  # rows said in the text alternative; the table has them all

# style key → (fill colour, pattern): the status colours of site.css, all ≥ 4.5:1 on white.
STYLES: dict[str, tuple[str, str]] = {
    "bar": ("#0b4fb3", ""),
    "not_started": ("#4a5360", ""),
    "in_progress": ("#0b4fb3", "stripes"),
    "completed": ("#11652f", ""),
    "delayed": ("#a01919", "cross"),
    "cancelled": ("#5a4a00", "dots"),
    "unknown": ("#5b3c88", "lines"),
}
# White marks over the fill; each pattern still reads as its colour.
_PATTERNS = {
    "stripes": '<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" stroke="#fff" stroke-width="1.5"/>',
    "cross": '<path d="M0 0L6 6M6 0L0 6" stroke="#fff" stroke-width="1.2"/>',
    "dots": '<circle cx="3" cy="3" r="1.2" fill="#fff"/>',
    "lines": '<path d="M0 3H6" stroke="#fff" stroke-width="1.5"/>',
}
ACTUAL_COLOUR = "#0b4fb3"
TARGET_COLOUR = "#4a5360"


@dataclass(frozen=True)
class Row:
    head: str
    cells: Sequence[str]
    href: str = ""
    lang: str = ""


@dataclass(frozen=True)
class Table:
    caption: str
    columns: Sequence[str]  # the first names the row headers
    rows: Sequence[Row]


@dataclass(frozen=True)
class Chart:
    id: str
    svg: SafeString
    table: Table


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: nothing to draw (said in ``text``)
    text: str  # the figure as shown beside the bar and in the table: "45 %", "12 (30 %)"
    style: str = "bar"
    extra: Sequence[str] = ()  # more table cells for this row
    href: str = ""
    lang: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    kind: str = "actual"  # "actual": solid line, round marks; "target": dashed, square marks
    texts: Sequence[str] = field(default_factory=tuple)  # values as shown; default number()
    # What is written at each point of an actual line (short: the unit is on the axis);
    # default number(). A qualitative indicator writes its level names here.
    marks: Sequence[str] = field(default_factory=tuple)


def number(value: float | None) -> str:
    """A figure for people: whole numbers without decimals, others to two places at most."""
    if value is None:
        return "—"
    if math.isclose(value, round(value), abs_tol=1e-9):
        return f"{round(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)[:60] or "chart"


def _cut(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _open(chart_id: str, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" focusable="false" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d"><title id="{chart_id}-t">{escape(title)}'
        f'</title><desc id="{chart_id}-d">{escape(desc)}</desc>'
    )


def _describe(pairs: Sequence[tuple[str, str]], empty: str) -> str:
    """The text alternative: "label: figure; …", the first rows only, and how many more."""
    if not pairs:
        return empty
    said = "; ".join(f"{_cut(label)}: {text}" for label, text in pairs[:DESC_ROWS])
    more = len(pairs) - DESC_ROWS
    if more > 0:
        said += ". " + ngettext(
            "%(count)s more row is in the table.", "%(count)s more rows are in the table.", more
        ) % {"count": more}
    return said + "."


def _fill(chart_id: str, style: str) -> tuple[str, str]:
    """The fill attribute of a style, and the pattern definition it needs (if any)."""
    colour, pattern = STYLES.get(style, STYLES["bar"])
    if not pattern:
        return colour, ""
    pid = f"{chart_id}-{style}"
    definition = (
        f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{colour}"/>{_PATTERNS[pattern]}</pattern>'
    )
    return f"url(#{pid})", definition


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    maximum: float = 100.0,
    columns: Sequence[str] = (),
    empty: str = "",
) -> Chart:
    """Horizontal bars, one per row, each with its label above and its figure beside it.

    ``maximum`` is the full length of a bar (100 for percentages, the total for counts);
    ``columns`` head the table: the label column, the figure column, then ``extra``'s."""
    chart_id = _id(chart_id)
    empty = empty or _("No data yet.")
    pairs = [(bar.label, bar.text) for bar in bars]
    row_height, top, track = 44, 8, 540
    height = top + row_height * len(bars) + (26 if bars else 28)
    parts, defs = [], {}
    scale = track / maximum if maximum > 0 else 0.0
    for n, bar in enumerate(bars):
        y = top + n * row_height
        value = min(max(bar.value or 0.0, 0.0), maximum) if maximum > 0 else 0.0
        fill, definition = _fill(chart_id, bar.style)
        if definition:
            defs[bar.style] = definition
        width = round(value * scale, 1)
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="13" fill="{INK}">{escape(_cut(bar.label))}</text>'
            f'<rect x="0.5" y="{y + 18.5}" width="{track}" height="16" fill="#fff" '
            f'stroke="{TRACK}"/>'
            + (
                f'<rect x="1" y="{y + 19}" width="{width}" height="15" fill="{fill}"/>'
                if width > 0
                else ""
            )
            + f'<text x="{track + 8}" y="{y + 31}" font-size="13" fill="{INK}">'
            f"{escape(bar.text)}</text>"
        )
    if not bars:
        parts.append(f'<text x="0" y="20" font-size="14" fill="{MUTED}">{escape(empty)}</text>')
    else:
        axis_y = top + row_height * len(bars) + 16
        for tick in (0, 0.25, 0.5, 0.75, 1):
            x = round(tick * track, 1)
            anchor = "start" if tick == 0 else "end" if tick == 1 else "middle"
            parts.append(
                f'<text x="{x}" y="{axis_y}" font-size="11" fill="{MUTED}" '
                f'text-anchor="{anchor}">{escape(number(tick * maximum))}</text>'
            )
    svg = _open(chart_id, height, title, _describe(pairs, empty))
    if defs:
        svg += f"<defs>{''.join(defs.values())}</defs>"
    svg += f"<g {FONT}>{''.join(parts)}</g></svg>"
    rows = [Row(bar.label, [bar.text, *bar.extra], bar.href, bar.lang) for bar in bars]
    return Chart(chart_id, mark_safe(svg), Table(title, list(columns), rows))


def _nice_top(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above ``value``, for the axis's top."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value - 1e-9:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def line_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    columns: Sequence[str] = (),
    unit: str = "",
    empty: str = "",
) -> Chart:
    """Values over periods: one line per series (actual solid with round marks, target dashed
    with square marks), each point's figure written above the actual line, a legend in words.

    ``labels`` name the periods (the x axis); a series' value None leaves a gap."""
    chart_id = _id(chart_id)
    empty = empty or _("No data yet.")
    values = [v for s in series for v in s.values if v is not None]
    texts = [list(s.texts) or [number(v) for v in s.values] for s in series]
    marks = [list(s.marks) or [number(v) for v in s.values] for s in series]
    pairs = [
        (label, ", ".join(f"{s.name} {texts[k][i]}" for k, s in enumerate(series)))
        for i, label in enumerate(labels)
        if any(s.values[i] is not None for s in series)
    ]
    if not values or not labels:
        svg = _open(chart_id, 30, title, _describe(pairs, empty))
        svg += f'<g {FONT}><text x="0" y="20" font-size="14" fill="{MUTED}">'
        svg += f"{escape(empty)}</text></g>"
        return Chart(chart_id, mark_safe(svg + "</svg>"), Table(title, list(columns), []))
    left, right, top, plot_h = 56, 24, 34, 180
    height = top + plot_h + 40
    svg = _open(chart_id, height, title, _describe(pairs, empty))
    parts: list[str] = []
    low = min(0.0, min(values))
    high = _nice_top(max(values)) if max(values) > 0 else 1.0
    span = high - low or 1.0
    # The first and last points stand in from the axes, so their figures are not cut.
    inset = 28
    plot_w = WIDTH - left - right
    step = (plot_w - 2 * inset) / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return round(left + (inset + i * step if len(labels) > 1 else plot_w / 2), 1)

    def y(v: float) -> float:
        return round(top + plot_h - (v - low) / span * plot_h, 1)

    for k in range(5):  # the value axis: five gridlines with their figures
        v = low + span * k / 4
        parts.append(
            f'<path d="M{left} {y(v)}H{WIDTH - right}" stroke="#c9d1db"/>'
            f'<text x="{left - 6}" y="{y(v) + 4}" font-size="11" fill="{MUTED}" '
            f'text-anchor="end">{escape(number(v))}</text>'
        )
    if unit:
        parts.append(f'<text x="0" y="12" font-size="11" fill="{MUTED}">{escape(unit)}</text>')
    every = max(1, math.ceil(len(labels) / 8))  # at most eight period names under the axis
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{x(i)}" y="{top + plot_h + 18}" font-size="11" fill="{INK}" '
                f'text-anchor="middle">{escape(_cut(label, 14))}</text>'
            )
    legend_x = left
    for k, s in enumerate(series):
        target = s.kind == "target"
        colour = TARGET_COLOUR if target else ACTUAL_COLOUR
        dash = ' stroke-dasharray="6 4"' if target else ""
        runs: list[list[tuple[float, float]]] = []
        run: list[tuple[float, float]] = []  # a missing value breaks the line
        for i, value in enumerate(s.values):
            if value is None:
                runs.append(run)
                run = []
            else:
                run.append((x(i), y(value)))
        runs.append(run)
        for points in runs:
            if len(points) > 1:
                d = "M" + "L".join(f"{px} {py}" for px, py in points)
                parts.append(
                    f'<path d="{d}" fill="none" stroke="{colour}" '
                    f'stroke-width="{2 if target else 3}"{dash}/>'
                )
        for i, value in enumerate(s.values):
            if value is None:
                continue
            px, py = x(i), y(value)
            if target:
                parts.append(
                    f'<rect x="{px - 4}" y="{py - 4}" width="8" height="8" fill="#fff" '
                    f'stroke="{colour}" stroke-width="2"/>'
                )
            else:
                # The figure goes above its point, or below when another line's mark is
                # just above it.
                above = [
                    y(o.values[i])  # type: ignore[arg-type]
                    for o in series
                    if o is not s and o.values[i] is not None
                ]
                crowded = any(py - 20 < oy <= py for oy in above)
                ty = py + 17 if crowded else py - 9
                parts.append(
                    f'<circle cx="{px}" cy="{py}" r="4.5" fill="{colour}"/>'
                    f'<text x="{px}" y="{ty}" font-size="11" fill="{INK}" '
                    f'text-anchor="middle">{escape(marks[k][i])}</text>'
                )
        mark = (
            f'<rect x="{legend_x + 10}" y="8" width="8" height="8" fill="#fff" stroke="{colour}" '
            f'stroke-width="2"/>'
            if target
            else f'<circle cx="{legend_x + 14}" cy="12" r="4.5" fill="{colour}"/>'
        )
        parts.append(
            f'<path d="M{legend_x} 12h28" stroke="{colour}" stroke-width="{2 if target else 3}"'
            f"{dash}/>{mark}"
            f'<text x="{legend_x + 34}" y="16" font-size="12" fill="{INK}">'
            f"{escape(_cut(s.name, 30))}</text>"
        )
        legend_x += 60 + 7 * len(_cut(s.name, 30))
    svg += f"<g {FONT}>{''.join(parts)}</g></svg>"
    rows = [Row(label, [texts[k][i] for k in range(len(series))]) for i, label in enumerate(labels)]
    return Chart(chart_id, mark_safe(svg), Table(title, list(columns), rows))
