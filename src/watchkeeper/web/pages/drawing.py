"""Geometry for the server-drawn SVGs: the shift trend chart and the incident map.

Presentation only: scales numbers onto a canvas. No charting library and no map tiles,
because the control room's network is closed (DESIGN.md, technology: web).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a chart: its name, its colour class, and its points on the canvas."""

    name: str
    css_class: str
    points: str  # an SVG polyline "x,y x,y ..."
    last: float


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    top: float
    series: tuple[Series, ...]
    x_labels: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]


CHART_W, CHART_H, PAD = 640, 220, 36


def trend_chart(labels: Sequence[str], lines: Sequence[tuple[str, str, Sequence[float]]]) -> Chart:
    """Scale each (name, css class, values) onto one shared canvas, zero at the bottom."""
    top = max((max(values, default=0.0) for _, _, values in lines), default=0.0)
    top = max(1.0, math.ceil(top / 5.0) * 5.0)
    count = max(len(labels), 2)

    def x(i: int) -> float:
        return PAD + i * (CHART_W - 2 * PAD) / (count - 1)

    def y(v: float) -> float:
        return CHART_H - PAD - v / top * (CHART_H - 2 * PAD)

    series = tuple(
        Series(
            name,
            css,
            " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values)),
            values[-1] if values else 0.0,
        )
        for name, css, values in lines
    )
    step = max(1, len(labels) // 6)
    x_labels = tuple((x(i), label) for i, label in enumerate(labels) if i % step == 0)
    y_ticks = tuple((y(top * f), f"{top * f:g}") for f in (0.0, 0.5, 1.0))
    return Chart(CHART_W, CHART_H, top, series, x_labels, y_ticks)


@dataclass(frozen=True, slots=True)
class Projection:
    """Equirectangular projection of a lat/lon bounding box onto a canvas."""

    south: float
    west: float
    scale_x: float
    scale_y: float
    width: float
    height: float
    margin: float

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x = self.margin + (lon - self.west) * self.scale_x
        y = self.height - self.margin - (lat - self.south) * self.scale_y
        return round(x, 1), round(y, 1)


def project(points: Sequence[tuple[float, float]], width: float = 900.0) -> Projection:
    """Fit (lat, lon) points into ``width``; longitude shrinks by cos(latitude)."""
    margin = 30.0
    lats = [p[0] for p in points] or [0.0]
    lons = [p[1] for p in points] or [0.0]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    shrink = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * shrink, 1e-6)
    span_y = max(north - south, 1e-6)
    inner = width - 2 * margin
    per_degree = inner / max(span_x, span_y)
    height = span_y * per_degree + 2 * margin
    if span_y > span_x:
        width = span_x * per_degree + 2 * margin
    return Projection(south, west, per_degree * shrink, per_degree, width, height, margin)
