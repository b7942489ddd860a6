"""The SOC unit's pages (the OCG register, one group, one order) and the firearms commander's
analysis, with the forms that write the registers.

From the pages an SOC officer records a group, adds a member (checked against the nominal
index first: the officer picks a suggested person or confirms a new one, never a silent
merge), assigns or hands over the LRO, adds a 4P plan and its actions, records disruptions,
SCPO consideration decisions, compliance checks and breaches. A firearms commander derives
armed deployments from the incident log. Every view and change is authorised and audited by
the services. Bad input or a broken rule re-renders the page with the message next to the
field (4xx); a refusal (role, missing record) is a page naming what was refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from watchkeeper.armed_policing.report import charts_of
from watchkeeper.kernel.errors import (
    ConcurrencyConflict,
    DomainRuleViolation,
    InputError,
    WatchkeeperError,
)
from watchkeeper.organised_crime.groups import MEMBER_ROLES
from watchkeeper.organised_crime.lro import LoadStatus
from watchkeeper.organised_crime.scpo import CHECK_OUTCOMES, DECISIONS
from watchkeeper.organised_crime.services import new_ref
from watchkeeper.people.model import Person, PersonName
from watchkeeper.web.pages.context import (
    Page,
    form_of,
    open_get_page,
    open_page,
    refusal,
    status_for,
)
from watchkeeper.web.pages.rendering import local_time, render

router = APIRouter()
DEFAULT_MONTHS = 6  # the APSTRA is reviewed at least every six months (STANDARDS.md §8)
MAX_TEXT = 2000  # longer free text is refused, not truncated
NOTICES = {
    "lro": "Lead responsible officer recorded.",
    "disruption": "Disruption recorded.",
    "registered": "Group entered on the register.",
    "member": "Member added.",
    "plan": "4P plan recorded.",
    "action": "4P action added.",
    "decision": "SCPO consideration decision recorded.",
    "check": "Compliance check recorded.",
    "breach": "Breach recorded; refer it for enforcement.",
}
NEW_PERSON = "new"
_FIELD = re.compile(r"\(fields?: ([A-Za-z_.]+)")
Form = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class FormState:
    """A form sent back to its author: what they posted and the messages by field."""

    form_id: str
    values: Form
    errors: dict[str, str] = field(default_factory=dict)  # "" holds a form-level message
    suggestions: tuple[Any, ...] | None = None  # member form: (MatchSuggestion, Person) pairs

    def value(self, form_id: str, name: str, default: str = "") -> str:
        return str(self.values.get(name, default)) if form_id == self.form_id else default

    def error(self, form_id: str, name: str) -> str:
        return self.errors.get(name, "") if form_id == self.form_id else ""


def _text(form: Form, name: str, label: str, required: bool = True) -> str:
    value = str(form.get(name, "")).strip()
    if required and not value:
        raise InputError(f"{label} is required (field: {name})")
    if len(value) > MAX_TEXT:
        raise InputError(f"{label} is longer than {MAX_TEXT} characters (field: {name})")
    return value


def _choice(form: Form, name: str, label: str, allowed: Any) -> str:
    value = _text(form, name, label)
    if value not in allowed:
        raise InputError(f"{label} {value!r} is not one of {', '.join(sorted(allowed))} "
                         f"(field: {name})")  # fmt: skip
    return value


def _day(form: Form, name: str, label: str, required: bool = True) -> date | None:
    raw = _text(form, name, label, required)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(
            f"{label} must be a date (YYYY-MM-DD), got {raw!r} (field: {name})"
        ) from None


def _required_day(form: Form, name: str, label: str) -> date:
    day = _day(form, name, label)
    if day is None:  # _day refuses a blank required field; this keeps the type exact
        raise InputError(f"{label} is required (field: {name})")
    return day


def _words(form: Form, name: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in _text(form, name, name, required=False).split(",") if w.strip())


def _field_of(message: str, form: Form, aliases: Mapping[str, str]) -> str:
    """The posted field a message names (``field: x``), or "" for the form as a whole."""
    found = _FIELD.search(message)
    if not found:
        return ""
    name = aliases.get(found.group(1), found.group(1))
    return name if name in form else ""


async def _submit(
    request: Request,
    form_id: str,
    act: Callable[[Page, Form], str],
    show: Callable[[Request, Page, FormState | None, int], Response],
    back: str,
    *,
    aliases: Mapping[str, str] | None = None,
) -> Response:
    """Open the page (CSRF), run ``act`` in the threadpool and follow the URL it returns.

    Bad input, a broken rule or a concurrent change re-renders the page with the message by
    its field and the posted values kept (4xx); any other refusal is a refusal page.
    """
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    form: Form = {}
    try:
        form = await form_of(request)
        target = await run_in_threadpool(act, page, form)
    except (InputError, DomainRuleViolation, ConcurrencyConflict) as exc:
        state = FormState(form_id, form, {_field_of(exc.message, form, aliases or {}): exc.message})
        return await run_in_threadpool(show, request, page, state, status_for(exc))
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url=back)
    return RedirectResponse(target, status_code=303)


# --- the register -------------------------------------------------------------------------
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


# --- one group ----------------------------------------------------------------------------
def _group_page(request: Request, page: Page, group_id: str, state: FormState | None = None,
                status: int = 200, *, done: str = "") -> Response:  # fmt: skip
    soc = page.application.soc
    try:
        view = soc.register.show_group(page.actor, group_id)
        loads = {c.officer: c for c in soc.register.caseloads(page.actor)}
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url="/soc")
    policy = soc.register.policy
    context = page.context(
        "soc", view=view, now=page.application.clock.now(), notice=NOTICES.get(done, ""),
        load=loads.get(view.group.lro or ""), policy=policy, roles=MEMBER_ROLES,
        when=lambda at: local_time(at, policy.timezone, with_date=True),
        fs=state or FormState("", {}), new_person=NEW_PERSON,
        problem=_hidden_form_problem(state, view.group.state in policy.lifecycle.closed),
    )  # fmt: skip
    return render(request, "soc_group.html", context, status_code=status)


def _hidden_form_problem(state: FormState | None, closed: bool) -> str:
    """A closed group's page has no forms: a refusal (e.g. the group was archived meanwhile)
    is shown at the top instead of next to a field that is not there."""
    if state is None or not closed or not state.errors or state.form_id == "lro-form":
        return ""  # the LRO form stays on a closed group's page and shows its own errors
    return next(iter(state.errors.values()))


@router.get("/soc/groups/{group_id}")
def soc_group(request: Request, group_id: str, done: str = "") -> Response:
    """One group: members, score with reasons, lifecycle, LRO hand-overs, disruptions, plan."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    return _group_page(request, page, group_id, done=done)


