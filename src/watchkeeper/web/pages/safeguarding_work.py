"""The safeguarding reading pages and duties (issue 5): intake (what the force already knows
about an address and a person), the person view, "my work", a supervisor's overdue list, the
duty alerts polled onto every page of an officer who owns duties, and acknowledging or
reassigning a duty.

Every view and change goes through the register services, which authorise by role and
audit; a refusal is a page naming what was refused and saying nothing was recorded.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.access.model import Permission
from watchkeeper.duties.clocks import WorkItem
from watchkeeper.kernel.errors import InputError, WatchkeeperError
from watchkeeper.web.api import safeguarding_present as present
from watchkeeper.web.pages import forms
from watchkeeper.web.pages.context import (
    Page,
    form_of,
    local_redirect,
    open_get_page,
    open_page,
    refusal,
)
from watchkeeper.web.pages.rendering import render
from watchkeeper.web.pages.safeguarding_common import NOTICES, _context

router = APIRouter()


# The system's escalation run, from the alerts poll: at most once a minute however many
# screens poll (each run takes the write lock briefly).
ESCALATION_EVERY = timedelta(minutes=1)


ALERT_LIMIT = 6  # of each kind drawn in the panel on every page; the rest on "my work"


@router.get("/intake")
def intake(request: Request, address: str = "", person: str = "") -> Response:
    """What the force already knows about an address and a person, before or while logging."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        if len(address) > 300 or len(person) > 64 or "\x00" in address + person:
            raise InputError("address (300) or person (64) is too long (fields: address, person)")
        facts = page.application.safeguarding.people.intake_summary(page.actor, address, person)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    known = present.known(facts, address, person).known
    context = _context(page, "intake", address=address, person=person, known=known,
                       asked=bool(address or person))  # fmt: skip
    return render(request, "sg_intake.html", context)


@router.get("/people/{person_ref}")
def person(request: Request, person_ref: str) -> Response:
    """One view of a person: names, addresses, incidents and every register the role may see."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        view = page.application.safeguarding.people.show_person(page.actor, person_ref)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    return render(request, "sg_person.html", _context(page, "work", view=view))


@router.get("/work")
def my_work(request: Request, done: str = "") -> Response:
    """Every open duty the officer owns, soonest due first (the overdue lead)."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        items = page.application.safeguarding.duties.my_work(page.actor)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    context = _context(page, "work", items=items, notice=NOTICES.get(done, ""),
                       may_reassign=page.actor.may(Permission.DUTIES_MANAGE))  # fmt: skip
    return render(request, "sg_work.html", context)


@router.get("/work/overdue")
def overdue(request: Request, supervisor: str = "", done: str = "") -> Response:
    """Duties under a supervisor (default: the viewer) overdue past their escalation point."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        if len(supervisor) > 64 or "\x00" in supervisor:
            raise InputError("supervisor is too long (field: supervisor)")
        items = page.application.safeguarding.duties.overdue_for_supervisor(
            page.actor, supervisor or None
        )
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    context = _context(page, "overdue", items=items, supervisor=supervisor or page.actor.username,
                       notice=NOTICES.get(done, ""),
                       may_reassign=page.actor.may(Permission.DUTIES_MANAGE))  # fmt: skip
    return render(request, "sg_overdue.html", context)


# --- the duty alerts, polled onto every page ------------------------------------------------
_escalation_lock = threading.Lock()


def _escalate_if_due(request: Request, page: Page) -> None:
    """Run the system's escalation (unacknowledged overdue duties -> supervisor) now and then."""
    now = page.application.clock.now()
    state = request.app.state
    with _escalation_lock:
        last: datetime | None = getattr(state, "duties_escalated_at", None)
        if last is not None and now - last < ESCALATION_EVERY:
            return
        state.duties_escalated_at = now
    # A missed s85 re-notification becomes a breach owed as a review, then overdue duties
    # (that one included, once late) go up to their supervisors.
    page.application.safeguarding.breaches.raise_due(None)
    page.application.safeguarding.duties.escalate_due(None)


def _alerts_context(request: Request, page: Page) -> dict[str, Any]:
    """Overdue alerts (most overdue first) and new duties (newest first), each up to the limit.

    Read through "my work" (an audited read), so a new duty is never buried behind older
    unacknowledged ones and the panel can link each alert to its record.
    """
    duties = page.application.safeguarding.duties
    _escalate_if_due(request, page)
    alerting = [i for i in duties.my_work(page.actor) if i.alert is not None]
    overdue = [i for i in alerting if i.overdue_by is not None]
    fresh = sorted((i for i in alerting if i.overdue_by is None),
                   key=lambda i: i.duty.assigned_at, reverse=True)  # fmt: skip
    escalated: tuple[WorkItem, ...] = ()
    if page.actor.may(Permission.DUTIES_MANAGE):  # supervisors see what escalated to them
        escalated = tuple(
            i for i in duties.overdue_for_supervisor(page.actor) if i.duty.escalated_at()
        )
    shown = overdue[:ALERT_LIMIT] + fresh[:ALERT_LIMIT]
    return _context(page, "", duty_alerts=shown, alert_count=len(alerting),
                    escalated=escalated, alert_limit=ALERT_LIMIT)  # fmt: skip


@router.get("/duties/alerts")
def duty_alerts(request: Request) -> Response:
    """The owner's duty alerts (and a supervisor's escalations), polled by htmx."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        context = _alerts_context(request, page)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    return render(request, "_duty_alerts.html", context)


@router.post("/duties/acknowledge")
async def acknowledge(request: Request) -> Response:
    """Acknowledge a duty alert; from the polled panel the panel is re-rendered in place."""
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    try:
        form = await form_of(request)
        duty_id = forms.text(form, "duty_id", "Duty")
        await run_in_threadpool(
            page.application.safeguarding.duties.acknowledge, page.actor, duty_id
        )
        if request.headers.get("HX-Request"):
            context = await run_in_threadpool(_alerts_context, request, page)
            return render(request, "_duty_alerts.html", context)
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url="/work")
    back = local_redirect(form.get("next", "") or "/work")
    separator = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{separator}done=acknowledged", status_code=303)


@router.post("/duties/reassign")
async def reassign(request: Request) -> Response:
    """Hand a duty to someone else with a reason (refused without one)."""
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    try:
        form = await form_of(request)
        duty_id = forms.text(form, "duty_id", "Duty")
        to = forms.text(form, "to", "Reassign to")
        reason = forms.text(form, "reason", "Reason")
        duties = page.application.safeguarding.duties
        await run_in_threadpool(duties.reassign, page.actor, duty_id, to, reason)
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url="/work")
    back = local_redirect(form.get("next", "") or "/work")
    return RedirectResponse(f"{back.split('?')[0]}?done=reassigned", status_code=303)
