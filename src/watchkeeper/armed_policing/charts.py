"""SVG charts of the attendance analysis, drawn as plain text (no plotting library needed).

Each chart shows the median and 90th percentile per group, with the expectation as a dashed
line, so the six-monthly threat and risk review can read the gap at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from watchkeeper.armed_policing.analysis import GroupStat

_W, _H, _PAD_L, _PAD_B, _PAD_T = 720, 280, 48, 64, 28


def _scale(top: float) -> float:
    return (_H - _PAD_B - _PAD_T) / top if top > 0 else 0.0


def _frame(title: str, top: float, body: list[str]) -> str:
    k = _scale(top)
    ticks = []
    for i in range(5):
        value = top * i / 4
        y = _H - _PAD_B - value * k
        ticks.append(f'<line x1="{_PAD_L}" x2="{_W - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{_PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10">'
                     f"{value:.0f}</text>")  # fmt: skip
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" '
        f'height="{_H}" role="img" aria-label="{escape(title)}" font-family="sans-serif">'
        f'<title>{escape(title)}</title><rect width="100%" height="100%" fill="#fff"/>'
        f'<text x="{_PAD_L}" y="16" font-size="13">{escape(title)}'
        f"</text>{''.join(ticks)}{''.join(body)}"
        f'<text x="12" y="{_H / 2:.0f}" font-size="10" transform="rotate(-90 12 {_H / 2:.0f})">'
        "minutes</text></svg>"
    )


def bar_chart(title: str, stats: Sequence[GroupStat], expected: float | None) -> str:
    """Bars of the median with a 90th-percentile tick per group, and the expectation line."""
    if not stats:
        return _frame(f"{title} (no attended deployments)", 1.0, [])
    top = max(*(s.p90 for s in stats), expected or 0.0) * 1.1
    k, slot = _scale(top), (_W - _PAD_L - 8) / len(stats)
    body: list[str] = []
    base = _H - _PAD_B
    for i, s in enumerate(stats):
        x = _PAD_L + i * slot
        h = s.median * k
        label = escape(s.key)
        body.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{base - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="#3b6ea8"><title>{label}: median {s.median:.1f}, '
            f"90th {s.p90:.1f}, n={s.count}</title></rect>"
            f'<line x1="{x + slot * 0.15:.1f}" x2="{x + slot * 0.85:.1f}" y1="{base - s.p90 * k:.1f}" '
            f'y2="{base - s.p90 * k:.1f}" stroke="#c0392b" stroke-width="2"/>'
            f'<text x="{x + slot / 2:.1f}" y="{base + 12}" font-size="9" text-anchor="end" '
            f'transform="rotate(-45 {x + slot / 2:.1f} {base + 12})">{label}</text>'
        )
    if expected is not None:
        y = base - expected * k
        body.append(f'<line x1="{_PAD_L}" x2="{_W - 8}" y1="{y:.1f}" y2="{y:.1f}" '
                    f'stroke="#222" stroke-dasharray="6 4"><title>expectation {expected:g} min'
                    "</title></line>")  # fmt: skip
    return _frame(title, top, body)


def line_chart(title: str, stats: Sequence[GroupStat], expected: float | None) -> str:
    """Median and 90th percentile as lines over ordered groups (hours, months)."""
    if not stats:
        return _frame(f"{title} (no attended deployments)", 1.0, [])
    top = max(*(s.p90 for s in stats), expected or 0.0) * 1.1
    k, base = _scale(top), _H - _PAD_B
    step = (_W - _PAD_L - 16) / max(len(stats) - 1, 1)
    body = []
    for attr, colour in (("median", "#3b6ea8"), ("p90", "#c0392b")):
        points = " ".join(f"{_PAD_L + i * step:.1f},{base - getattr(s, attr) * k:.1f}"
                          for i, s in enumerate(stats))  # fmt: skip
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2">'
                    f"<title>{attr}</title></polyline>")  # fmt: skip
    every = max(1, len(stats) // 12)
    body += [
        f'<text x="{_PAD_L + i * step:.1f}" y="{base + 14}" font-size="9" text-anchor="middle">'
        f"{escape(s.key)}</text>"
        for i, s in enumerate(stats) if i % every == 0
    ]  # fmt: skip
    if expected is not None:
        y = base - expected * k
        body.append(f'<line x1="{_PAD_L}" x2="{_W - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#222" '
                    'stroke-dasharray="6 4"/>')  # fmt: skip
    return _frame(title, top, body)
