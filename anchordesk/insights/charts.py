"""Charts as inline SVG, drawn on the server: no script, nothing for the CSP to refuse.

Pure functions over numbers and labels; every text is escaped. Colours and fonts come from
classes styled in app.css, so the charts follow the page's theme.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

WIDTH = 640
HEIGHT = 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 12, 12, 28


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value / 1000:.1f}k".replace(".0k", "k")
    if value == int(value):
        return str(int(value))
    return f"{value:.1f}"


def _nice_max(value: float) -> float:
    """The top of the axis: four gridline steps of 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 4.0
    step = value / 4
    magnitude: float = 10 ** math.floor(math.log10(step))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= step:
            return 4.0 * factor * magnitude
    return 40.0 * magnitude


def _open(title: str, height: int = HEIGHT) -> list[str]:
    t = escape(title)
    return [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{t}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f"<title>{t}</title>",
    ]


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    top: float | None = None,
) -> str:
    """One line per series over the labels (days or weeks). None leaves a gap."""
    parts = _open(title)
    values = [v for _, vs in series for v in vs if v is not None]
    ymax = top if top is not None else _nice_max(max(values, default=0.0))
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return PAD_LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return PAD_TOP + plot_h * (1 - v / ymax)

    for tick in range(5):
        v = ymax * tick / 4
        parts.append(
            f'<line class="chart-grid" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
        )
        parts.append(
            f'<text class="chart-axis" x="{PAD_LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{_fmt(v)}</text>'
        )
    step = max(1, n // 6)
    for i in range(0, n, step):
        # The first and last labels hang inside the chart, so none is cut at the edge.
        anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
        parts.append(
            f'<text class="chart-axis" x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}">{escape(labels[i])}</text>'
        )
    for index, (name, vs) in enumerate(series):
        runs: list[list[str]] = [[]]
        for i, point in enumerate(vs):
            if point is None:
                runs.append([])
            else:
                runs[-1].append(f"{x(i):.1f},{y(min(point, ymax)):.1f}")
        for run in runs:
            if len(run) == 1:
                cx, cy = run[0].split(",")
                parts.append(f'<circle class="chart-s{index % 4}" cx="{cx}" cy="{cy}" r="2.5"/>')
            elif run:
                parts.append(
                    f'<polyline class="chart-line chart-s{index % 4}" points="{" ".join(run)}"><title>{escape(name)}</title></polyline>'
                )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], *, unit: str = "") -> str:
    """Horizontal bars, one per label, with the value written at the end of each."""
    row = 24
    height = max(row * len(labels) + 8, 40)
    parts = _open(title, height)
    label_w = 170
    plot_w = WIDTH - label_w - 70
    vmax = max(values, default=0.0) or 1.0
    if not labels:
        parts.append(f'<text class="chart-axis" x="{WIDTH / 2}" y="24" text-anchor="middle">No data</text>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        top = 4 + i * row
        width = plot_w * value / vmax
        parts.append(
            f'<text class="chart-label" x="{label_w - 8}" y="{top + 15}" text-anchor="end">{escape(label)}</text>'
        )
        parts.append(
            f'<rect class="chart-bar chart-s0" x="{label_w}" y="{top + 3}" width="{width:.1f}" height="{row - 8}"><title>{escape(label)}: {_fmt(value)}{escape(unit)}</title></rect>'
        )
        parts.append(
            f'<text class="chart-value" x="{label_w + width + 6:.1f}" y="{top + 15}">{_fmt(value)}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_bars(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> str:
    """Vertical bars over time, each split into the series (kept on time, late, missed...)."""
    parts = _open(title)
    totals = [sum(vs[i] for _, vs in series) for i in range(len(labels))]
    ymax = _nice_max(max(totals, default=0.0))
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    n = max(len(labels), 1)
    slot = plot_w / n
    bar_w = max(1.0, slot * 0.7)
    for tick in range(5):
        v = ymax * tick / 4
        yy = PAD_TOP + plot_h * (1 - v / ymax)
        parts.append(
            f'<line class="chart-grid" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}"/>'
        )
        parts.append(
            f'<text class="chart-axis" x="{PAD_LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end">{_fmt(v)}</text>'
        )
    step = max(1, n // 6)
    for i in range(n):
        base = float(PAD_TOP + plot_h)
        xx = PAD_LEFT + i * slot + (slot - bar_w) / 2
        for index, (name, vs) in enumerate(series):
            h = plot_h * vs[i] / ymax
            if h <= 0:
                continue
            base -= h
            parts.append(
                f'<rect class="chart-bar chart-s{index % 4}" x="{xx:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}">'
                f"<title>{escape(labels[i])} {escape(name)}: {_fmt(vs[i])}</title></rect>"
            )
        if i % step == 0:
            parts.append(
                f'<text class="chart-axis" x="{xx + bar_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle">{escape(labels[i])}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
