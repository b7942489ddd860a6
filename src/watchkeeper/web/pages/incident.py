"""The incident page: the log as a timeline, state, risk, THRIVE and the quick actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.access.model import Permission
from watchkeeper.incidents import attendance
from watchkeeper.incidents.entries import (
    EntryPayload,
    FirearmsAuthorised,
    Level,
    Struck,
    ThriveElement,
)
from watchkeeper.incidents.narrative import describe
from watchkeeper.incidents.services import IncidentView
from watchkeeper.kernel.errors import WatchkeeperError
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.web.pages import forms
from watchkeeper.web.pages.context import (
    Page,
    form_of,
    open_get_page,
    open_page,
    refusal,
    status_for,
)
from watchkeeper.web.pages.dispatch import DONE as DISPATCH_DONE
from watchkeeper.web.pages.dispatch import incident_dispatch
from watchkeeper.web.pages.rendering import local_time, render

router = APIRouter()

# Suggestions only (the field is free text): the force profile has no closing categories
# yet, so these are the demo generator's categories (resources/synthetic/demo.toml).
CLOSING_SUGGESTIONS = (
    "advice-given",
    "crime-recorded",
    "no-further-action",
    "referred-to-partner",
    "unfounded",
    "gone-on-arrival",
)
ACTION_PERMISSIONS = {
    "contact": Permission.INCIDENT_CONTACT,
    "regrade": Permission.INCIDENT_GRADE,
    "review": Permission.INCIDENT_REVIEW,
    "assign": Permission.INCIDENT_ASSIGN,
    "close": Permission.INCIDENT_CLOSE,
    "thrive": Permission.INCIDENT_THRIVE,
    # issue 6: the control room logs a firearms authority given (as incidents.services does)
    "firearms": Permission.INCIDENT_ASSIGN,
}
FIREARMS_DONE = {"firearms": "Firearms authorisation recorded."}


def _firearms(form: forms.Form) -> FirearmsAuthorised:
    """The firearms authorisation form: who authorised (required) and on what basis."""
    by = forms.text(form, "authorised_by", "Authorised by")
    return FirearmsAuthorised(by, forms.text(form, "basis", "Basis", required=False))


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    seq: int
    at: str
    iso: str
    author: str
    kind: str
    text: str
    struck_reason: str | None


@dataclass(frozen=True, slots=True)
class ThriveRow:
    element: ThriveElement
    level: Level
    rationale: str


def _timeline(view: IncidentView, page: Page) -> list[TimelineEntry]:
    zone = page.application.profile.timezone
    reasons = {
        e.payload.target_seq: e.payload.reason
        for e in view.incident.entries
        if isinstance(e.payload, Struck)
    }
    return [
        TimelineEntry(
            e.seq,
            local_time(e.at, zone, with_date=True),
            e.at.isoformat(),
            e.author,
            e.payload.kind,
            describe(e.payload),
            reasons.get(e.seq),
        )
        for e in view.incident.entries
    ]


def _thrive_rows(view: IncidentView) -> list[ThriveRow]:
    ratings = view.state.thrive.ratings if view.state.thrive else {}
    rows = []
    for element in ThriveElement:
        rating = ratings.get(element)
        rows.append(
            ThriveRow(
                element, rating.level if rating else Level.NONE, rating.rationale if rating else ""
            )
        )
    return rows


def _risk(page: Page, view: IncidentView) -> dict[str, Any]:
    """Score, factors and rank from the live backlog; nothing for a closed incident."""
    if not view.state.is_open:
        return {"assessment": None, "rank": None, "total": None, "countdown": None}
    if not page.actor.may(Permission.BACKLOG_READ):
        # Roles that follow incidents up (public protection, SOC, auditors) read the log,
        # not the control room's ranked queue: no score or rank is shown to them.
        return {"assessment": None, "rank": None, "total": None, "countdown": None,
                "risk_withheld": True}  # fmt: skip
    backlog = page.application.backlog.current(page.actor)
    incident_id = IncidentId(view.state.incident_id)
    now = backlog.as_of
    return {
        "assessment": backlog.explain(incident_id),
        "rank": backlog.rows.rank_of(incident_id),
        "total": len(backlog.rows),
        "countdown": attendance.minutes_to_breach(view.state, page.application.profile, now),
    }


def _incident_context(page: Page, view: IncidentView, **extra: Any) -> dict[str, Any]:
    profile, state = page.application.profile, view.state
    zone = profile.timezone
    due = attendance.deadline(state, profile)
    return page.context(
        view=view,
        timeline=_timeline(view, page),
        thrive_rows=_thrive_rows(view),
        levels=list(Level),
        grades=list(profile.grades.values()),
        closing_categories=CLOSING_SUGGESTIONS,
        may={a: page.actor.may(p) for a, p in ACTION_PERMISSIONS.items()},
        logged_at=local_time(state.logged_at, zone, with_date=True),
        deadline=local_time(due, zone, with_date=True) if due else "none (no timed target)",
        closed_at=local_time(state.closed_at, zone, with_date=True),
        last_contact=local_time(state.last_contact_at, zone, True)
        if state.last_contact_at
        else "none since logging",
        last_review=local_time(state.last_review_at, zone, True)
        if state.last_review_at
        else "never",
        **_risk(page, view),
        **incident_dispatch(page, view),  # issue 4: recommended unit, accept / override
        **extra,
    )


def _show(request: Request, page: Page, ref: str, status: int = 200, **extra: Any) -> Response:
    try:
        view = page.application.incidents.show(page.actor, ref)
        context = _incident_context(page, view, **extra)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    return render(request, "incident.html", context, status_code=status)


@router.get("/incidents/{ref}")
def incident_page(request: Request, ref: str, done: str = "") -> Response:
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    notice = forms.ACTIONS.get(done) or DISPATCH_DONE.get(done) or FIREARMS_DONE.get(done, "")
    return _show(request, page, ref, notice=notice)


@router.post("/incidents/{ref}/{action}")
async def incident_action(request: Request, ref: str, action: str) -> Response:
    """One quick action: parse the form, record one entry, then show the incident again."""
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    back = f"/incidents/{ref}"
    try:
        form = await form_of(request)
        if action == "firearms":
            payload: EntryPayload = _firearms(form)
        else:
            payload = forms.action_payload(action, form, page.application.profile)
        version = forms.expected_version(form)
        await run_in_threadpool(
            page.application.incidents.record, page.actor, ref, payload, expected_version=version
        )
    except WatchkeeperError as exc:
        if status_for(exc) in (403, 404):
            return refusal(request, page, exc, back_url=back)
        return _show(request, page, ref, status_for(exc), problem=exc.message)
    return RedirectResponse(f"{back}?done={action}", status_code=303)
