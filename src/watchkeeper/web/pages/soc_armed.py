"""The firearms commander's page: the armed response attendance analysis, with armed
deployments derived from the incident log. Authorised and audited by the services; a refusal
is a page naming what was refused.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from watchkeeper.armed_policing.report import charts_of
from watchkeeper.kernel.errors import InputError, WatchkeeperError
from watchkeeper.web.pages.context import open_get_page, open_page, refusal
from watchkeeper.web.pages.rendering import render

router = APIRouter()


DEFAULT_MONTHS = 6  # the APSTRA is reviewed at least every six months (STANDARDS.md §8)


@router.get("/armed")
def armed(request: Request, months: int = DEFAULT_MONTHS, *, done: str = "", added: int = 0,
          updated: int = 0, skipped: int = 0) -> Response:  # fmt: skip
    """The attendance analysis for the last N months, with charts, slowest and outliers."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    service = page.application.soc.armed
    end = page.application.clock.now()
    try:
        if not 1 <= months <= 60:
            raise InputError("months must be between 1 and 60 (field: months)")
        result = service.analyse(page.actor, end - timedelta(days=round(months * 30.44)), end)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    # the charts are drawn by armed_policing.charts, which escapes every label it writes
    charts = {name: Markup(svg) for name, svg in charts_of(result, service.policy).items()}  # noqa: S704
    notice = (f"Derived from the incident log: {added} added, {updated} updated, {skipped} "
              "armed incidents skipped (no ARV sent yet, or times out of order)."
              if done == "derived" else "")  # fmt: skip
    context = page.context("armed", result=result, charts=charts, months=months,
                           policy=service.policy, notice=notice,
                           source=service.policy.sources["expectation"].source)  # fmt: skip
    return render(request, "armed.html", context)


@router.post("/armed/derive")
async def derive_from_log(request: Request) -> Response:
    """Derive armed deployments from the incident log (idempotent), then show the analysis."""
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    try:
        done = await run_in_threadpool(page.application.soc.armed.derive_from_log, page.actor)
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url="/armed")
    query = urlencode({"done": "derived", "added": done.added, "updated": done.updated,
                       "skipped": len(done.skipped)})  # fmt: skip
    return RedirectResponse(f"/armed?{query}", status_code=303)
