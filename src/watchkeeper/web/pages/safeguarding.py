"""The safeguarding pages (issue 5): intake, the person view, DA cases with the DASH, missing
episodes, registered offenders, "my work", a supervisor's overdue list, and the duty alerts
polled onto every page of an officer who owns duties.

Every view and change goes through the register services, which authorise by role and
audit; a refusal is a page naming what was refused and saying nothing was recorded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.access.model import Permission
from watchkeeper.duties.clocks import WorkItem
from watchkeeper.kernel.errors import DomainRuleViolation, InputError, WatchkeeperError
from watchkeeper.safeguarding.da_records import NewDaCase
from watchkeeper.safeguarding.domestic_abuse import RiskLevel
from watchkeeper.safeguarding.forms import Answer, RiskForm
from watchkeeper.safeguarding.missing import MissingRisk
from watchkeeper.safeguarding.missing_service import CALL_FORM_ID, NewMissingReport
from watchkeeper.safeguarding.offenders import (
    NotificationKind,
    RsoRisk,
    check_travel_notice,
    late_travel_notices,
    travel_plan,
)
from watchkeeper.safeguarding.rso_reviews import ReviewOutcome, review_due_at
from watchkeeper.safeguarding.service_core import Assignment
from watchkeeper.safeguarding.services import Safeguarding
from watchkeeper.web.api import safeguarding_present as present
from watchkeeper.web.pages import forms
from watchkeeper.web.pages import safeguarding_forms as sgf
from watchkeeper.web.pages.context import (
    Page,
    form_of,
    local_redirect,
    open_get_page,
    open_page,
    refusal,
    status_for,
)
from watchkeeper.web.pages.rendering import local_time, render
from watchkeeper.web.pages.safeguarding_forms import NO_REFUSAL, FieldSpec, FormRefusal

router = APIRouter()
DEFAULT_FORM = "dash-police-2009"
# The system's escalation run, from the alerts poll: at most once a minute however many
# screens poll (each run takes the write lock briefly).
ESCALATION_EVERY = timedelta(minutes=1)
ALERT_LIMIT = 6  # of each kind drawn in the panel on every page; the rest on "my work"
NOTICES = {
    "opened": "Case opened: the DASH is now owed (see the duties below).",
    "reported": "Missing episode reported: a supervisory review is now due.",
    "judgement": "Professional judgement recorded: the level is raised; it needs a new sign-off.",
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
    "registered": "Offender registered: the notification and visit duties are now owed.",
    "custody": "Custody recorded: no home visit is owed while in custody.",
    "release": "Release recorded.",
    "trigger": "Review trigger recorded: the offender manager now owes a risk review.",
    "risk-review": "Risk review recorded.",
    "case-review": "Case review recorded: the next review is now due.",
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


# What the forms of the DA case page post, and the words refusals use for each field.
DA_FIELDS = {
    "open": (FieldSpec("case_ref", "Case reference", ("already exists",)),
             FieldSpec("victim_ref", "Victim", ("no person",)),
             FieldSpec("incident_id", "Incident", ("no incident",)),
             FieldSpec("address_ref", "Address", ("no address",)),
             FieldSpec("perpetrator_ref", "Perpetrator"), FieldSpec("owner", "Owner"),
             FieldSpec("supervisor", "Supervisor")),
    "dash": (FieldSpec("judgement_level", "Judgement level", ("professional judgement", "judgement level")),
             FieldSpec("judgement_rationale", "Rationale", ("recorded rationale",))),
    "judgement": (FieldSpec("judgement_level", "Judgement level", ("never lower", "judgement level")),
                  FieldSpec("judgement_rationale", "Rationale", ("recorded rationale",))),
    "refusal": (FieldSpec("reason", "Reason"),),
    "sign-off": (FieldSpec("note", "Note"),),
    "close": (FieldSpec("reason", "Reason"),),
    "marac": (),
    "review": (FieldSpec("note", "Review note", ("case review",)),),
}  # fmt: skip


@router.get("/da-cases/new")
def new_da_case(request: Request, incident: str = "", victim: str = "") -> Response:
    """Open a DA case, from an incident: the victim and incident filled in from the log."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        prefill = _da_prefill(page, incident, victim)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    return _new_da_case_page(request, page, prefill, NO_REFUSAL)


