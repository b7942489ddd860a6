"""The missing person pages (issue 5): report a person missing with the call handler's
questions rendered from their form data, the episode, and its steps (supervisory review,
found / returned, the safe-and-well check, the return home interview offered).

Thin: parse, call the register service, show; a refused form re-renders the episode page
with the domain's message at the field it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from watchkeeper.access.model import Permission
from watchkeeper.kernel.errors import InputError, WatchkeeperError
from watchkeeper.safeguarding.missing import MissingRisk
from watchkeeper.safeguarding.missing_service import CALL_FORM_ID, NewMissingReport
from watchkeeper.safeguarding.service_core import Assignment
from watchkeeper.web.pages import forms
from watchkeeper.web.pages import safeguarding_forms as sgf
from watchkeeper.web.pages.context import Page, open_get_page, refusal
from watchkeeper.web.pages.rendering import render
from watchkeeper.web.pages.safeguarding_common import (
    NOTICES,
    _act,
    _context,
    _moment,
    _Refusals,
)
from watchkeeper.web.pages.safeguarding_forms import NO_REFUSAL, FieldSpec, FormRefusal

router = APIRouter()


MISSING_FIELDS = {
    "report": (FieldSpec("episode_ref", "Episode reference", ("already exists",)),
               FieldSpec("person_ref", "Person", ("no person", "date of birth")),
               FieldSpec("reported_at", "Reported at", ("reported_at",)),
               FieldSpec("risk", "Risk level", ("missing-person risk",)),
               FieldSpec("supervisor_rationale", "Rationale", ("categorisation rule",)),
               FieldSpec("date_of_birth", "Date of birth", ("date of birth",)),
               FieldSpec("address_ref", "Address", ("no address",)),
               FieldSpec("incident_id", "Incident", ("no incident",)),
               FieldSpec("owner", "Owner"), FieldSpec("supervisor", "Supervisor")),
    "review": (FieldSpec("level", "Risk level", ("categorisation rule", "missing-person risk")),
               FieldSpec("rationale", "Rationale", ("rationale",)),
               FieldSpec("at", "When", ("dated before", "in the future"))),
    "found": (FieldSpec("at", "When", ("dated before", "in the future")),),
    "safe-and-well": (FieldSpec("at", "When", ("dated before", "in the future")),),
    "rhi": (FieldSpec("at", "When", ("dated before", "in the future")),),
}  # fmt: skip


@router.get("/missing/new")
def new_missing(request: Request, person: str = "", incident: str = "") -> Response:
    """Report a person missing: the call handler's questions rendered from their form data."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        page.application.safeguarding.context.trail.authorise(
            page.actor, Permission.MISSING_MANAGE, ("missing-episode", "new")
        )
        if len(person) > 64 or len(incident) > 64 or "\x00" in person + incident:
            raise InputError("person or incident reference is too long (fields: person, incident)")
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    prefill = {"person_ref": person, "incident_id": incident, "owner": page.actor.username}
    return _new_missing_page(request, page, prefill, NO_REFUSAL)


def _new_missing_page(
    request: Request, page: Page, prefill: Mapping[str, str], refused: FormRefusal
) -> Response:
    sg = page.application.safeguarding
    zone = sg.context.policy.timezone
    now_local = page.application.clock.now().astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    answers = refused.answers("report") or {}
    context = _context(
        page, "work", prefill=prefill, refused=refused, answers=answers, now_local=now_local,
        questions=sg.missing.call_handler_questions(), choices=sgf.ANSWERS,
        levels=[r.value for r in MissingRisk],
        markers=sorted(sg.context.policy.missing.protected_markers - {"looked-after"}),
        problem="" if refused is NO_REFUSAL else "The episode was not reported.",
    )  # fmt: skip
    return render(request, "sg_missing_new.html", context, status_code=refused.status)


