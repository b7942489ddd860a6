"""The safeguarding pages (issue 5): intake, the person view, DA cases with the DASH, missing
episodes, registered offenders, "my work", a supervisor's overdue list, and the duty alerts
polled onto every page of an officer who owns duties.

Every view and change goes through the register services, which authorise by role and
audit; a refusal is a page naming what was refused and saying nothing was recorded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.access.model import Permission
from watchkeeper.duties.clocks import WorkItem
from watchkeeper.kernel.errors import InputError, WatchkeeperError
from watchkeeper.safeguarding.domestic_abuse import RiskLevel
from watchkeeper.safeguarding.forms import RiskForm
from watchkeeper.safeguarding.missing import MissingRisk
from watchkeeper.safeguarding.missing_service import CALL_FORM_ID
from watchkeeper.safeguarding.offenders import NotificationKind, RsoRisk
from watchkeeper.safeguarding.services import Safeguarding
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
from watchkeeper.web.pages.rendering import local_time, render

router = APIRouter()
DEFAULT_FORM = "dash-police-2009"
# The system's escalation run, from the alerts poll: at most once a minute however many
# screens poll (each run takes the write lock briefly).
ESCALATION_EVERY = timedelta(minutes=1)
ALERT_LIMIT = 6  # of each kind drawn in the panel on every page; the rest on "my work"
NOTICES = {
    "dash": "DASH recorded: the risk level is shown below; it now needs a supervisor's sign-off.",
    "refusal": "Refusal recorded with its reason; it now needs a supervisor's sign-off.",
    "sign-off": "Signed off.",
    "close": "Case closed.",
    "review": "Review recorded.",
    "found": "Found / returned recorded: the safe-and-well check is now due.",
    "safe-and-well": "Safe-and-well check recorded.",
    "rhi": "Return home interview offer recorded.",
    "visit": "Visit recorded.",
    "notification": "Notification recorded.",
    "arms": "ARMS assessment recorded.",
    "acknowledged": "Acknowledged.",
    "reassigned": "Duty reassigned.",
}


def _when(page: Page) -> Callable[[datetime | None], str]:
    zone = page.application.safeguarding.context.policy.timezone
    return lambda at: local_time(at, zone, with_date=True)


def _context(page: Page, nav: str, **values: Any) -> dict[str, Any]:
    return page.context(nav, when=_when(page), now=page.application.clock.now(),
                        duty_link=present.duty_link, **values)  # fmt: skip


def _risk_forms(sg: Safeguarding) -> list[RiskForm]:
    """The DA risk forms on offer (every loaded form but the missing-person call form)."""
    return [f for f in sg.context.forms.values() if f.form_id != CALL_FORM_ID]


# --- reading pages ------------------------------------------------------------------------
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


@router.get("/da-cases/{case_ref}")
def da_case(request: Request, case_ref: str, done: str = "", form: str = "") -> Response:
    """A DA case: the DASH rendered from its form data, level, judgement, sign-off, MARAC."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    sg = page.application.safeguarding
    try:
        view = sg.domestic_abuse.show_case(page.actor, case_ref)
        latest = view.submissions[-1] if view.submissions else None
        risk_form = sg.context.form(form or (latest.form_id if latest else DEFAULT_FORM))
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    answers = dict(latest.answers) if latest and latest.form_id == risk_form.form_id else {}
    yes_lines = [f"Q{q.number} {q.key}: {q.text}" for s in risk_form.sections if s.scored
                 for q in s.questions if answers.get(q.key) == "yes"]  # fmt: skip
    policy = sg.context.policy.domestic_abuse
    context = _context(
        page, "work", view=view, case=view.case, form=risk_form, forms=_risk_forms(sg),
        answers=answers, latest=latest, yes_lines=yes_lines, levels=[r.value for r in RiskLevel],
        notice=NOTICES.get(done, ""), policy=policy,
        answered_sections={s.key for s in risk_form.sections if any(q.key in answers for q in s.questions)},
    )  # fmt: skip
    return render(request, "sg_da_case.html", context)


@router.get("/missing/{episode_ref}")
def missing(request: Request, episode_ref: str, done: str = "") -> Response:
    """A missing episode: the call-handler answers, risk, flags, reviews, found, S&W, RHI."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    sg = page.application.safeguarding
    try:
        view = sg.missing.show(page.actor, episode_ref)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    questions = sg.missing.call_handler_questions()
    context = _context(page, "work", view=view, episode=view.record.episode,
                       questions=questions, levels=[r.value for r in MissingRisk],
                       notice=NOTICES.get(done, ""))  # fmt: skip
    return render(request, "sg_missing.html", context)


@router.get("/offenders/{offender_ref}")
def offender(request: Request, offender_ref: str, done: str = "") -> Response:
    """A registered offender: notifications and clocks, ARMS, MAPPA, visits, manager, caseload."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    sg = page.application.safeguarding
    try:
        view = sg.offenders.show(page.actor, offender_ref)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    context = _context(page, "work", view=view, o=view.file.offender,
                       kinds=[k.value for k in NotificationKind],
                       levels=[r.value for r in RsoRisk], notice=NOTICES.get(done, ""),
                       today=sg.context.policy.calendar_date(page.application.clock.now()))  # fmt: skip
    return render(request, "sg_offender.html", context)


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


# --- changes ------------------------------------------------------------------------------
async def _act(
    request: Request,
    back: str,
    done: str,
    act: Callable[[Page, Mapping[str, str]], object],
    show: Callable[[Page, object], Response] | None = None,
) -> Response:
    """Open the page, read the form, run ``act`` in the threadpool, redirect (or ``show``)."""
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    try:
        form = await form_of(request)
        result = await run_in_threadpool(act, page, form)
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url=back)
    if show is not None:
        return show(page, result)
    return RedirectResponse(f"{back}?done={done}", status_code=303)


