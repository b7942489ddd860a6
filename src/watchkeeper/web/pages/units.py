"""The unit register page: every unit's status, skills, shift and position; status changes."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.access.model import Permission
from watchkeeper.dispatch.register import TRANSITIONS, RegisteredUnit, UnitChange
from watchkeeper.dispatch.units import UnitStatus
from watchkeeper.kernel.errors import InputError, WatchkeeperError
from watchkeeper.web.pages import forms
from watchkeeper.web.pages.context import form_of, open_get_page, open_page, refusal
from watchkeeper.web.pages.rendering import local_time, render

router = APIRouter()


@dataclass(frozen=True, slots=True)
class UnitLine:
    unit: RegisteredUnit
    shift: str
    updated: str
    moves: tuple[str, ...]  # the statuses it may be moved to from here


@router.get("/units")
def units(request: Request) -> Response:
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        registered = page.application.dispatch.units(page.actor)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    zone = page.application.profile.timezone
    lines = [
        UnitLine(
            unit,
            f"{local_time(unit.shift_start, zone, True)} – {local_time(unit.shift_end, zone, True)}",
            local_time(unit.updated_at, zone, with_date=True),
            tuple(s.value for s in UnitStatus if s in TRANSITIONS[unit.status]),
        )
        for unit in registered
    ]
    counts = {s.value: sum(1 for u in registered if u.status is s) for s in UnitStatus}
    context = page.context(
        "units",
        units=lines,
        counts=counts,
        may_manage=page.actor.may(Permission.UNITS_MANAGE),
        notice="Status changed." if request.query_params.get("done") == "status" else "",
    )
    return render(request, "units.html", context)


@router.post("/units/{call_sign}/status")
async def change_status(request: Request, call_sign: str) -> Response:
    """Move a unit to another status (only the moves the register allows)."""
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    try:
        form = await form_of(request)
        wanted = forms.text(form, "status", "Status")
        if wanted not in {s.value for s in UnitStatus}:
            raise InputError(f"unknown unit status {wanted!r}")
        change = UnitChange(UnitStatus(wanted), expected_version=forms.expected_version(form))
        await run_in_threadpool(page.application.dispatch.update, page.actor, call_sign, change)
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url="/units")
    return RedirectResponse("/units?done=status", status_code=303)
