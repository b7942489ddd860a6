"""``/api/incidents``: log an incident, read its log, and append entries to it.

Each write route parses its body into one log entry, calls ``IncidentLog.record`` and
presents the incident as it now stands.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from watchkeeper.incidents import entries as e
from watchkeeper.incidents.entries import Caller, Location, ThriveElement, ThriveRating
from watchkeeper.incidents.model import LogEntry
from watchkeeper.incidents.narrative import describe
from watchkeeper.incidents.risk import RiskAssessment, RiskContext, explain
from watchkeeper.incidents.services import IncidentView, NewIncident
from watchkeeper.web.api.context import App, SignedIn
from watchkeeper.web.api.schemas import (
    NO_NUL,
    AcknowledgementCreate,
    AssignmentCreate,
    CallerRead,
    ClosureCreate,
    ContactCreate,
    EntryRead,
    FirearmsAuthorisationCreate,
    GradeUpdate,
    IncidentCreate,
    IncidentRead,
    KnownRecordRead,
    LocationRead,
    MarkerUpdate,
    ReviewCreate,
    RiskFactorRead,
    RiskRead,
    StrikeCreate,
    ThriveCreate,
    ThriveRatingRead,
    ThriveUpdate,
    UnitMovementCreate,
)

router = APIRouter(prefix="/api/incidents", tags=["incidents"])
Ref = Annotated[str, Path(min_length=1, max_length=128, description="incident id or CAD ref")]


def _thrive(body: ThriveCreate) -> e.ThriveAssessed:
    return e.ThriveAssessed(
        {
            element: ThriveRating(rating.level, rating.rationale)
            for element in ThriveElement
            for rating in [getattr(body, element.value)]
        }
    )


def _new_incident(body: IncidentCreate) -> NewIncident:
    loc, caller = body.location, body.caller
    return NewIncident(
        source=body.source,
        location=Location(loc.text, loc.area, loc.lat, loc.lon),
        category=body.category,
        grade_label=body.grade_label,
        caller=Caller(caller.name, caller.phone, caller.person_ref),
        summary=body.summary,
        markers=tuple(body.markers),
        thrive=_thrive(body.thrive) if body.thrive else None,
    )


def _risk(view: IncidentView, application: App) -> RiskAssessment | None:
    # Until IncidentLog.show returns the board's own assessment, this counts what is known
    # about the person and address but not repeat calls, so it can read lower than the board.
    if not view.state.is_open:
        return None
    context = RiskContext(known_records=len(view.known))
    return explain(view.state, context, application.profile, application.clock.now())


def present(view: IncidentView, risk: RiskAssessment | None) -> IncidentRead:
    """The incident as the API shows it: state, the whole log (struck entries flagged)."""
    st, opened = view.state, view.state.opened
    loc, who = opened.location, opened.caller
    return IncidentRead(
        incident_id=st.incident_id,
        version=view.incident.version,
        status=st.status.value,
        grade=st.grade.grade if st.grade else None,
        grade_label=st.grade.force_label if st.grade else None,
        category=opened.category,
        source=opened.source,
        location=LocationRead(text=loc.text, area=loc.area, lat=loc.lat, lon=loc.lon),
        caller=CallerRead(name=who.name, phone=who.phone, person_ref=who.person_ref),
        summary=opened.summary,
        markers=sorted(st.markers),
        thrive={
            el.value: ThriveRatingRead(level=r.level, rationale=r.rationale)
            for el, r in st.thrive.ratings.items()
        }
        if st.thrive
        else None,
        logged_at=st.logged_at,
        last_contact_at=st.last_contact_at,
        last_review_at=st.last_review_at,
        units=list(st.units),
        arrived_at=st.arrived_at,
        closed_at=st.closed_at,
        closing_category=st.closing_category,
        acknowledged=dict(st.acknowledged),
        risk=_present_risk(risk),
        known=[
            KnownRecordRead(register=k.register, summary=k.summary, reference=k.reference)
            for k in view.known
        ],
        entries=[_present_entry(entry, st.struck_seqs) for entry in view.incident.entries],
    )


def _present_risk(risk: RiskAssessment | None) -> RiskRead | None:
    if risk is None:
        return None
    factors = [RiskFactorRead(name=f.name, points=f.points, detail=f.detail) for f in risk.factors]
    return RiskRead(score=risk.score, band=risk.band, factors=factors)


def _present_entry(entry: LogEntry, struck: frozenset[int]) -> EntryRead:
    return EntryRead(
        seq=entry.seq,
        at=entry.at,
        recorded_at=entry.recorded_at,
        author=entry.author,
        kind=entry.payload.kind,
        version=entry.payload.version,
        struck=entry.seq in struck,
        text=describe(entry.payload),
        detail=e.to_document(entry.payload),
    )


def _shown(application: App, actor: SignedIn, ref: str, why: str | None = None) -> IncidentRead:
    view = application.incidents.show(actor, ref, why)
    return present(view, _risk(view, application))


def _append(
    application: App, actor: SignedIn, ref: str, payload: e.EntryPayload, version: int | None
) -> IncidentRead:
    application.incidents.record(actor, ref, payload, expected_version=version)
    return _shown(application, actor, ref)


@router.post("", status_code=status.HTTP_201_CREATED)
def log_incident(body: IncidentCreate, application: App, actor: SignedIn) -> IncidentRead:
    """Log a new incident with its grade, vulnerability markers and optional THRIVE."""
    incident_id = application.incidents.log_incident(actor, _new_incident(body))
    return _shown(application, actor, incident_id)


@router.get("/{ref}")
def show_incident(
    ref: Ref,
    application: App,
    actor: SignedIn,
    reason: Annotated[str | None, Query(max_length=200, pattern=NO_NUL)] = None,
) -> IncidentRead:
    """One incident's state, full log (struck entries flagged), risk and known records.

    ``reason`` (why you are looking) is kept in the audit log with the read.
    """
    return _shown(application, actor, ref, reason)


@router.post("/{ref}/thrive")
def assess_thrive(ref: Ref, body: ThriveUpdate, application: App, actor: SignedIn) -> IncidentRead:
    """Record a (re-)assessment of all six THRIVE elements."""
    return _append(application, actor, ref, _thrive(body), body.expected_version)


@router.post("/{ref}/grade")
def grade(ref: Ref, body: GradeUpdate, application: App, actor: SignedIn) -> IncidentRead:
    """Re-grade with a force label and the reason."""
    canonical = application.profile.grade_for_label(body.grade_label)
    payload = e.Graded(canonical, body.grade_label, body.reason)
    return _append(application, actor, ref, payload, body.expected_version)


@router.post("/{ref}/markers")
def mark(ref: Ref, body: MarkerUpdate, application: App, actor: SignedIn) -> IncidentRead:
    """Mark (or unmark) one vulnerability marker."""
    payload = e.VulnerabilityMarked(body.marker, body.present, body.note)
    return _append(application, actor, ref, payload, body.expected_version)


@router.post("/{ref}/contact")
def contact(ref: Ref, body: ContactCreate, application: App, actor: SignedIn) -> IncidentRead:
    """Record contact with the caller (e.g. a call-back) and its outcome."""
    payload = e.ContactMade(body.outcome, body.method)
    return _append(application, actor, ref, payload, body.expected_version)


@router.post("/{ref}/review")
def review(ref: Ref, body: ReviewCreate, application: App, actor: SignedIn) -> IncidentRead:
    """Record a supervisor's backlog review of this incident."""
    payload = e.BacklogReviewed(body.note, body.outcome)
    return _append(application, actor, ref, payload, body.expected_version)


