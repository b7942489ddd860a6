"""The safeguarding API (issue 5): people, DA cases, missing episodes, offenders, duties, intake.

Thin: parse, call one register service, present. Every service call is authorised by role
and audited by the service itself; a rule's refusal is a 409 naming the rule, bad input a
422 naming the field, an unknown record a 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from watchkeeper.access.model import Actor
from watchkeeper.kernel.errors import InputError
from watchkeeper.people.addresses import Address
from watchkeeper.people.model import Person, PersonName
from watchkeeper.safeguarding.da_records import NewDaCase
from watchkeeper.safeguarding.missing_service import NewMissingReport
from watchkeeper.safeguarding.offender_records import NewOffender
from watchkeeper.safeguarding.offenders import travel_plan
from watchkeeper.safeguarding.service_core import Assignment
from watchkeeper.web.api import safeguarding_present as present
from watchkeeper.web.api import safeguarding_schemas as schemas
from watchkeeper.web.api.context import App, SignedIn

router = APIRouter(prefix="/api", tags=["safeguarding"])
RefPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.()-]+$")]
Text = Annotated[str, Query(max_length=300, pattern=r"^[^\x00]*$")]


def _assignment(actor: Actor, owner: str, supervisor: str) -> Assignment:
    return Assignment(owner or actor.username, supervisor)


# --- people, places, intake ---------------------------------------------------------------
@router.post("/people", status_code=status.HTTP_201_CREATED)
def record_person(
    body: schemas.PersonCreate, application: App, actor: SignedIn
) -> schemas.PersonCreatedRead:
    """File a person; likely duplicates come back as suggestions (never merged)."""
    people = application.safeguarding.people
    age = body.apparent_age
    if age is not None and body.date_of_birth is not None:
        raise InputError("give a date of birth or an apparent age, not both "
                         "(fields: date_of_birth, apparent_age)")  # fmt: skip
    estimate = None if age is None else people.birth_years_for_age(age.youngest, age.oldest)
    person = Person(body.person_ref, tuple(PersonName(n.given, n.family) for n in body.names),
                    body.date_of_birth, frozenset(body.markers), estimate)  # fmt: skip
    found = people.record_person(actor, person, body.address_ref or None)
    return schemas.PersonCreatedRead(
        person_ref=person.person_ref,
        suggestions=[present.suggestion(f, person.person_ref) for f in found],
    )


@router.get("/people/{person_ref}")
def show_person(person_ref: RefPath, application: App, actor: SignedIn) -> schemas.PersonRead:
    """Everything the caller's role may see about a person (registers it may not see: null)."""
    view = application.safeguarding.people.show_person(actor, person_ref)
    return present.person(view, application.clock.now())


@router.post("/people/{person_ref}/addresses", status_code=status.HTTP_201_CREATED)
def link_address(person_ref: RefPath, body: schemas.AddressLinkCreate, application: App,
                 actor: SignedIn) -> schemas.PersonRead:  # fmt: skip
    """Link a person to an address with the relation (lives-at, ...)."""
    people = application.safeguarding.people
    people.link_address(actor, person_ref, body.address_ref, body.relation)
    return present.person(people.show_person(actor, person_ref), application.clock.now())


@router.post("/addresses", status_code=status.HTTP_201_CREATED)
def record_address(
    body: schemas.AddressCreate, application: App, actor: SignedIn
) -> schemas.AddressRead:
    """File an address (lines as given, postcode)."""
    address = Address(body.address_ref, tuple(body.lines), body.postcode)
    application.safeguarding.people.record_address(actor, address)
    return schemas.AddressRead(address_ref=address.address_ref, lines=list(address.lines),
                               postcode=address.postcode, relation="")  # fmt: skip


@router.post("/incident-links", status_code=status.HTTP_201_CREATED)
def link_incident(
    body: schemas.IncidentLinkCreate, application: App, actor: SignedIn
) -> schemas.IncidentLinkCreate:
    """Link a person and/or an address to an incident with the part they played."""
    application.safeguarding.people.link_incident(
        actor, body.incident_id, body.role, person_ref=body.person_ref or None,
        address_ref=body.address_ref or None,
    )  # fmt: skip
    return body


@router.get("/match-suggestions")
def pending_suggestions(application: App, actor: SignedIn) -> list[schemas.SuggestionRead]:
    """Likely duplicates waiting for a person's decision."""
    found = application.safeguarding.people.pending_suggestions(actor)
    return [present.stored_suggestion(r) for r in found]


