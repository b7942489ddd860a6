"""One organised crime group's page and its forms: assign or hand over the LRO, record a
disruption, add a member (checked against the nominal index first: the officer picks a
suggested person or confirms a new one, never a silent merge), add a 4P plan and its actions.

Thin: parse, call the service, show; bad input or a broken rule re-renders the page with the
message next to the field (4xx); a refusal (role, missing record) is a page naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.kernel.errors import (
    ConcurrencyConflict,
    DomainRuleViolation,
    InputError,
    WatchkeeperError,
)
from watchkeeper.organised_crime.groups import MEMBER_ROLES
from watchkeeper.organised_crime.services import new_ref
from watchkeeper.people.model import MAX_AGE_YEARS, Person, PersonName
from watchkeeper.safeguarding.people_service import PeopleRegister
from watchkeeper.web.pages.context import (
    Page,
    form_of,
    open_get_page,
    open_page,
    refusal,
    status_for,
)
from watchkeeper.web.pages.rendering import local_time, render
from watchkeeper.web.pages.soc_common import (
    NOTICES,
    Form,
    FormState,
    _choice,
    _day,
    _field_of,
    _required_day,
    _submit,
    _text,
)

router = APIRouter()


NEW_PERSON = "new"


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


def _age(form: Form, name: str, label: str) -> int | None:
    raw = _text(form, name, label, required=False)
    if not raw:
        return None
    if not raw.isdecimal() or int(raw) > MAX_AGE_YEARS:
        raise InputError(
            f"{label} must be a whole number of years up to {MAX_AGE_YEARS}, got {raw!r} "
            f"(field: {name})"
        )
    return int(raw)


def _candidate(form: Form, people: PeopleRegister) -> Person:
    """The person the officer described (a provisional reference until confirmed).

    Without a date of birth the officer may give the age the person gave or looked, from
    and to; it is kept as the years they could have been born in (evidence for matching)."""
    given = _text(form, "given", "Given name")
    family = _text(form, "family", "Family name")
    born = _day(form, "date_of_birth", "Date of birth", required=False)
    youngest = _age(form, "age_from", "Apparent age from")
    oldest = _age(form, "age_to", "Apparent age to")
    low = youngest if youngest is not None else oldest  # one age given: a single age
    high = oldest if oldest is not None else youngest
    if low is None or high is None:
        return Person(new_ref("P"), (PersonName(given, family),), born)
    if born is not None:
        raise InputError("give a date of birth or an apparent age, not both (field: age_from)")
    if high < low:
        raise InputError(f"Apparent age to ({high}) is younger than from ({low}) (field: age_to)")
    estimate = people.birth_years_for_age(low, high)
    return Person(new_ref("P"), (PersonName(given, family),), None, estimated_birth=estimate)


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
        candidate = _candidate(form, people)
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
