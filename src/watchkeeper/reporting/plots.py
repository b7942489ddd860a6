"""Small hand-written SVG charts: lines (with optional step) and grouped bars with intervals.

No plotting library: the output is plain SVG text that opens in any browser and embeds in
an HTML or PDF report, drawn the way ``web/pages/drawing.py`` draws the live charts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 160, 40, 48
PALETTE = ("#1f5fa8", "#c8501e", "#2d8a4e", "#7b3fa0", "#9a7b0a", "#555555")


@dataclass(frozen=True, slots=True)
class Line:
    """One named line: x and y values of the same length."""

    name: str
    xs: Sequence[float]
    ys: Sequence[float]


@dataclass(frozen=True, slots=True)
class Bars:
    """One named series of bars, one value per group, with a +/- interval (NaN: none)."""

    name: str
    values: Sequence[float]
    half_widths: Sequence[float]


def _nice_top(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _frame(title: str, x_label: str, y_label: str) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>',
        f'<text x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 10}" text-anchor="middle">'
        f"{escape(x_label)}</text>",
        f'<text x="14" y="{TOP + plot_h / 2:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {TOP + plot_h / 2:.0f})">{escape(y_label)}</text>',
    ]


def _y_axis(top: float) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    out = []
    for f in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = TOP + plot_h * (1 - f)
        out.append(
            f'<line x1="{LEFT - 4}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#e3e3e3"/>'
        )
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{top * f:g}</text>')
    return out


def _legend(names: Sequence[str]) -> list[str]:
    out = []
    for k, name in enumerate(names):
        y = TOP + 14 + 18 * k
        colour = PALETTE[k % len(PALETTE)]
        out.append(
            f'<rect x="{WIDTH - RIGHT + 12}" y="{y - 9}" width="12" height="10" fill="{colour}"/>'
        )
        out.append(f'<text x="{WIDTH - RIGHT + 30}" y="{y}">{escape(name)}</text>')
    return out


def line_chart(title: str, lines: Sequence[Line], x_label: str, y_label: str) -> str:
    """Lines on shared axes, zero at the bottom-left; NaN points are skipped."""
    finite_x = [x for ln in lines for x in ln.xs if math.isfinite(x)]
    finite_y = [y for ln in lines for y in ln.ys if math.isfinite(y)]
    x_top = _nice_top(max(finite_x, default=1.0))
    y_top = _nice_top(max(finite_y, default=1.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [*_frame(title, x_label, y_label), *_y_axis(y_top)]
    for f in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = LEFT + plot_w * f
        parts.append(
            f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{x_top * f:g}</text>'
        )
    for k, ln in enumerate(lines):
        points = " ".join(
            f"{LEFT + plot_w * min(x / x_top, 1.0):.1f},{TOP + plot_h * (1 - min(y / y_top, 1.0)):.1f}"
            for x, y in zip(ln.xs, ln.ys, strict=True)
            if math.isfinite(x) and math.isfinite(y)
        )
        colour = PALETTE[k % len(PALETTE)]
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.6" points="{points}"/>'
        )
    parts.extend(_legend([ln.name for ln in lines]))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def bar_chart(
    title: str,
    groups: Sequence[str],
    series: Sequence[Bars],
    y_label: str,
    y_max: float | None = None,
) -> str:
    """Grouped bars with interval whiskers, one group per label (``y_max``: fixed top)."""
    tops = [
        v + (h if math.isfinite(h) else 0.0)
        for s in series
        for v, h in zip(s.values, s.half_widths, strict=True)
        if math.isfinite(v)
    ]
    y_top = y_max if y_max is not None else _nice_top(max(tops, default=1.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [*_frame(title, "", y_label), *_y_axis(y_top)]
    slot = plot_w / max(len(groups), 1)
    bar = slot * 0.8 / max(len(series), 1)

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - min(max(v, 0.0) / y_top, 1.0))

    for g, label in enumerate(groups):
        x0 = LEFT + slot * g + slot * 0.1
        parts.append(
            f'<text x="{LEFT + slot * (g + 0.5):.1f}" y="{TOP + plot_h + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
        for k, s in enumerate(series):
            value, half = s.values[g], s.half_widths[g]
            if not math.isfinite(value):
                continue
            x = x0 + bar * k
            colour = PALETTE[k % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y_of(value):.1f}" width="{bar * 0.9:.1f}" '
                f'height="{TOP + plot_h - y_of(value):.1f}" fill="{colour}"/>'
            )
            if math.isfinite(half) and half > 0:
                mid = x + bar * 0.45
                parts.append(
                    f'<line x1="{mid:.1f}" x2="{mid:.1f}" y1="{y_of(value - half):.1f}" '
                    f'y2="{y_of(value + half):.1f}" stroke="black"/>'
                )
    parts.extend(_legend([s.name for s in series]))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
