"""Dispatch on the pages: the board's forecast and recommended units, Accept and Override.

The board never waits for the outlook (``wait=False``): it shows the last one computed,
with its time, while a fresh one is computed in the background. The incident page and
the Accept / Override posts use the current one.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.access.model import Permission
from watchkeeper.dispatch.units import UnitStatus
from watchkeeper.incidents.services import IncidentView
from watchkeeper.kernel.errors import WatchkeeperError
from watchkeeper.web.pages import forms
from watchkeeper.web.pages.context import Page, form_of, open_page, refusal
from watchkeeper.web.pages.rendering import local_time

router = APIRouter()

DONE = {
    "dispatch-accept": "Recommended unit sent.",
    "dispatch-override": "Unit sent by override.",
}


def board_outlook(page: Page) -> dict[str, Any]:
    """The outlook for the board's rows, or None for roles that may not see it."""
    if not page.actor.may(Permission.DISPATCH_RECOMMEND):
        return {"outlook": None}
    try:
        # The board's own backlog read is audited (one row per refresh): not a second row.
        outlook = page.application.dispatch.outlook(page.actor, wait=False, audit=False)
    except WatchkeeperError:
        return {"outlook": None}
    zone = page.application.profile.timezone
    return {"outlook": outlook, "outlook_at": local_time(outlook.as_of, zone)}


def incident_dispatch(page: Page, view: IncidentView) -> dict[str, Any]:
    """The incident page's recommended unit, its reasons, the forecast and override choices."""
    empty: dict[str, Any] = {"dispatch": None}
    if not view.state.is_open or not page.actor.may(Permission.DISPATCH_RECOMMEND):
        return empty
    service = page.application.dispatch
    outlook = service.outlook(page.actor)
    incident_id = view.state.incident_id
    available = [u for u in service.units(page.actor) if u.status is UnitStatus.AVAILABLE]
    return {
        "dispatch": {
            "picks": outlook.picks_for(incident_id),
            "shortfall": outlook.shortfall_for(incident_id),
            "forecast": outlook.forecast_for(incident_id),
            "available": available,
            "may_assign": page.actor.may(Permission.INCIDENT_ASSIGN),
        }
    }


@router.post("/incidents/{ref}/dispatch/{choice}")
async def dispatch_unit(request: Request, ref: str, choice: str) -> Response:
    """Accept the recommended unit, or override it with another and a reason."""
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    back = f"/incidents/{ref}"
    service = page.application.dispatch
    try:
        form = await form_of(request)
        unit = forms.text(form, "unit", "Unit call sign")
        version = forms.expected_version(form)
        if choice == "accept":
            await run_in_threadpool(service.accept, page.actor, ref, unit, version)
        elif choice == "override":
            reason = forms.text(form, "reason", "Reason for the override")
            await run_in_threadpool(service.override, page.actor, ref, unit, reason, version)
        else:
            return Response(status_code=404)
    except WatchkeeperError as exc:  # refused (403), unknown (404), rule or race (409), input
        return refusal(request, page, exc, back_url=back)
    return RedirectResponse(f"{back}?done=dispatch-{choice}", status_code=303)