async def _group_submit(request: Request, group_id: str, form_id: str,
                        act: Callable[[Page, Form], str],
                        aliases: Mapping[str, str] | None = None) -> Response:  # fmt: skip
    def show(request: Request, page: Page, state: FormState | None, status: int) -> Response:
        return _group_page(request, page, group_id, state, status)

    return await _submit(request, form_id, act, show, f"/soc/groups/{group_id}", aliases=aliases)


@router.post("/soc/groups/{group_id}/lro")
async def assign_lro(request: Request, group_id: str) -> Response:
    """Assign or hand over the LRO (beyond the cap only with an override reason)."""

    def act(page: Page, form: Form) -> str:
        officer = _text(form, "officer", "Officer")
        reason = _text(form, "reason", "Reason")
        override = _text(form, "override_reason", "Override reason", required=False)
        page.application.soc.register.assign_lro(page.actor, group_id, officer, reason, override)
        return f"/soc/groups/{group_id}?done=lro"

    return await _group_submit(request, group_id, "lro-form", act)


@router.post("/soc/groups/{group_id}/disruptions")
async def record_disruption(request: Request, group_id: str) -> Response:
    """Record a disruption with its type, 4P strand and assessed impact."""

    def act(page: Page, form: Form) -> str:
        register = page.application.soc.register
        policy = register.policy
        register.record_disruption(
            page.actor, group_id,
            kind=_choice(form, "kind", "Type", policy.disruption_types),
            impact=_choice(form, "impact", "Assessed impact", policy.disruption_impacts),
            strand=_choice(form, "strand", "Strand", policy.strands),
            summary=_text(form, "summary", "Summary"),
        )  # fmt: skip
        return f"/soc/groups/{group_id}?done=disruption"

    return await _group_submit(request, group_id, "disruption-form", act)


