"""SVG charts drawn by hand: horizontal bars and monthly lines, print-friendly.

Each function returns a complete ``<svg>`` element as text (escaped), sized in user units
with a viewBox, so the same markup scales in the web page and in the PDF. A missing value
is drawn as "no data", never as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from watchkeeper.assessment.report_model import Series
from watchkeeper.assessment.statements import format_value

# Colour-blind-safe palette (Okabe-Ito), dark enough to print in greyscale distinctly.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None
    unit: str


def _text(
    x: float, y: float, body: str, size: int = 11, *, anchor: str = "start", extra: str = ""
) -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' {FONT} "
        f"{extra}>{escape(body)}</text>"
    )


def bar_chart(
    title: str, bars: Sequence[Bar], reference: float | None = None, width: int = 640
) -> str:
    """Horizontal bars on a 0-100 (percent) or 0-max scale, with an optional reference line."""
    label_w, row_h, top = 250, 28, 34
    height = top + row_h * len(bars) + 30
    plot_w = width - label_w - 70
    known = [b.value for b in bars if b.value is not None]
    percent = all(b.unit == "percent" for b in bars)
    top_value = 100.0 if percent else max([*known, reference or 0.0, 1.0]) * 1.1
    parts = [_text(0, 16, title, 13, extra="font-weight='bold'")]
    for tick in range(5):
        value = top_value * tick / 4
        x = label_w + plot_w * tick / 4
        parts.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top - 6}' y2='{height - 26}' stroke='#ddd'/>"
        )
        parts.append(
            _text(
                x,
                height - 12,
                _tick(value, bars[0].unit if bars else ""),
                9,
                anchor="middle",
            )
        )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        parts.append(_text(label_w - 8, y + 15, bar.label, 10, anchor="end"))
        if bar.value is None:
            parts.append(
                _text(label_w + 4, y + 15, "no data", 10, extra="fill='#666' font-style='italic'")
            )
            continue
        w = plot_w * max(0.0, min(bar.value, top_value)) / top_value
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f"<rect x='{label_w}' y='{y + 4}' width='{w:.1f}' height='{row_h - 10}' fill='{colour}'/>"
        )
        parts.append(_text(label_w + w + 4, y + 15, format_value(bar.value, bar.unit), 10))
    if reference is not None:
        x = label_w + plot_w * min(reference, top_value) / top_value
        parts.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top - 8}' y2='{height - 26}' stroke='#333' "
            "stroke-dasharray='4 3'/>"
        )
        parts.append(
            _text(
                x,
                top - 10,
                f"threshold for good: {format_value(reference, bars[0].unit)}",
                9,
                anchor="middle",
            )
        )
    return _svg(width, height, title, parts)


def line_chart(title: str, series: Sequence[Series], width: int = 640, height: int = 230) -> str:
    """Monthly lines, one per series (all in one unit); gaps where a month has no data."""
    left, right, top, bottom = 56, 40, 30, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    labels = [p.period for p in series[0].points] if series else []
    values = [p.value for s in series for p in s.points if p.value is not None]
    unit = series[0].unit if series else ""
    top_value = 100.0 if unit == "percent" else (max(values) * 1.15 if values else 1.0)
    parts = [_text(0, 16, title, 13, extra="font-weight='bold'")]
    for tick in range(5):
        y = top + plot_h - plot_h * tick / 4
        parts.append(
            f"<line x1='{left}' x2='{left + plot_w}' y1='{y:.1f}' y2='{y:.1f}' stroke='#ddd'/>"
        )
        parts.append(_text(left - 6, y + 3, _tick(top_value * tick / 4, unit), 9, anchor="end"))
    step = plot_w / max(len(labels) - 1, 1)
    for i, label in enumerate(labels):
        parts.append(_text(left + i * step, top + plot_h + 14, label, 9, anchor="middle"))
    for n, s in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        parts += _polyline(s, colour, (left, top, step, plot_h, top_value))
        ly = top + plot_h + 32 + n * 14
        parts.append(f"<rect x='{left}' y='{ly - 8}' width='10' height='10' fill='{colour}'/>")
        parts.append(_text(left + 14, ly + 1, f"{s.name} ({s.key})", 9))
    if not values:
        parts.append(
            _text(left + plot_w / 2, top + plot_h / 2, "no data in any month", 11, anchor="middle")
        )
    height += 14 * len(series)
    return _svg(width, height, title, parts)


def _polyline(s: Series, colour: str, frame: tuple[float, float, float, float, float]) -> list[str]:
    left, top, step, plot_h, top_value = frame
    parts: list[str] = []
    run: list[str] = []
    for i, p in enumerate([*s.points, None]):
        if p is None or p.value is None:
            if len(run) > 1:
                parts.append(
                    f"<polyline fill='none' stroke='{colour}' stroke-width='2' points='{' '.join(run)}'/>"
                )
            run = []
            continue
        x, y = left + i * step, top + plot_h - plot_h * min(p.value, top_value) / top_value
        run.append(f"{x:.1f},{y:.1f}")
        parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='{colour}'/>")
    return parts


def _svg(width: int, height: int, title: str, parts: list[str]) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' class='chart' viewBox='0 0 {width} {height}' "
        f"width='{width}' height='{height}' role='img' aria-label='{escape(title)}'>"
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )


def _tick(value: float, unit: str) -> str:
    """Axis labels: whole numbers, with the unit's sign."""
    if unit == "percent":
        return f"{value:.0f}%"
    if unit == "minutes":
        return f"{value:,.0f} min"
    return f"{value:,.0f}" if value >= 10 or value == 0 else f"{value:.1f}"
