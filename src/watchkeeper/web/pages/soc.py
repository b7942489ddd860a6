"""The SOC unit's pages (the OCG register, one group) and the firearms commander's analysis.

The group page also assigns or hands over the LRO and records disruptions; everything else is
written through ``/api/soc`` and ``/api/armed``. Every view and change is authorised and
audited by the services, and a refusal is a page naming what was refused.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from watchkeeper.armed_policing.report import charts_of
from watchkeeper.kernel.errors import InputError, WatchkeeperError
from watchkeeper.organised_crime.lro import LoadStatus
from watchkeeper.web.pages import forms
from watchkeeper.web.pages.context import form_of, open_get_page, open_page, refusal
from watchkeeper.web.pages.rendering import local_time, render

router = APIRouter()
DEFAULT_MONTHS = 6  # the APSTRA is reviewed at least every six months (STANDARDS.md §8)
NOTICES = {"lro": "Lead responsible officer recorded.", "disruption": "Disruption recorded."}


@router.get("/soc")
def soc_register(request: Request, every: bool = False) -> Response:
    """Active groups with owner, band, plan and flags; LROs near their cap; orders' next checks."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    soc = page.application.soc
    try:
        states = None if every else frozenset(soc.register.policy.lifecycle.owner_required)
        groups = soc.register.list_groups(page.actor, states)
        loads = soc.register.caseloads(page.actor)
        orders = soc.scpo.orders(page.actor)
        cases = soc.scpo.considerations(page.actor, undecided_only=True)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    zone = soc.register.policy.timezone
    context = page.context(
        "soc", groups=groups, loads=loads, orders=orders, cases=cases, every=every,
        near=[c for c in loads if c.status is not LoadStatus.WITHIN],
        when=lambda at: local_time(at, zone, with_date=True),
        caseload_source=soc.register.policy.sources["caseload"].source,
    )  # fmt: skip
    return render(request, "soc_register.html", context)


@router.get("/soc/groups/{group_id}")
def soc_group(request: Request, group_id: str, done: str = "") -> Response:
    """One group: members, score with reasons, lifecycle, LRO hand-overs, disruptions, plan."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    soc = page.application.soc
    try:
        view = soc.register.show_group(page.actor, group_id)
        loads = {c.officer: c for c in soc.register.caseloads(page.actor)}
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url="/soc")
    policy = soc.register.policy
    context = page.context(
        "soc", view=view, now=page.application.clock.now(), notice=NOTICES.get(done, ""),
        load=loads.get(view.group.lro or ""), policy=policy,
        when=lambda at: local_time(at, policy.timezone, with_date=True),
    )  # fmt: skip
    return render(request, "soc_group.html", context)


@router.get("/armed")
def armed(request: Request, months: int = DEFAULT_MONTHS) -> Response:
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
    context = page.context("armed", result=result, charts=charts, months=months,
                           policy=service.policy,
                           source=service.policy.sources["expectation"].source)  # fmt: skip
    return render(request, "armed.html", context)


@router.post("/soc/groups/{group_id}/lro")
async def assign_lro(request: Request, group_id: str) -> Response:
    """Assign or hand over the LRO (beyond the cap only with an override reason)."""
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    back = f"/soc/groups/{group_id}"
    try:
        form = await form_of(request)
        officer = forms.text(form, "officer", "Officer")
        reason = forms.text(form, "reason", "Reason")
        override = forms.text(form, "override_reason", "Override reason", required=False)
        register = page.application.soc.register
        await run_in_threadpool(
            register.assign_lro, page.actor, group_id, officer, reason, override
        )
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url=back)
    return RedirectResponse(f"{back}?done=lro", status_code=303)


@router.post("/soc/groups/{group_id}/disruptions")
async def record_disruption(request: Request, group_id: str) -> Response:
    """Record a disruption with its type, 4P strand and assessed impact."""
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    back = f"/soc/groups/{group_id}"
    try:
        form = await form_of(request)
        fields = {name: forms.text(form, name, label) for name, label in (
            ("kind", "Type"), ("impact", "Impact"), ("strand", "Strand"), ("summary", "Summary"))}  # fmt: skip
        register = page.application.soc.register

        def record() -> None:
            register.record_disruption(page.actor, group_id, kind=fields["kind"],
                                       impact=fields["impact"], strand=fields["strand"],
                                       summary=fields["summary"])  # fmt: skip

        await run_in_threadpool(record)
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url=back)
    return RedirectResponse(f"{back}?done=disruption", status_code=303)
