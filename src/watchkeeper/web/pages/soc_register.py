"""The SOC unit's register page (the OCG register, LRO caseloads, SCPO orders and undecided
consideration cases) and one SCPO order, with their forms: record a group, an SCPO
consideration decision, a compliance check, a breach.

Thin: parse, call the service, show; bad input or a broken rule re-renders the page with the
message next to the field (4xx).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from watchkeeper.kernel.errors import InputError, WatchkeeperError
from watchkeeper.organised_crime.lro import LoadStatus
from watchkeeper.organised_crime.scpo import CHECK_OUTCOMES, DECISIONS
from watchkeeper.web.pages.context import Page, open_get_page, refusal
from watchkeeper.web.pages.rendering import local_time, render
from watchkeeper.web.pages.soc_common import (
    NOTICES,
    Form,
    FormState,
    _choice,
    _day,
    _required_day,
    _submit,
    _text,
    _words,
)

router = APIRouter()


def _register_page(request: Request, page: Page, state: FormState | None = None,
                   status: int = 200, *, every: bool = False, done: str = "") -> Response:  # fmt: skip
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
        fs=state or FormState("", {}), decisions=DECISIONS, notice=NOTICES.get(done, ""),
        orphan=_orphan(state, {f"decide-{c.case_id}" for c in cases}),
    )  # fmt: skip
    return render(request, "soc_register.html", context, status_code=status)


def _orphan(state: FormState | None, shown: set[str]) -> str:
    """The message of a form no longer on the page (e.g. a case decided meanwhile)."""
    if state is None or not state.form_id.startswith("decide-") or state.form_id in shown:
        return ""
    return next(iter(state.errors.values()), "")


@router.get("/soc")
def soc_register(request: Request, every: bool = False, done: str = "") -> Response:
    """Active groups with owner, band, plan and flags; LROs near their cap; orders' next checks."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    return _register_page(request, page, every=every, done=done)


@router.post("/soc/groups")
async def register_group(request: Request) -> Response:
    """Enter a group on the register (name, activities, reach)."""

    def act(page: Page, form: Form) -> str:
        name = _text(form, "name", "Name")
        activities = _words(form, "activities")
        if not activities:
            raise InputError("at least one criminal activity is required (field: activities)")
        group = page.application.soc.register.register_group(
            page.actor, name, activities, _words(form, "reach")
        )
        return f"/soc/groups/{group.group_id}?done=registered"

    return await _submit(request, "group-form", act, _register_page, "/soc")


@router.post("/soc/cases/{case_id}/decision")
async def decide_case(request: Request, case_id: str) -> Response:
    """Record the SCPO consideration decision (apply or not) with its reason."""

    def act(page: Page, form: Form) -> str:
        decision = _choice(form, "decision", "Decision", DECISIONS)
        reason = _text(form, "reason", "Reason")
        page.application.soc.scpo.decide(page.actor, case_id, decision, reason)
        return "/soc?done=decision"

    return await _submit(request, f"decide-{case_id}", act, _register_page, "/soc")


def _order_page(request: Request, page: Page, order_id: str, state: FormState | None = None,
                status: int = 200, *, done: str = "") -> Response:  # fmt: skip
    scpo = page.application.soc.scpo
    try:
        view = scpo.show_order(page.actor, order_id)
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url="/soc")
    zone = page.application.soc.register.policy.timezone
    context = page.context(
        "soc", view=view, outcomes=CHECK_OUTCOMES, today=scpo.today(),
        notice=NOTICES.get(done, ""), fs=state or FormState("", {}),
        when=lambda at: local_time(at, zone, with_date=True),
    )  # fmt: skip
    return render(request, "soc_order.html", context, status_code=status)


@router.get("/soc/orders/{order_id}")
def soc_order(request: Request, order_id: str, done: str = "") -> Response:
    """One SCPO: terms, checks, breaches, the next check and flags."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    return _order_page(request, page, order_id, done=done)


async def _order_submit(request: Request, order_id: str, form_id: str,
                        act: Callable[[Page, Form], str]) -> Response:  # fmt: skip
    def show(request: Request, page: Page, state: FormState | None, status: int) -> Response:
        return _order_page(request, page, order_id, state, status)

    return await _submit(request, form_id, act, show, f"/soc/orders/{order_id}")


@router.post("/soc/orders/{order_id}/checks")
async def record_check(request: Request, order_id: str) -> Response:
    """A compliance check done (today unless a date is given)."""

    def act(page: Page, form: Form) -> str:
        outcome = _choice(form, "outcome", "Outcome", CHECK_OUTCOMES)
        note = _text(form, "note", "Note", required=False)
        done_on = _day(form, "done_on", "Date of the check", required=False)
        page.application.soc.scpo.record_check(page.actor, order_id, outcome, note, done_on)
        return f"/soc/orders/{order_id}?done=check"

    return await _order_submit(request, order_id, "check-form", act)


@router.post("/soc/orders/{order_id}/breaches")
async def record_breach(request: Request, order_id: str) -> Response:
    """A breach of one term (s25 offence), to be referred for enforcement."""

    def act(page: Page, form: Form) -> str:
        scpo = page.application.soc.scpo
        terms = {t.term_id for t in scpo.show_order(page.actor, order_id).order.terms}
        term_id = _choice(form, "term_id", "Term", terms)
        occurred = _required_day(form, "occurred_on", "Date of the breach")
        summary = _text(form, "summary", "Summary")
        scpo.record_breach(page.actor, order_id, term_id, occurred, summary)
        return f"/soc/orders/{order_id}?done=breach"

    return await _order_submit(request, order_id, "breach-form", act)