@router.post("/match-suggestions/{suggestion_id}/decision")
def decide_suggestion(
    suggestion_id: Annotated[int, Path(ge=1, le=2**31 - 1)],  # the id column: int4 on PostgreSQL
    body: schemas.SuggestionDecisionCreate,
    application: App,
    actor: SignedIn,
) -> list[schemas.SuggestionRead]:
    """Same person or different, with the rationale; nothing is merged automatically."""
    people = application.safeguarding.people
    people.decide_suggestion(actor, suggestion_id, body.decision, body.rationale)
    return [present.stored_suggestion(r) for r in people.pending_suggestions(actor)]


@router.get("/intake")
def intake(application: App, actor: SignedIn, address: Text = "",
           person: Text = "") -> schemas.IntakeRead:  # fmt: skip
    """What the force already knows about an address and a person: open DA or MARAC case,
    active missing episode, registered offender."""
    facts = application.safeguarding.people.intake_summary(actor, address, person)
    return present.known(facts, address, person)


# --- domestic abuse -----------------------------------------------------------------------
def _case(application: App, actor: Actor, case_ref: str) -> schemas.DaCaseRead:
    view = application.safeguarding.domestic_abuse.show_case(actor, case_ref)
    return present.case(view, application.clock.now())


@router.post("/da-cases", status_code=status.HTTP_201_CREATED)
def open_case(body: schemas.DaCaseCreate, application: App, actor: SignedIn) -> schemas.DaCaseRead:
    """Open a DA case; the DASH is then owed by ``owner`` (default: the caller)."""
    request = NewDaCase(
        body.case_ref, body.victim_ref, _assignment(actor, body.owner, body.supervisor),
        incident_id=body.incident_id or None, address_ref=body.address_ref or None,
        perpetrator_ref=body.perpetrator_ref or None,
    )  # fmt: skip
    application.safeguarding.domestic_abuse.open_case(actor, request)
    return _case(application, actor, body.case_ref)


StatusQuery = Annotated[str, Query(alias="status", min_length=1, max_length=16)]


@router.get("/da-cases")
def list_cases(application: App, actor: SignedIn,
               state: StatusQuery = "open") -> schemas.DaCaseListRead:  # fmt: skip
    """The DA register: cases in a status (open or closed), longest open first, up to 200."""
    return present.case_list(application.safeguarding.domestic_abuse.list_cases(actor, state))


@router.get("/da-cases/{case_ref}")
def show_case(case_ref: RefPath, application: App, actor: SignedIn) -> schemas.DaCaseRead:
    """The case, every DASH version and its duties."""
    return _case(application, actor, case_ref)


@router.post("/da-cases/{case_ref}/dash", status_code=status.HTTP_201_CREATED)
def submit_dash(case_ref: RefPath, body: schemas.DashCreate, application: App,
                actor: SignedIn) -> schemas.DashOutcomeRead:  # fmt: skip
    """A (new version of the) DASH: level by the configured rule, judgement raises only."""
    judgement = (body.judgement.level, body.judgement.rationale) if body.judgement else None
    register = application.safeguarding.domestic_abuse
    result = register.submit_dash(actor, case_ref, body.form_id, body.answers, judgement)
    view = register.show_case(actor, case_ref)
    return present.outcome(result, view, application.clock.now())


@router.post("/da-cases/{case_ref}/refusal")
def record_refusal(case_ref: RefPath, body: schemas.RefusalCreate, application: App,
                   actor: SignedIn) -> schemas.DaCaseRead:  # fmt: skip
    """The victim declined the DASH: recorded with the reason (still needs sign-off)."""
    application.safeguarding.domestic_abuse.record_refusal(actor, case_ref, body.reason)
    return _case(application, actor, case_ref)


@router.post("/da-cases/{case_ref}/sign-off")
def sign_off(case_ref: RefPath, body: schemas.SignOffCreate, application: App,
             actor: SignedIn) -> schemas.DaCaseRead:  # fmt: skip
    """A supervisor signs off the DASH or refusal (never their own)."""
    application.safeguarding.domestic_abuse.sign_off(actor, case_ref, body.note)
    return _case(application, actor, case_ref)