class _Suggest(Exception):
    """Control flow: show the index's suggestions, write nothing."""

    def __init__(self, found: tuple[Any, ...]) -> None:
        super().__init__("suggestions")
        self.found = found


def _candidate(form: Form) -> Person:
    """The person the officer described (a provisional reference until confirmed)."""
    given = _text(form, "given", "Given name")
    family = _text(form, "family", "Family name")
    born = _day(form, "date_of_birth", "Date of birth", required=False)
    return Person(new_ref("P"), (PersonName(given, family),), born)


@router.post("/soc/groups/{group_id}/members")
async def add_member(request: Request, group_id: str) -> Response:
    """Add a member found by name and date of birth on the nominal index.

    The first post shows the index's match suggestions (nothing is written); the officer then
    picks a suggested person, or confirms a new nominal, and only then is the member added.
    """
    form_id = "member-form"

    def act(page: Page, form: Form) -> str:
        soc, people = page.application.soc, page.application.safeguarding.people
        role = _choice(form, "role", "Role", MEMBER_ROLES)
        candidate = _candidate(form)
        found = people.match_candidates(page.actor, candidate)
        choice = str(form.get("choice", "")).strip()
        if not choice:
            raise _Suggest(tuple(found))
        if choice == NEW_PERSON:  # one transaction: the person and the membership, or neither
            soc.register.add_new_member(page.actor, group_id, candidate, role)
            return f"/soc/groups/{group_id}?done=member"
        if choice in {s.person_ref for s, _ in found}:
            person_ref = choice
        else:
            raise InputError("choose one of the suggested people or confirm a new nominal "
                             "(field: choice)")  # fmt: skip
        soc.register.add_member(page.actor, group_id, person_ref, role)
        return f"/soc/groups/{group_id}?done=member"

    page = await open_page(request)
    if isinstance(page, Response):
        return page
    form: Form = {}
    try:
        form = await form_of(request)
        target = await run_in_threadpool(act, page, form)
    except _Suggest as suggest:
        state = FormState(form_id, form, {}, suggest.found)
        return await run_in_threadpool(_group_page, request, page, group_id, state, 200)
    except (InputError, DomainRuleViolation, ConcurrencyConflict) as exc:
        name = _field_of(exc.message, form, {"names.given": "given", "names.family": "family"})
        state = FormState(form_id, form, {name: exc.message})
        return await run_in_threadpool(_group_page, request, page, group_id, state, status_for(exc))
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url=f"/soc/groups/{group_id}")
    return RedirectResponse(target, status_code=303)


@router.post("/soc/groups/{group_id}/plan")
async def create_plan(request: Request, group_id: str) -> Response:
    """A 4P plan: an objective under each strand it addresses."""

    def act(page: Page, form: Form) -> str:
        register = page.application.soc.register
        objectives = {s: _text(form, f"objective_{s}", f"{s} objective", required=False)
                      for s in register.policy.strands}  # fmt: skip
        register.create_plan(page.actor, group_id, {k: v for k, v in objectives.items() if v})
        return f"/soc/groups/{group_id}?done=plan"

    aliases = {"objectives": "objective_pursue"}
    return await _group_submit(request, group_id, "plan-form", act, aliases)


@router.post("/soc/groups/{group_id}/actions")
async def add_action(request: Request, group_id: str) -> Response:
    """A 4P action with its owner, supervisor and due date (a duty that escalates)."""

    def act(page: Page, form: Form) -> str:
        register = page.application.soc.register
        due = _required_day(form, "due_on", "Due date")
        zone = register.policy.timezone
        due_at = datetime(due.year, due.month, due.day, tzinfo=zone) + timedelta(days=1, seconds=-1)
        register.add_action(
            page.actor, group_id,
            strand=_choice(form, "strand", "Strand", register.policy.strands),
            description=_text(form, "description", "Action"),
            owner=_text(form, "owner", "Owner"), supervisor=_text(form, "supervisor", "Supervisor"),
            due_at=due_at,
        )  # fmt: skip
        return f"/soc/groups/{group_id}?done=action"

    return await _group_submit(request, group_id, "action-form", act, {"due_at": "due_on"})


# --- one order ----------------------------------------------------------------------------
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


# --- armed response -----------------------------------------------------------------------
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