def _da_prefill(page: Page, incident: str, victim: str) -> dict[str, str]:
    """The open-case form's starting values; reading the incident is an audited read."""
    page.application.safeguarding.context.trail.authorise(
        page.actor, Permission.DASH_RECORD, ("da-case", "new")
    )
    if len(incident) > 64 or len(victim) > 64 or "\x00" in incident + victim:
        raise InputError("incident or victim reference is too long (fields: incident, victim)")
    prefill = {"victim_ref": victim, "owner": page.actor.username}
    if incident:
        view = page.application.incidents.show(page.actor, incident)
        prefill |= {"incident_id": view.state.incident_id,
                    "case_ref": f"DA-{view.state.incident_id}"}  # fmt: skip
        prefill["victim_ref"] = victim or view.state.opened.caller.person_ref
    return prefill


def _new_da_case_page(
    request: Request, page: Page, prefill: Mapping[str, str], refused: FormRefusal
) -> Response:
    context = _context(page, "work", prefill=prefill, refused=refused,
                       problem="" if refused is NO_REFUSAL else "The case was not opened.")  # fmt: skip
    return render(request, "sg_da_new.html", context, status_code=refused.status)


@router.post("/da-cases")
async def open_da_case(request: Request) -> Response:
    """Open the case; its DASH is then owed by the owner, escalating to the supervisor."""

    def act(page: Page, form: Mapping[str, str]) -> object:
        incident_id = sgf.reference(form, "incident_id", "Incident", required=False)
        if incident_id:  # the case is opened from a real incident (an audited read)
            page.application.incidents.show(page.actor, incident_id)
        request_ = NewDaCase(
            sgf.reference(form, "case_ref", "Case reference"),
            sgf.reference(form, "victim_ref", "Victim"),
            Assignment(sgf.reference(form, "owner", "Owner", required=False) or page.actor.username,
                       sgf.reference(form, "supervisor", "Supervisor")),
            incident_id=incident_id or None,
            address_ref=sgf.reference(form, "address_ref", "Address", required=False) or None,
            perpetrator_ref=sgf.reference(form, "perpetrator_ref", "Perpetrator", required=False) or None,
        )  # fmt: skip
        return page.application.safeguarding.domestic_abuse.open_case(page.actor, request_)

    def rerender(page: Page, refused: FormRefusal) -> Response:
        return _new_da_case_page(request, page, refused.posted, refused)

    def opened(page: Page, case: object) -> Response:
        ref = getattr(case, "case_ref", "")
        return RedirectResponse(f"/da-cases/{ref}?done=opened", status_code=303)

    return await _act(request, "/da-cases/new", "opened", act,
                      _Refusals("open", DA_FIELDS["open"], rerender), show=opened)  # fmt: skip