@router.post("/da-cases/{case_ref}/marac", status_code=status.HTTP_201_CREATED)
def refer_to_marac(
    case_ref: RefPath, application: App, actor: SignedIn
) -> schemas.MaracReferralRead:
    """Refer to MARAC, pre-filled from the latest DASH; refused when no criterion is met."""
    referral = application.safeguarding.domestic_abuse.refer_to_marac(actor, case_ref)
    return schemas.MaracReferralRead(case_ref=case_ref, referral=referral)


@router.post("/da-cases/{case_ref}/reviews")
def review_case(case_ref: RefPath, body: schemas.CaseReviewCreate, application: App,
                actor: SignedIn) -> schemas.DaCaseRead:  # fmt: skip
    """A periodic case review; the next one falls due."""
    application.safeguarding.domestic_abuse.review_case(actor, case_ref, body.note)
    return _case(application, actor, case_ref)


@router.post("/da-cases/{case_ref}/close")
def close_case(case_ref: RefPath, body: schemas.CloseCreate, application: App,
               actor: SignedIn) -> schemas.DaCaseRead:  # fmt: skip
    """Close the case; refused until its DASH (or refusal) is completed and signed off."""
    application.safeguarding.domestic_abuse.close_case(actor, case_ref, body.reason)
    return _case(application, actor, case_ref)


# --- missing persons ----------------------------------------------------------------------
def _episode(application: App, actor: Actor, episode_ref: str) -> schemas.EpisodeRead:
    view = application.safeguarding.missing.show(actor, episode_ref)
    return present.episode(view, application.clock.now())


@router.post("/missing", status_code=status.HTTP_201_CREATED)
def report_missing(
    body: schemas.MissingCreate, application: App, actor: SignedIn
) -> schemas.EpisodeRead:
    """Open an episode with the call handler's answers; the categorisation rule applies."""
    request = NewMissingReport(
        body.episode_ref, body.person_ref, body.reported_at, body.risk, body.call_answers,
        _assignment(actor, body.owner, body.supervisor), looked_after=body.looked_after,
        markers=frozenset(body.markers), supervisor_rationale=body.supervisor_rationale,
        date_of_birth=body.date_of_birth, address_ref=body.address_ref or None,
        incident_id=body.incident_id or None,
    )  # fmt: skip
    application.safeguarding.missing.report(actor, request)
    return _episode(application, actor, body.episode_ref)


@router.get("/missing")
def list_episodes(application: App, actor: SignedIn,
                  state: StatusQuery = "open") -> schemas.EpisodeListRead:  # fmt: skip
    """The missing-persons register: episodes in a status, earliest reported first, each with
    what is due next (up to 200)."""
    return present.episode_list(application.safeguarding.missing.list_episodes(actor, state))


@router.get("/missing/{episode_ref}")
def show_episode(episode_ref: RefPath, application: App, actor: SignedIn) -> schemas.EpisodeRead:
    """The episode, its timeline, what is due next and its duties."""
    return _episode(application, actor, episode_ref)


@router.post("/missing/{episode_ref}/reviews")
def review_episode(episode_ref: RefPath, body: schemas.MissingReviewCreate, application: App,
                   actor: SignedIn) -> schemas.EpisodeRead:  # fmt: skip
    """A supervisory review (may re-grade); never dated before the episode began."""
    missing = application.safeguarding.missing
    missing.record_review(actor, episode_ref, body.level, body.rationale, body.at)
    return _episode(application, actor, episode_ref)


@router.post("/missing/{episode_ref}/found")
def record_found(episode_ref: RefPath, body: schemas.WhenCreate, application: App,
                 actor: SignedIn) -> schemas.EpisodeRead:  # fmt: skip
    """Found or returned: reviews stop; safe-and-well (and, for a child, RHI) fall due."""
    application.safeguarding.missing.record_found(actor, episode_ref, body.at)
    return _episode(application, actor, episode_ref)


@router.post("/missing/{episode_ref}/safe-and-well")
def record_safe_and_well(episode_ref: RefPath, body: schemas.WhenCreate, application: App,
                         actor: SignedIn) -> schemas.EpisodeRead:  # fmt: skip
    """The safe-and-well check is done."""
    application.safeguarding.missing.record_safe_and_well(actor, episode_ref, body.at)
    return _episode(application, actor, episode_ref)


