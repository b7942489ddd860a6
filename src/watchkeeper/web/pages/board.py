"""The backlog board: ranked rows, live refresh, and the alerts that must be acknowledged."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.incidents.alerts import alerts_of
from watchkeeper.incidents.backlog import Backlog, BacklogFilters
from watchkeeper.incidents.policy import BANDS
from watchkeeper.kernel.errors import WatchkeeperError
from watchkeeper.web.pages import forms
from watchkeeper.web.pages.context import Page, form_of, open_get_page, open_page, refusal
from watchkeeper.web.pages.dispatch import board_outlook
from watchkeeper.web.pages.rendering import local_time, render

router = APIRouter()

PAGE_SIZE = 25
ALERT_LIMIT = 6  # more than this and the panel says how many more, rather than scrolling


def _query_string(query: forms.BoardQuery, page: int) -> str:
    f = query.filters
    pairs = {
        "grade": f.grade.value if f.grade else "",
        "band": f.band or "",
        "area": f.area or "",
        "marker": f.marker or "",
        "page": str(page) if page > 1 else "",
    }
    return urlencode({k: v for k, v in pairs.items() if v})


def _live_context(page: Page, backlog: Backlog, query: forms.BoardQuery) -> dict[str, Any]:
    total = len(backlog.rows)
    page_count = max(1, math.ceil(total / PAGE_SIZE))
    number = min(query.page, page_count)
    start = (number - 1) * PAGE_SIZE
    rows = backlog.rows[start : start + PAGE_SIZE]
    zone = page.application.profile.timezone
    return {
        "backlog": backlog,
        "rows": rows,
        "explanations": {r.incident_id: backlog.explain(r.incident_id).factors for r in rows},
        "first_rank": start + 1,
        "last_rank": start + len(rows),
        "shown_total": total,
        "page_number": number,
        "page_count": page_count,
        "prev_url": f"/board?{_query_string(query, number - 1)}" if number > 1 else "",
        "next_url": f"/board?{_query_string(query, number + 1)}" if number < page_count else "",
        "query": _query_string(query, number),
        "as_of": local_time(backlog.as_of, zone),
    }


def _alerts_context(backlog: Backlog) -> dict[str, Any]:
    return {"alerts": alerts_of(backlog), "alert_limit": ALERT_LIMIT}


def _choices(page: Page, query: forms.BoardQuery) -> dict[str, Any]:
    profile = page.application.profile
    return {
        "filters": query.filters,
        "grades": list(profile.grades.values()),
        "bands": BANDS,
        "areas": sorted(profile.areas),
        "markers": sorted(profile.markers.values(), key=lambda m: m.name),
    }


@router.get("/board")
def board(request: Request) -> Response:
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    app = page.application
    try:
        query = forms.board_query(request.query_params, app.profile)
        backlog = app.backlog.current(page.actor, filters=query.filters)
        unfiltered = backlog if query.filters == BacklogFilters() else None
        unfiltered = unfiltered or app.backlog.current(page.actor)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    context = _live_context(page, backlog, query) | _alerts_context(unfiltered)
    context |= board_outlook(page)  # issue 4: breach forecast and recommended units
    return render(request, "board.html", page.context("board", **context, **_choices(page, query)))


@router.get("/board/live")
def board_live(request: Request) -> Response:
    """The summary and rows, polled by htmx every few seconds."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        query = forms.board_query(request.query_params, page.application.profile)
        backlog = page.application.backlog.current(page.actor, filters=query.filters)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    live = _live_context(page, backlog, query) | board_outlook(page)  # issue 4: forecast, units
    return render(request, "_board_live.html", page.context(**live))


@router.get("/board/alerts")
def board_alerts(request: Request) -> Response:
    """The alerts panel, polled by htmx every few seconds."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        backlog = page.application.backlog.current(page.actor)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    return render(request, "_alerts.html", page.context(**_alerts_context(backlog)))


@router.post("/incidents/{ref}/acknowledge")
async def acknowledge(request: Request, ref: str) -> Response:
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    try:
        payload = forms.acknowledge(await form_of(request))
        await run_in_threadpool(page.application.incidents.record, page.actor, ref, payload)
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url="/board")
    return RedirectResponse("/board", status_code=303)