@router.get("/da-cases/{case_ref}")
def da_case(request: Request, case_ref: str, done: str = "", form: str = "") -> Response:
    """A DA case: the DASH rendered from its form data, level, judgement, sign-off, MARAC."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        return _da_case_page(
            request, page, case_ref, form, notice=NOTICES.get(done, ""), refused=NO_REFUSAL
        )
    except WatchkeeperError as exc:
        return refusal(request, page, exc)


def _da_case_page(
    request: Request, page: Page, case_ref: str, form_id: str, *, notice: str, refused: FormRefusal
) -> Response:
    """The case page; after a refused post, with the message at its field and the input kept."""
    sg = page.application.safeguarding
    view = sg.domestic_abuse.show_case(page.actor, case_ref)
    latest = view.submissions[-1] if view.submissions else None
    if refused.form == "dash":
        form_id = refused.posted.get("form_id", form_id)
    risk_form = sg.context.form(form_id or (latest.form_id if latest else DEFAULT_FORM))
    stored = dict(latest.answers) if latest and latest.form_id == risk_form.form_id else {}
    posted = refused.answers("dash")
    answers = posted if posted is not None else stored
    yes_lines = [f"Q{q.number} {q.key}: {q.text}" for s in risk_form.sections if s.scored
                 for q in s.questions if stored.get(q.key) == "yes"]  # fmt: skip
    not_known = [f"Q{q.number} {q.key}" for q in risk_form.questions
                 if stored.get(q.key) == Answer.NOT_KNOWN.value]  # fmt: skip
    policy = sg.context.policy.domestic_abuse
    context = _context(
        page, "work", view=view, case=view.case, form=risk_form, forms=_risk_forms(sg),
        answers=answers, stored=stored, latest=latest, yes_lines=yes_lines, not_known=not_known,
        levels=[r.value for r in RiskLevel], choices=sgf.ANSWERS, notice=notice, policy=policy,
        refused=refused, problem="" if refused is NO_REFUSAL else "Not recorded: see the form below.",
    )  # fmt: skip
    return render(request, "sg_da_case.html", context, status_code=refused.status)


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


OFFENDER_FIELDS = {
    "visit": (FieldSpec("visited_on", "Visited on", ("visited_on", "custody")),
              FieldSpec("note", "Note")),
    "notification": (FieldSpec("kind", "Kind", ("notification kind",)),
                     FieldSpec("on", "Notified on", ("notified_on",)),
                     FieldSpec("departs_on", "Departs on", ("departure date",)),
                     FieldSpec("returns_on", "Returns on"),
                     FieldSpec("destination", "Destination")),
    "arms": (FieldSpec("assessed_on", "Assessed on", ("assessed_on",)),
             FieldSpec("version", "ARMS version"),
             FieldSpec("level", "Risk level", ("offender risk",))),
    "custody": (FieldSpec("starts_on", "Custody from", ("starts_on", "before it starts")),
                FieldSpec("ends_on", "Custody until")),
    "release": (FieldSpec("released_on", "Released on", ("released_on", "release on", "not in custody")),),
    "trigger": (FieldSpec("trigger", "Trigger", ("review trigger",)),
                FieldSpec("summary", "Summary")),
    "risk-review": (FieldSpec("outcome", "Outcome", ("review outcome", "reactive-management")),
                    FieldSpec("rationale", "Rationale")),
}  # fmt: skip


@router.get("/offenders/{offender_ref}")
def offender(request: Request, offender_ref: str, done: str = "") -> Response:
    """A registered offender: notifications and clocks, ARMS, MAPPA, visits, manager, caseload."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        return _offender_page(request, page, offender_ref, NOTICES.get(done, ""), NO_REFUSAL)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)


def _offender_page(
    request: Request, page: Page, offender_ref: str, notice: str, refused: FormRefusal
) -> Response:
    sg = page.application.safeguarding
    view = sg.offenders.show(page.actor, offender_ref)
    policy = sg.context.policy
    today = policy.calendar_date(page.application.clock.now())
    travel = [(n, check_travel_notice(n.on, n.travel, policy)) for n in view.file.notifications
              if n.kind is NotificationKind.TRAVEL and n.travel is not None]  # fmt: skip
    abroad = [n.travel for n, _ in travel if n.travel and n.travel.departs_on <= today
              and (n.travel.returns_on is None or today <= n.travel.returns_on)]  # fmt: skip
    context = _context(page, "work", view=view, o=view.file.offender,
                       kinds=[k.value for k in NotificationKind],
                       levels=[r.value for r in RsoRisk], notice=notice, today=today,
                       travel=travel, late_travel=late_travel_notices(view.file.notifications, policy),
                       abroad=abroad, travel_days=policy.offenders.travel_days_before,
                       travel_source=policy.provenance("offenders.notification.travel").source,
                       triggers=policy.offenders.review_triggers,
                       review_due=review_due_at(view.file.risk_events, policy.offenders.review_triggers),
                       outcomes=[o.value for o in ReviewOutcome], refused=refused,
                       problem="" if refused is NO_REFUSAL else "Not recorded: see the form below.")  # fmt: skip
    return render(request, "sg_offender.html", context, status_code=refused.status)


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


# --- changes ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Refusals:
    """How a refused post of one form is shown: which form, its fields, the page again."""

    form: str
    fields: tuple[FieldSpec, ...]
    rerender: Callable[[Page, FormRefusal], Response]
    question_keys: Sequence[str] = ()