@router.post("/missing/{episode_ref}/rhi")
def record_rhi(episode_ref: RefPath, body: schemas.WhenCreate, application: App,
               actor: SignedIn) -> schemas.EpisodeRead:  # fmt: skip
    """The return home interview was offered."""
    application.safeguarding.missing.record_rhi_offered(actor, episode_ref, body.at)
    return _episode(application, actor, episode_ref)


# --- registered offenders -----------------------------------------------------------------
def _offender(application: App, actor: Actor, offender_ref: str) -> schemas.OffenderRead:
    view = application.safeguarding.offenders.show(actor, offender_ref)
    return present.offender(view, application.clock.now(), application.safeguarding.context.policy)


@router.post("/offenders", status_code=status.HTTP_201_CREATED)
def register_offender(
    body: schemas.OffenderCreate, application: App, actor: SignedIn
) -> schemas.OffenderRead:
    """Register an offender (the initial notification is the registration day)."""
    request = NewOffender(
        body.offender_ref, body.person_ref, body.registered_on, body.risk, body.mappa_category,
        body.mappa_level, body.supervisor, body.manager_ref, address_ref=body.address_ref or None,
        notification_ends_on=body.notification_ends_on, no_fixed_abode=body.no_fixed_abode,
    )  # fmt: skip
    application.safeguarding.offenders.register(actor, request)
    return _offender(application, actor, body.offender_ref)


@router.get("/offenders")
def list_offenders(application: App, actor: SignedIn,
                   state: StatusQuery = "active") -> schemas.OffenderListRead:  # fmt: skip
    """The register of offenders: active (or ended) registrations, by reference (up to 200)."""
    return present.offender_list(application.safeguarding.offenders.list_offenders(actor, state))


@router.get("/offenders/{offender_ref}")
def show_offender(offender_ref: RefPath, application: App, actor: SignedIn) -> schemas.OffenderRead:
    """The offender's file, clocks, breach state, caseload and duties."""
    return _offender(application, actor, offender_ref)


@router.get("/offenders/caseloads/{manager_ref}")
def caseload(manager_ref: RefPath, application: App, actor: SignedIn) -> schemas.CaseloadRead:
    """A manager's caseload against the configured warning threshold."""
    c = application.safeguarding.offenders.caseload(actor, manager_ref)
    return schemas.CaseloadRead(manager_ref=c.manager_ref, count=c.count,
                                warning_at=c.warning_at, warning=c.warning, source=c.source)  # fmt: skip


@router.post("/offenders/{offender_ref}/notifications", status_code=status.HTTP_201_CREATED)
def record_notification(offender_ref: RefPath, body: schemas.NotificationCreate,
                        application: App, actor: SignedIn) -> schemas.OffenderRead:  # fmt: skip
    """An s83/s84/s85 notification or an s86 travel notice (with departure and destination)."""
    travel = None
    if body.departs_on is not None:
        travel = travel_plan(body.departs_on, body.returns_on, body.destination)
    application.safeguarding.offenders.record_notification(
        actor, offender_ref, body.kind, body.on, travel
    )
    return _offender(application, actor, offender_ref)


@router.post("/offenders/{offender_ref}/visits", status_code=status.HTTP_201_CREATED)
def record_visit(offender_ref: RefPath, body: schemas.VisitCreate, application: App,
                 actor: SignedIn) -> schemas.OffenderRead:  # fmt: skip
    """A home visit; refused while the offender is in custody."""
    offenders = application.safeguarding.offenders
    offenders.record_visit(actor, offender_ref, body.visited_on, body.note)
    return _offender(application, actor, offender_ref)


@router.post("/offenders/{offender_ref}/assessments", status_code=status.HTTP_201_CREATED)
def record_assessment(offender_ref: RefPath, body: schemas.ArmsCreate, application: App,
                      actor: SignedIn) -> schemas.OffenderRead:  # fmt: skip
    """An ARMS assessment with its date and version; sets the risk level."""
    application.safeguarding.offenders.record_assessment(
        actor, offender_ref, body.assessed_on, body.version, body.level
    )
    return _offender(application, actor, offender_ref)


@router.post("/offenders/{offender_ref}/custody", status_code=status.HTTP_201_CREATED)
def record_custody(offender_ref: RefPath, body: schemas.CustodyCreate, application: App,
                   actor: SignedIn) -> schemas.OffenderRead:  # fmt: skip
    """A period in custody (visits are refused during it)."""
    offenders = application.safeguarding.offenders
    offenders.record_custody(actor, offender_ref, body.starts_on, body.ends_on)
    return _offender(application, actor, offender_ref)


