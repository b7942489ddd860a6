"""The duty inspector's backlog review and the map (the unit register is ``units.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from watchkeeper.incidents.backlog import Backlog
from watchkeeper.kernel.errors import WatchkeeperError
from watchkeeper.web.pages.context import Page, open_get_page, refusal
from watchkeeper.web.pages.drawing import project, trend_chart
from watchkeeper.web.pages.rendering import local_time, render

router = APIRouter()

SHIFT = timedelta(hours=12)
STEP = timedelta(hours=1)


@router.get("/review")
def review(request: Request) -> Response:
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    now = page.application.clock.now()
    try:
        trend = page.application.backlog.trend(page.actor, now - SHIFT, now, STEP)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    zone = page.application.profile.timezone
    labels = [local_time(s.as_of, zone) for s in trend]
    chart = trend_chart(
        labels,
        [
            ("open", "s-open", [float(s.total_open) for s in trend]),
            ("breached", "s-breached", [float(s.breached) for s in trend]),
            ("no contact", "s-no-contact", [float(s.no_contact) for s in trend]),
        ],
    )
    context = page.context(
        "review",
        summary=trend[-1],
        as_of=local_time(now, zone),
        chart=chart,
        trend=list(zip(labels, trend, strict=True)),
    )
    return render(request, "review.html", context)


@dataclass(frozen=True, slots=True)
class MapPoint:
    incident_id: str
    band: str
    score: float
    category: str
    units: tuple[str, ...]
    x: float
    y: float
    radius: int


RADIUS = {"critical": 9, "high": 7, "medium": 6, "low": 5}


def _map_context(page: Page, backlog: Backlog) -> dict[str, Any]:
    placed = [
        (row, backlog.states[row.incident_id].location)
        for row in backlog.rows
        if backlog.states[row.incident_id].location.lat is not None
        and backlog.states[row.incident_id].location.lon is not None
    ]
    projection = project([(loc.lat or 0.0, loc.lon or 0.0) for _, loc in placed])
    points = []
    for row, loc in reversed(placed):  # lowest risk drawn first, so the highest sits on top
        x, y = projection.xy(loc.lat or 0.0, loc.lon or 0.0)
        units = backlog.states[row.incident_id].units
        points.append(
            MapPoint(
                row.incident_id, row.band, row.score, row.category, units, x, y, RADIUS[row.band]
            )
        )
    return {"points": points, "projection": projection, "unplaced": len(backlog.rows) - len(placed)}


@router.get("/map")
def incident_map(request: Request) -> Response:
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        backlog = page.application.backlog.current(page.actor)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    return render(request, "map.html", page.context("map", **_map_context(page, backlog)))
