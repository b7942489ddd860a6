"""Offender pages beyond the file itself: registering an offender (with the nominal index's
match suggestions), custody and release, review triggers and risk reviews, and the DA case
review form.

Thin like the rest of the safeguarding pages: parse, call one register service, show. The
rules (and their refusals) live in ``safeguarding``; a refusal comes back next to its field.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from watchkeeper.access.model import Permission
from watchkeeper.kernel.errors import InputError, WatchkeeperError
from watchkeeper.people.model import Person, PersonName
from watchkeeper.safeguarding.offender_records import NewOffender
from watchkeeper.safeguarding.offenders import Mappa, RsoRisk
from watchkeeper.safeguarding.rso_reviews import ReviewOutcome
from watchkeeper.web.pages import forms
from watchkeeper.web.pages import safeguarding_forms as sgf
from watchkeeper.web.pages.context import Page, open_get_page, refusal
from watchkeeper.web.pages.rendering import render
from watchkeeper.web.pages.safeguarding_common import _act, _context, _day, _Refusals
from watchkeeper.web.pages.safeguarding_da import _da_refusals
from watchkeeper.web.pages.safeguarding_forms import NO_REFUSAL, FieldSpec, FormRefusal
from watchkeeper.web.pages.safeguarding_offender_file import _offender_refusals

router = APIRouter()
NEW_PERSON = "new"
NEW_FIELDS = (
    FieldSpec("offender_ref", "Offender reference", ("already registered",)),
    FieldSpec("person_ref", "Person", ("no person",)),
    FieldSpec("given", "Given name", ("names.given",)),
    FieldSpec("family", "Family name", ("names.family",)),
    FieldSpec("date_of_birth", "Date of birth", ("date of birth", "date_of_birth")),
    FieldSpec("choice", "Choice"),
    FieldSpec("registered_on", "Registered on", ("registered_on",)),
    FieldSpec("risk", "Risk level", ("offender risk",)),
    FieldSpec("mappa_category", "MAPPA category", ("mappa category",)),
    FieldSpec("mappa_level", "MAPPA level", ("mappa level",)),
    FieldSpec("manager_ref", "Offender manager"),
    FieldSpec("supervisor", "Supervisor"),
    FieldSpec("address_ref", "Address", ("no address",)),
)


class _Suggest(WatchkeeperError):
    """Control flow: show the index's suggestions first; nothing is written."""

    code = "suggestions"