async def _act(
    request: Request,
    back: str,
    done: str,
    act: Callable[[Page, Mapping[str, str]], object],
    refusals: _Refusals,
    *,
    show: Callable[[Page, object], Response] | None = None,
) -> Response:
    """Open the page, read the form, run ``act`` in the threadpool, redirect (or ``show``).

    A refusal re-renders the page (4xx) with the message next to the field it names and the
    posted values kept; one the page cannot show (forbidden, an unknown record) is a
    refusal page. Nothing is written either way: the services' writes are transactional.
    """
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    form: dict[str, str] = {}
    try:
        form = await form_of(request)
        result = await run_in_threadpool(act, page, form)
    except WatchkeeperError as exc:
        status = status_for(exc)
        if status == 403:
            return refusal(request, page, exc, back_url=back)
        named = sgf.fields_named(exc.message, refusals.fields, refusals.question_keys)
        refused = FormRefusal(refusals.form, exc.message, status, named, form)
        try:
            return await run_in_threadpool(refusals.rerender, page, refused)
        except WatchkeeperError:  # the page itself cannot be shown (e.g. no such record)
            return refusal(request, page, exc, back_url=back)
    if show is not None:
        return show(page, result)
    return RedirectResponse(f"{back}?done={done}", status_code=303)


def _da_refusals(request: Request, case_ref: str, form: str, keys: Sequence[str] = ()) -> _Refusals:
    def rerender(page: Page, refused: FormRefusal) -> Response:
        return _da_case_page(request, page, case_ref, "", notice="", refused=refused)

    return _Refusals(form, DA_FIELDS[form], rerender, keys)


def _all_question_keys(request: Request) -> tuple[str, ...]:
    forms_ = request.app.state.application.safeguarding.context.forms.values()
    return tuple(q.key for f in forms_ for q in f.questions)


def _judgement(form: Mapping[str, str], required: bool) -> tuple[str, str] | None:
    level = forms.text(form, "judgement_level", "Judgement level", required=required)
    rationale = forms.text(form, "judgement_rationale", "Rationale", required=False)
    if level and not rationale:
        raise InputError("a professional judgement needs its rationale (field: Rationale)")
    return (level, rationale) if level else None


@router.post("/da-cases/{case_ref}/dash")
async def submit_dash(request: Request, case_ref: str) -> Response:
    """Record the DASH from the rendered form: each answer yes / no / not known."""

    def act(page: Page, form: Mapping[str, str]) -> object:
        sg = page.application.safeguarding
        risk_form = sg.context.form(forms.text(form, "form_id", "Form"))
        return sg.domestic_abuse.submit_dash(
            page.actor, case_ref, risk_form.form_id, sgf.risk_answers(risk_form, form),
            _judgement(form, required=False),
        )  # fmt: skip

    refusals = _da_refusals(request, case_ref, "dash", _all_question_keys(request))
    return await _act(request, f"/da-cases/{case_ref}", "dash", act, refusals)


@router.post("/da-cases/{case_ref}/judgement")
async def raise_by_judgement(request: Request, case_ref: str) -> Response:
    """Raise the level by professional judgement: the latest answers again, with a rationale.

    A new DASH version (the answers are not re-typed); a judgement below the checklist is
    refused by the domain, and the refusal is shown at the field.
    """

    def act(page: Page, form: Mapping[str, str]) -> object:
        register = page.application.safeguarding.domestic_abuse
        judgement = _judgement(form, required=True)
        view = register.show_case(page.actor, case_ref)
        if not view.submissions:
            raise DomainRuleViolation(
                f"judgement-needs-dash: case {case_ref} has no DASH to raise; record it first"
            )
        latest = view.submissions[-1]
        return register.submit_dash(page.actor, case_ref, latest.form_id, latest.answers, judgement)

    refusals = _da_refusals(request, case_ref, "judgement")
    return await _act(request, f"/da-cases/{case_ref}", "judgement", act, refusals)