def _dash_answers(form: RiskForm, posted: Mapping[str, str]) -> dict[str, str]:
    """Checked = yes, unchecked = no; an optional supplement only when marked as answered."""
    answers: dict[str, str] = {}
    for section in form.sections:
        if not section.required and posted.get(f"section-{section.key}") != "answered":
            continue
        for q in section.questions:
            answers[q.key] = "yes" if posted.get(f"q-{q.key}") == "yes" else "no"
    return answers


@router.post("/da-cases/{case_ref}/dash")
async def submit_dash(request: Request, case_ref: str) -> Response:
    """Record the DASH from the rendered checklist (with an optional judgement raise)."""

    def act(page: Page, form: Mapping[str, str]) -> object:
        sg = page.application.safeguarding
        risk_form = sg.context.form(forms.text(form, "form_id", "Form"))
        level = forms.text(form, "judgement_level", "Judgement level", required=False)
        rationale = forms.text(form, "judgement_rationale", "Rationale", required=False)
        if level and not rationale:
            raise InputError("a professional judgement needs its rationale (field: Rationale)")
        judgement = (level, rationale) if level else None
        return sg.domestic_abuse.submit_dash(
            page.actor, case_ref, risk_form.form_id, _dash_answers(risk_form, form), judgement
        )

    return await _act(request, f"/da-cases/{case_ref}", "dash", act)


@router.post("/da-cases/{case_ref}/refusal")
async def record_refusal(request: Request, case_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        reason = forms.text(form, "reason", "Reason")
        return page.application.safeguarding.domestic_abuse.record_refusal(
            page.actor, case_ref, reason
        )

    return await _act(request, f"/da-cases/{case_ref}", "refusal", act)


@router.post("/da-cases/{case_ref}/sign-off")
async def sign_off(request: Request, case_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        note = forms.text(form, "note", "Note", required=False)
        return page.application.safeguarding.domestic_abuse.sign_off(page.actor, case_ref, note)

    return await _act(request, f"/da-cases/{case_ref}", "sign-off", act)


@router.post("/da-cases/{case_ref}/close")
async def close_case(request: Request, case_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        reason = forms.text(form, "reason", "Reason")
        return page.application.safeguarding.domestic_abuse.close_case(page.actor, case_ref, reason)

    return await _act(request, f"/da-cases/{case_ref}", "close", act)


@router.post("/da-cases/{case_ref}/marac")
async def refer_to_marac(request: Request, case_ref: str) -> Response:
    """Refer to MARAC; the referral, pre-filled from the DASH, is shown (never re-typed)."""

    def act(page: Page, form: Mapping[str, str]) -> object:
        return page.application.safeguarding.domestic_abuse.refer_to_marac(page.actor, case_ref)

    def show(page: Page, referral: object) -> Response:
        context = _context(page, "work", case_ref=case_ref, referral=referral,
                           notice="Referred to MARAC with the referral below.")  # fmt: skip
        return render(request, "sg_marac.html", context, status_code=201)

    return await _act(request, f"/da-cases/{case_ref}", "marac", act, show)


def _moment(form: Mapping[str, str], page: Page) -> datetime | None:
    """An optional local date-time field ('at'), in the force's time zone."""
    raw = forms.text(form, "at", "When", required=False)
    if not raw:
        return None
    try:
        local = datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(f"when {raw!r} is not a date and time (field: When)") from None
    zone = page.application.safeguarding.context.policy.timezone
    return local.replace(tzinfo=zone) if local.tzinfo is None else local


def _day(form: Mapping[str, str], name: str, label: str) -> date:
    raw = forms.text(form, name, label)
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{label} {raw!r} is not a date (field: {label})") from None
    if not 1900 <= day.year <= 2100:
        raise InputError(f"{label} must be between the years 1900 and 2100 (field: {label})")
    return day


@router.post("/missing/{episode_ref}/review")
async def review_episode(request: Request, episode_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        level = forms.text(form, "level", "Risk level")
        rationale = forms.text(form, "rationale", "Rationale")
        return page.application.safeguarding.missing.record_review(
            page.actor, episode_ref, level, rationale, _moment(form, page)
        )

    return await _act(request, f"/missing/{episode_ref}", "review", act)


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

    return await _act(request, f"/missing/{episode_ref}", step, act)


@router.post("/offenders/{offender_ref}/visit")
async def record_visit(request: Request, offender_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        day = _day(form, "visited_on", "Visited on")
        note = forms.text(form, "note", "Note", required=False)
        return page.application.safeguarding.offenders.record_visit(
            page.actor, offender_ref, day, note
        )

    return await _act(request, f"/offenders/{offender_ref}", "visit", act)


@router.post("/offenders/{offender_ref}/notification")
async def record_notification(request: Request, offender_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        kind = forms.text(form, "kind", "Kind")
        day = _day(form, "on", "Notified on")
        return page.application.safeguarding.offenders.record_notification(
            page.actor, offender_ref, kind, day
        )

    return await _act(request, f"/offenders/{offender_ref}", "notification", act)


@router.post("/offenders/{offender_ref}/arms")
async def record_arms(request: Request, offender_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        day = _day(form, "assessed_on", "Assessed on")
        version = forms.text(form, "version", "ARMS version")
        level = forms.text(form, "level", "Risk level")
        return page.application.safeguarding.offenders.record_assessment(
            page.actor, offender_ref, day, version, level
        )

    return await _act(request, f"/offenders/{offender_ref}", "arms", act)


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