@router.post("/{ref}/assign")
def assign(ref: Ref, body: AssignmentCreate, application: App, actor: SignedIn) -> IncidentRead:
    """Assign a unit, with the reason."""
    payload = e.ResourceAssigned(body.unit, body.reason)
    return _append(application, actor, ref, payload, body.expected_version)


@router.post("/{ref}/en-route")
def en_route(ref: Ref, body: UnitMovementCreate, application: App, actor: SignedIn) -> IncidentRead:
    """Record that a unit is on its way."""
    return _append(application, actor, ref, e.EnRoute(body.unit), body.expected_version)


@router.post("/{ref}/arrive")
def arrive(ref: Ref, body: UnitMovementCreate, application: App, actor: SignedIn) -> IncidentRead:
    """Record that a unit arrived on scene."""
    return _append(application, actor, ref, e.Arrived(body.unit), body.expected_version)


@router.post("/{ref}/firearms-authorised")
def firearms_authorised(
    ref: Ref, body: FirearmsAuthorisationCreate, application: App, actor: SignedIn
) -> IncidentRead:
    """Log the armed deployment authority given (who, on what basis); armed_policing reads it."""
    payload = e.FirearmsAuthorised(body.authorised_by, body.basis)
    return _append(application, actor, ref, payload, body.expected_version)


@router.post("/{ref}/close")
def close(ref: Ref, body: ClosureCreate, application: App, actor: SignedIn) -> IncidentRead:
    """Close the incident with a closing category."""
    payload = e.Closed(body.closing_category, body.note)
    return _append(application, actor, ref, payload, body.expected_version)


@router.post("/{ref}/strike")
def strike(ref: Ref, body: StrikeCreate, application: App, actor: SignedIn) -> IncidentRead:
    """Strike a wrong entry with a reason; it stays in the log, marked as struck."""
    payload = e.Struck(body.seq, body.reason)
    return _append(application, actor, ref, payload, body.expected_version)


@router.post("/{ref}/acknowledge")
def acknowledge(
    ref: Ref, body: AcknowledgementCreate, application: App, actor: SignedIn
) -> IncidentRead:
    """Acknowledge a board alert (a new critical incident, a breach) for this incident."""
    payload = e.AlertAcknowledged(body.alert, body.note)
    return _append(application, actor, ref, payload, body.expected_version)