@router.post("/da-cases/{case_ref}/refusal")
async def record_refusal(request: Request, case_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        reason = forms.text(form, "reason", "Reason")
        return page.application.safeguarding.domestic_abuse.record_refusal(
            page.actor, case_ref, reason
        )

    refusals = _da_refusals(request, case_ref, "refusal")
    return await _act(request, f"/da-cases/{case_ref}", "refusal", act, refusals)


@router.post("/da-cases/{case_ref}/sign-off")
async def sign_off(request: Request, case_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        note = forms.text(form, "note", "Note", required=False)
        return page.application.safeguarding.domestic_abuse.sign_off(page.actor, case_ref, note)

    refusals = _da_refusals(request, case_ref, "sign-off")
    return await _act(request, f"/da-cases/{case_ref}", "sign-off", act, refusals)


@router.post("/da-cases/{case_ref}/close")
async def close_case(request: Request, case_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        reason = forms.text(form, "reason", "Reason")
        return page.application.safeguarding.domestic_abuse.close_case(page.actor, case_ref, reason)

    refusals = _da_refusals(request, case_ref, "close")
    return await _act(request, f"/da-cases/{case_ref}", "close", act, refusals)


@router.post("/da-cases/{case_ref}/marac")
async def refer_to_marac(request: Request, case_ref: str) -> Response:
    """Refer to MARAC; the referral, pre-filled from the DASH, is shown (never re-typed)."""

    def act(page: Page, form: Mapping[str, str]) -> object:
        return page.application.safeguarding.domestic_abuse.refer_to_marac(page.actor, case_ref)

    def show(page: Page, referral: object) -> Response:
        context = _context(page, "work", case_ref=case_ref, referral=referral,
                           notice="Referred to MARAC with the referral below.")  # fmt: skip
        return render(request, "sg_marac.html", context, status_code=201)

    refusals = _da_refusals(request, case_ref, "marac")
    return await _act(request, f"/da-cases/{case_ref}", "marac", act, refusals, show=show)


def _moment(form: Mapping[str, str], page: Page) -> datetime | None:
    """An optional local date-time field ('at'), in the force's time zone."""
    zone = page.application.safeguarding.context.policy.timezone
    return sgf.moment(form, "at", "When", zone)


def _day(form: Mapping[str, str], name: str, label: str) -> date:
    day = sgf.day(form, name, label)
    if day is None:  # required=True: forms.text has refused a blank already
        raise InputError(f"{label} is required")
    return day


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


def _offender_refusals(request: Request, offender_ref: str, form: str) -> _Refusals:
    def rerender(page: Page, refused: FormRefusal) -> Response:
        return _offender_page(request, page, offender_ref, "", refused)

    return _Refusals(form, OFFENDER_FIELDS[form], rerender)


@router.post("/offenders/{offender_ref}/visit")
async def record_visit(request: Request, offender_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        day = _day(form, "visited_on", "Visited on")
        note = forms.text(form, "note", "Note", required=False)
        return page.application.safeguarding.offenders.record_visit(
            page.actor, offender_ref, day, note
        )

    refusals = _offender_refusals(request, offender_ref, "visit")
    return await _act(request, f"/offenders/{offender_ref}", "visit", act, refusals)


@router.post("/offenders/{offender_ref}/notification")
async def record_notification(request: Request, offender_ref: str) -> Response:
    """A notification; for foreign travel, the plan the s86 notice rule is checked against."""

    def act(page: Page, form: Mapping[str, str]) -> object:
        kind = forms.text(form, "kind", "Kind")
        day = _day(form, "on", "Notified on")
        plan = None
        if kind == NotificationKind.TRAVEL.value:
            departs = sgf.day(form, "departs_on", "Departs on", required=False)
            if departs is None:
                raise InputError(
                    "a foreign-travel notice needs its departure date (field: Departs on)"
                )
            plan = travel_plan(departs, sgf.day(form, "returns_on", "Returns on", required=False),
                               forms.text(form, "destination", "Destination", required=False))  # fmt: skip
        return page.application.safeguarding.offenders.record_notification(
            page.actor, offender_ref, kind, day, plan
        )

    refusals = _offender_refusals(request, offender_ref, "notification")
    return await _act(request, f"/offenders/{offender_ref}", "notification", act, refusals)


@router.post("/offenders/{offender_ref}/arms")
async def record_arms(request: Request, offender_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        day = _day(form, "assessed_on", "Assessed on")
        version = forms.text(form, "version", "ARMS version")
        level = forms.text(form, "level", "Risk level")
        return page.application.safeguarding.offenders.record_assessment(
            page.actor, offender_ref, day, version, level
        )

    refusals = _offender_refusals(request, offender_ref, "arms")
    return await _act(request, f"/offenders/{offender_ref}", "arms", act, refusals)


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