@router.post("/missing")
async def report_missing(request: Request) -> Response:
    """Open the episode with the call handler's answers; the categorisation rule applies."""

    def act(page: Page, form: Mapping[str, str]) -> object:
        sg = page.application.safeguarding
        zone = sg.context.policy.timezone
        reported = sgf.moment(form, "reported_at", "Reported at", zone)
        markers = frozenset(m for m in sg.context.policy.missing.protected_markers
                            if form.get(f"marker-{m}") == "yes")  # fmt: skip
        report = NewMissingReport(
            sgf.reference(form, "episode_ref", "Episode reference"),
            sgf.reference(form, "person_ref", "Person"),
            reported or page.application.clock.now(),
            forms.text(form, "risk", "Risk level"),
            sgf.risk_answers(sg.context.form(CALL_FORM_ID), form),
            Assignment(sgf.reference(form, "owner", "Owner", required=False) or page.actor.username,
                       sgf.reference(form, "supervisor", "Supervisor")),
            looked_after=form.get("looked_after") == "yes", markers=markers,
            supervisor_rationale=forms.text(form, "supervisor_rationale", "Rationale",
                                            required=False) or None,
            date_of_birth=sgf.day(form, "date_of_birth", "Date of birth", required=False),
            address_ref=sgf.reference(form, "address_ref", "Address", required=False) or None,
            incident_id=sgf.reference(form, "incident_id", "Incident", required=False) or None,
        )  # fmt: skip
        return sg.missing.report(page.actor, report)

    def rerender(page: Page, refused: FormRefusal) -> Response:
        return _new_missing_page(request, page, refused.posted, refused)

    def reported(page: Page, record: object) -> Response:
        ref = getattr(record, "episode_ref", "")
        return RedirectResponse(f"/missing/{ref}?done=reported", status_code=303)

    keys = [q.key for q in _call_questions(request)]
    refusals = _Refusals("report", MISSING_FIELDS["report"], rerender, keys)
    return await _act(request, "/missing/new", "reported", act, refusals, show=reported)


def _call_questions(request: Request) -> tuple[Any, ...]:
    application = request.app.state.application
    return tuple(application.safeguarding.missing.call_handler_questions())


@router.get("/missing/{episode_ref}")
def missing(request: Request, episode_ref: str, done: str = "") -> Response:
    """A missing episode: the call-handler answers, risk, flags, reviews, found, S&W, RHI."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        return _missing_page(request, page, episode_ref, NOTICES.get(done, ""), NO_REFUSAL)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)


def _missing_page(
    request: Request, page: Page, episode_ref: str, notice: str, refused: FormRefusal
) -> Response:
    sg = page.application.safeguarding
    view = sg.missing.show(page.actor, episode_ref)
    questions = sg.missing.call_handler_questions()
    context = _context(page, "work", view=view, episode=view.record.episode,
                       questions=questions, levels=[r.value for r in MissingRisk],
                       notice=notice, refused=refused,
                       problem="" if refused is NO_REFUSAL else "Not recorded: see the form below.")  # fmt: skip
    return render(request, "sg_missing.html", context, status_code=refused.status)


def _missing_refusals(request: Request, episode_ref: str, form: str) -> _Refusals:
    def rerender(page: Page, refused: FormRefusal) -> Response:
        if form not in MISSING_FIELDS:  # no such form on the page: say so on its own
            return refusal(request, page, InputError(refused.message), f"/missing/{episode_ref}")
        return _missing_page(request, page, episode_ref, "", refused)

    return _Refusals(form, MISSING_FIELDS.get(form, ()), rerender)


@router.post("/missing/{episode_ref}/review")
async def review_episode(request: Request, episode_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        level = forms.text(form, "level", "Risk level")
        rationale = forms.text(form, "rationale", "Rationale")
        return page.application.safeguarding.missing.record_review(
            page.actor, episode_ref, level, rationale, _moment(form, page)
        )

    refusals = _missing_refusals(request, episode_ref, "review")
    return await _act(request, f"/missing/{episode_ref}", "review", act, refusals)


_EPISODE_STEPS = {"found": "record_found", "safe-and-well": "record_safe_and_well",
                  "rhi": "record_rhi_offered"}  # fmt: skip


@router.post("/missing/{episode_ref}/{step}")
async def episode_step(request: Request, episode_ref: str, step: str) -> Response:
    """Found / returned, the safe-and-well check, the return home interview offered."""

    def act(page: Page, form: Mapping[str, str]) -> object:
        if step not in _EPISODE_STEPS:
            raise InputError(f"unknown step {step!r} (one of {', '.join(_EPISODE_STEPS)})")
        record = getattr(page.application.safeguarding.missing, _EPISODE_STEPS[step])
        return record(page.actor, episode_ref, _moment(form, page))

    refusals = _missing_refusals(request, episode_ref, step)
    return await _act(request, f"/missing/{episode_ref}", step, act, refusals)