@router.get("/offenders/new")
def new_offender(request: Request, person: str = "") -> Response:
    """Register an offender: the person found on the nominal index, never re-typed."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        page.application.safeguarding.context.trail.authorise(
            page.actor, Permission.OFFENDER_MANAGE, ("offender", "new")
        )
        if len(person) > 64 or "\x00" in person:
            raise InputError("person reference is too long (field: person)")
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    prefill = {"person_ref": person, "manager_ref": page.actor.username}
    return _new_page(request, page, prefill, NO_REFUSAL, None)


def _new_page(
    request: Request, page: Page, prefill: Mapping[str, str], refused: FormRefusal,
    suggestions: tuple[object, ...] | None,
) -> Response:  # fmt: skip
    policy = page.application.safeguarding.context.policy
    today = policy.calendar_date(page.application.clock.now())
    if suggestions is not None:  # not a refusal: the step before anything is written
        refused = FormRefusal("new", "", 200, frozenset(), refused.posted)
    problem = "" if refused is NO_REFUSAL or not refused.message else "Not registered."
    context = _context(
        page, "work", prefill=prefill, refused=refused, suggestions=suggestions,
        levels=[r.value for r in RsoRisk], today=today, new_person=NEW_PERSON, problem=problem,
    )  # fmt: skip
    return render(request, "sg_offender_new.html", context, status_code=refused.status)


def _number(form: Mapping[str, str], name: str, label: str) -> int:
    raw = forms.text(form, name, label)
    if not raw.isdecimal() or len(raw) > 2:
        raise InputError(f"{label} {raw!r} must be a whole number (field: {label})")
    return int(raw)


def _offender_request(form: Mapping[str, str], person_ref: str) -> NewOffender:
    """The registration as posted (shape only; the register applies the rules)."""
    risk = forms.text(form, "risk", "Risk level")
    if risk not in {r.value for r in RsoRisk}:
        raise InputError(f"offender risk {risk!r} is not one of the levels (field: risk)")
    category = _number(form, "mappa_category", "MAPPA category")
    level = _number(form, "mappa_level", "MAPPA level")
    Mappa(category, level)
    registered = sgf.day(form, "registered_on", "Registered on")
    if registered is None:
        raise InputError("Registered on is required (field: registered_on)")
    return NewOffender(
        sgf.reference(form, "offender_ref", "Offender reference"), person_ref, registered, risk,
        category, level, sgf.reference(form, "supervisor", "Supervisor"),
        sgf.reference(form, "manager_ref", "Offender manager"),
        address_ref=_address_ref(form),
        no_fixed_abode=form.get("no_fixed_abode") == "yes",
    )  # fmt: skip


def _address_ref(form: Mapping[str, str]) -> str | None:
    return sgf.reference(form, "address_ref", "Address", required=False) or None


@router.post("/offenders")
async def register_offender(request: Request) -> Response:
    """Register: the first post shows who on the index the person may already be; the
    officer picks one or confirms a new nominal, and only then is anything written."""

    shown: dict[str, tuple[object, ...]] = {}

    def act(page: Page, form: Mapping[str, str]) -> object:
        sg = page.application.safeguarding
        person_ref = sgf.reference(form, "person_ref", "Person", required=False)
        if person_ref:  # a known nominal, chosen from the person view or an earlier step
            return sg.offenders.register(page.actor, _offender_request(form, person_ref))
        candidate = Person(
            f"P-{sgf.reference(form, 'offender_ref', 'Offender reference')}",
            (PersonName(forms.text(form, "given", "Given name"),
                        forms.text(form, "family", "Family name")),),
            sgf.day(form, "date_of_birth", "Date of birth", required=False),
        )  # fmt: skip
        # The offender's address is where they are being recorded: evidence when undated.
        found = sg.people.match_candidates(page.actor, candidate, address_ref=_address_ref(form))
        choice = str(form.get("choice", "")).strip()
        if not choice:
            shown["found"] = tuple(found)
            raise _Suggest("check whether this person is already on the index")
        if choice != NEW_PERSON and choice not in {s.person_ref for s, _ in found}:
            raise InputError("choose a suggested person or confirm a new nominal (field: choice)")
        if choice == NEW_PERSON:  # one transaction: the person and the registration, or neither
            request_ = _offender_request(form, candidate.person_ref)
            return sg.offenders.register(page.actor, request_, new_person=candidate)
        return sg.offenders.register(page.actor, _offender_request(form, choice))

    def rerender(page: Page, refused: FormRefusal) -> Response:
        return _new_page(request, page, refused.posted, refused, shown.get("found"))

    def registered(page: Page, record: object) -> Response:
        ref = getattr(record, "offender_ref", "")
        return RedirectResponse(f"/offenders/{ref}?done=registered", status_code=303)

    refusals = _Refusals("new", NEW_FIELDS, rerender)
    return await _act(request, "/offenders/new", "registered", act, refusals,
                               show=registered)  # fmt: skip


# --- custody, release, review triggers, risk reviews ---------------------------------------
@router.post("/offenders/{offender_ref}/custody")
async def record_custody(request: Request, offender_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        starts = _day(form, "starts_on", "Custody from")
        ends = sgf.day(form, "ends_on", "Custody until", required=False)
        return page.application.safeguarding.offenders.record_custody(
            page.actor, offender_ref, starts, ends
        )

    refusals = _offender_refusals(request, offender_ref, "custody")
    return await _act(request, f"/offenders/{offender_ref}", "custody", act, refusals)


@router.post("/offenders/{offender_ref}/release")
async def record_release(request: Request, offender_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        day = _day(form, "released_on", "Released on")
        return page.application.safeguarding.offenders.record_release(page.actor, offender_ref, day)

    refusals = _offender_refusals(request, offender_ref, "release")
    return await _act(request, f"/offenders/{offender_ref}", "release", act, refusals)


@router.post("/offenders/{offender_ref}/review-trigger")
async def record_trigger(request: Request, offender_ref: str) -> Response:
    """An event that sends the offender's risk for review (the manager then owes a review)."""

    def act(page: Page, form: Mapping[str, str]) -> object:
        return page.application.safeguarding.offenders.record_trigger(
            page.actor, offender_ref, forms.text(form, "trigger", "Trigger"),
            forms.text(form, "summary", "Summary"),
        )  # fmt: skip

    refusals = _offender_refusals(request, offender_ref, "trigger")
    return await _act(request, f"/offenders/{offender_ref}", "trigger", act, refusals)


@router.post("/offenders/{offender_ref}/risk-review")
async def record_risk_review(request: Request, offender_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        return page.application.safeguarding.offenders.record_risk_review(
            page.actor, offender_ref, forms.text(form, "outcome", "Outcome"),
            forms.text(form, "rationale", "Rationale"),
        )  # fmt: skip

    refusals = _offender_refusals(request, offender_ref, "risk-review")
    return await _act(request, f"/offenders/{offender_ref}", "risk-review", act, refusals)


@router.post("/da-cases/{case_ref}/review")
async def review_da_case(request: Request, case_ref: str) -> Response:
    """The periodic DA case review: discharges the review duty and sets the next one."""

    def act(page: Page, form: Mapping[str, str]) -> object:
        note = forms.text(form, "note", "Review note")
        page.application.safeguarding.domestic_abuse.review_case(page.actor, case_ref, note)
        return None

    refusals = _da_refusals(request, case_ref, "review")
    return await _act(request, f"/da-cases/{case_ref}", "case-review", act, refusals)


OUTCOMES = tuple(o.value for o in ReviewOutcome)