@router.post("/offenders/{offender_ref}/release")
def record_release(offender_ref: RefPath, body: schemas.ReleaseCreate, application: App,
                   actor: SignedIn) -> schemas.OffenderRead:  # fmt: skip
    """Release from custody."""
    application.safeguarding.offenders.record_release(actor, offender_ref, body.released_on)
    return _offender(application, actor, offender_ref)


@router.put("/offenders/{offender_ref}/reactive")
def set_reactive(offender_ref: RefPath, body: schemas.ReactiveUpdate, application: App,
                 actor: SignedIn) -> schemas.OffenderRead:  # fmt: skip
    """Into (only when eligible) or out of reactive management."""
    application.safeguarding.offenders.set_reactive(actor, offender_ref, body.reactive)
    return _offender(application, actor, offender_ref)


@router.post("/offenders/{offender_ref}/review-triggers", status_code=status.HTTP_201_CREATED)
def record_review_trigger(offender_ref: RefPath, body: schemas.ReviewTriggerCreate,
                          application: App, actor: SignedIn) -> schemas.OffenderRead:  # fmt: skip
    """An event that sends the offender's risk for review: the manager owes a review duty."""
    offenders = application.safeguarding.offenders
    offenders.record_trigger(actor, offender_ref, body.trigger, body.summary)
    return _offender(application, actor, offender_ref)


@router.post("/offenders/{offender_ref}/risk-reviews", status_code=status.HTTP_201_CREATED)
def record_risk_review(offender_ref: RefPath, body: schemas.RiskReviewCreate,
                       application: App, actor: SignedIn) -> schemas.OffenderRead:  # fmt: skip
    """The owed risk review: its outcome (remain-reactive, return-to-active, plan-confirmed)."""
    offenders = application.safeguarding.offenders
    offenders.record_risk_review(actor, offender_ref, body.outcome, body.rationale)
    return _offender(application, actor, offender_ref)


@router.post("/offenders/breaches")
def raise_breaches(application: App, actor: SignedIn) -> list[str]:
    """Raise a breach (owed as a risk review) for every missed s85 re-notification."""
    return list(application.safeguarding.breaches.raise_due(actor))


# --- duties -------------------------------------------------------------------------------
@router.get("/duties/mine")
def my_work(application: App, actor: SignedIn) -> list[schemas.DutyRead]:
    """Every open duty the caller owns, soonest due first (the overdue lead)."""
    items = application.safeguarding.duties.my_work(actor)
    return present.work(items, application.clock.now())


@router.get("/duties/alerts")
def alerts(application: App, actor: SignedIn) -> list[schemas.DutyAlertRead]:
    """Alerts waiting on the caller's screen until acknowledged."""
    return [present.alert(a) for a in application.safeguarding.duties.alerts(actor)]


@router.get("/duties/overdue")
def overdue(application: App, actor: SignedIn,
            supervisor: Annotated[str, Query(max_length=64, pattern=r"^[^\x00]*$")] = "") -> list[schemas.DutyRead]:  # fmt: skip
    """Duties under a supervisor (default: the caller) overdue past their escalation point."""
    items = application.safeguarding.duties.overdue_for_supervisor(actor, supervisor or None)
    return present.work(items, application.clock.now())


@router.post("/duties/acknowledge")
def acknowledge(
    body: schemas.AcknowledgeCreate, application: App, actor: SignedIn
) -> schemas.DutyRead:
    """The owner has seen the duty or its overdue alert (only the owner may)."""
    duty = application.safeguarding.duties.acknowledge(actor, body.duty_id)
    return present.duty(duty, application.clock.now())


@router.post("/duties/reassign")
def reassign(body: schemas.ReassignCreate, application: App, actor: SignedIn) -> schemas.DutyRead:
    """Hand a duty to someone else, with a reason (refused without one)."""
    duty = application.safeguarding.duties.reassign(
        actor, body.duty_id, body.to, body.reason, body.due_at
    )
    return present.duty(duty, application.clock.now())


@router.post("/duties/escalate")
def escalate(application: App, actor: SignedIn) -> list[schemas.EscalationRead]:
    """Push every overdue, unacknowledged duty past its escalation point to its supervisor."""
    return [present.escalation(e) for e in application.safeguarding.duties.escalate_due(actor)]
