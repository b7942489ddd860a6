"""The domestic abuse pages (issue 5): open a DA case from an incident, the case with its DASH
rendered from the form data, and the changes on it (DASH, professional judgement raise,
refusal, sign-off, close, MARAC referral).

Thin: parse, call the register service, show; a refused form re-renders the case page with
the domain's message at the field it names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from watchkeeper.access.model import Permission
from watchkeeper.kernel.errors import DomainRuleViolation, InputError, WatchkeeperError
from watchkeeper.safeguarding.da_records import NewDaCase
from watchkeeper.safeguarding.domestic_abuse import RiskLevel
from watchkeeper.safeguarding.forms import Answer, RiskForm
from watchkeeper.safeguarding.missing_service import CALL_FORM_ID
from watchkeeper.safeguarding.service_core import Assignment
from watchkeeper.safeguarding.services import Safeguarding
from watchkeeper.web.pages import forms
from watchkeeper.web.pages import safeguarding_forms as sgf
from watchkeeper.web.pages.context import Page, open_get_page, refusal
from watchkeeper.web.pages.rendering import render
from watchkeeper.web.pages.safeguarding_common import NOTICES, _act, _context, _Refusals
from watchkeeper.web.pages.safeguarding_forms import NO_REFUSAL, FieldSpec, FormRefusal

router = APIRouter()


DEFAULT_FORM = "dash-police-2009"


def _risk_forms(sg: Safeguarding) -> list[RiskForm]:
    """The DA risk forms on offer (every loaded form but the missing-person call form)."""
    return [f for f in sg.context.forms.values() if f.form_id != CALL_FORM_ID]


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
