"""Request and response shapes of the safeguarding API (issue 5): people, DA, missing, RSO, duties.

Requests are ``...Create`` / ``...Update``; responses ``...Read``. Free text is bounded and
refuses NUL; codes (risk levels, MAPPA, notification kinds, answers) are checked by the
services, which name the allowed values in their refusal.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from watchkeeper.web.api.schemas import Code, LongNote, Moment, Note, Place, Reason, Ref, Strict

# A duty id is '<subject>/<kind>/<n>': longer than a code and carrying slashes.
DutyId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
Postcode = Annotated[str, Field(max_length=12, pattern=r"^[^\x00]*$")]


def _within_register_years(day: date) -> date:
    # Register dates are births, registrations, visits: nothing before 1900 or after 2100
    # (beyond them, calendar arithmetic on the clocks could overflow).
    if not 1900 <= day.year <= 2100:
        raise ValueError("must be between the years 1900 and 2100")
    return day


Day = Annotated[date, AfterValidator(_within_register_years)]
Answers = Annotated[dict[Code, Code], Field(max_length=100)]


# --- requests: people and places ---------------------------------------------------------
class NameCreate(Strict):
    given: Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[^\x00]*$")]
    family: Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[^\x00]*$")]


Age = Annotated[int, Field(ge=0, le=125)]  # people.model.MAX_AGE_YEARS


class ApparentAge(Strict):
    """The age a person gave or looked, youngest to oldest, when the date of birth is unknown."""

    youngest: Age
    oldest: Age


class PersonCreate(Strict):
    person_ref: Code
    names: Annotated[list[NameCreate], Field(min_length=1, max_length=20)]
    date_of_birth: Day | None = None
    # Only without a date of birth; kept as the years they could have been born in.
    apparent_age: ApparentAge | None = None
    markers: Annotated[list[Code], Field(default_factory=list, max_length=30)]
    # Where the person is being recorded (an address on the index): linked, and evidence for
    # the duplicate suggestions when no date of birth is given.
    address_ref: Ref = ""


class AddressCreate(Strict):
    address_ref: Code
    lines: Annotated[list[Place], Field(min_length=1, max_length=6)]
    postcode: Postcode = ""


class AddressLinkCreate(Strict):
    address_ref: Code
    relation: Code


class IncidentLinkCreate(Strict):
    incident_id: Code
    role: Code
    person_ref: Ref = ""
    address_ref: Ref = ""


class SuggestionDecisionCreate(Strict):
    decision: Code
    rationale: Reason


# --- requests: domestic abuse -------------------------------------------------------------
class DaCaseCreate(Strict):
    """Open a case; ``owner`` (default: the caller) owes the DASH, ``supervisor`` signs it off."""

    case_ref: Code
    victim_ref: Code
    supervisor: Code
    owner: Ref = ""
    incident_id: Ref = ""
    address_ref: Ref = ""
    perpetrator_ref: Ref = ""


class JudgementCreate(Strict):
    level: Code
    rationale: Reason


class DashCreate(Strict):
    form_id: Code = "dash-police-2009"
    answers: Answers
    judgement: JudgementCreate | None = None


class RefusalCreate(Strict):
    reason: Reason


class SignOffCreate(Strict):
    note: Note = ""


class CaseReviewCreate(Strict):
    note: LongNote


class CloseCreate(Strict):
    reason: Reason


# --- requests: missing persons ------------------------------------------------------------
class MissingCreate(Strict):
    episode_ref: Code
    person_ref: Code
    reported_at: Moment
    risk: Code
    call_answers: Answers
    supervisor: Code
    owner: Ref = ""
    looked_after: bool = False
    markers: Annotated[list[Code], Field(default_factory=list, max_length=30)]
    supervisor_rationale: Reason | None = None
    date_of_birth: Day | None = None
    address_ref: Ref = ""
    incident_id: Ref = ""


class MissingReviewCreate(Strict):
    level: Code
    rationale: Reason
    at: Moment | None = None


class WhenCreate(Strict):
    at: Moment | None = None


# --- requests: registered offenders -------------------------------------------------------
class OffenderCreate(Strict):
    offender_ref: Code
    person_ref: Code
    registered_on: Day
    risk: Code
    mappa_category: Annotated[int, Field(ge=0, le=9)]
    mappa_level: Annotated[int, Field(ge=0, le=9)]
    manager_ref: Code
    supervisor: Code
    address_ref: Ref = ""
    notification_ends_on: Day | None = None
    no_fixed_abode: bool = False


class NotificationCreate(Strict):
    kind: Code
    on: Day
    # an s86 travel notice's plan (required for kind 'travel', checked by the service)
    departs_on: Day | None = None
    returns_on: Day | None = None
    destination: Note = ""


class VisitCreate(Strict):
    visited_on: Day
    note: Note = ""


class ArmsCreate(Strict):
    assessed_on: Day
    version: Code
    level: Code


class CustodyCreate(Strict):
    starts_on: Day
    ends_on: Day | None = None


class ReleaseCreate(Strict):
    released_on: Day


class ReactiveUpdate(Strict):
    reactive: bool


class ReviewTriggerCreate(Strict):
    trigger: Code
    summary: Reason


class RiskReviewCreate(Strict):
    outcome: Code
    rationale: Reason


# --- requests: duties ---------------------------------------------------------------------
class AcknowledgeCreate(Strict):
    duty_id: DutyId


class ReassignCreate(Strict):
    duty_id: DutyId
    to: Code
    reason: Reason
    due_at: Moment | None = None


# --- responses ----------------------------------------------------------------------------
class DutyRead(BaseModel):
    duty_id: str
    kind: str
    subject_ref: str
    link: str | None  # the page of the record the duty is about
    owner: str
    supervisor: str
    due_at: datetime
    state: str
    overdue_minutes: int | None  # None while not yet due
    alert: str | None  # the unacknowledged alert on the owner's screen, if any
    escalated_at: datetime | None


class DutyAlertRead(BaseModel):
    duty_id: str
    kind: str
    reason: str


class EscalationRead(BaseModel):
    duty_id: str
    to: str
    owner: str
    overdue_minutes: int
    reason: str


class KnownRead(BaseModel):
    """One thing a register holds, as the call handler sees it at intake."""

    model_config = ConfigDict(populate_by_name=True)

    register_name: str = Field(alias="register")  # 'register' would shadow BaseModel's
    summary: str
    reference: str
    link: str | None


class IntakeRead(BaseModel):
    address: str
    person_ref: str
    known: list[KnownRead]


class SuggestionRead(BaseModel):
    suggestion_id: int | None
    left_ref: str
    right_ref: str
    score: float
    reasons: list[str]
    decision: str


class PersonCreatedRead(BaseModel):
    person_ref: str
    suggestions: list[SuggestionRead]


class AddressRead(BaseModel):
    address_ref: str
    lines: list[str]
    postcode: str
    relation: str


class IncidentLinkRead(BaseModel):
    incident_id: str
    role: str
    person_ref: str | None
    address_ref: str | None
    linked_by: str
    linked_at: datetime


class DaCaseSummaryRead(BaseModel):
    case_ref: str
    status: str
    dash_status: str
    risk_level: str | None
    signed_off: bool
    marac_referred_on: date | None


class EpisodeSummaryRead(BaseModel):
    episode_ref: str
    open: bool
    risk: str
    reported_at: datetime
    found_at: datetime | None


class OffenderSummaryRead(BaseModel):
    offender_ref: str
    status: str
    risk: str
    manager_ref: str


class DaCaseRowRead(DaCaseSummaryRead):
    victim_ref: str
    victim_name: str | None
    opened_at: datetime


class DaCaseListRead(BaseModel):
    """One page of the DA register (``total`` counts every case in the status)."""

    total: int
    cases: list[DaCaseRowRead]


class DueRead(BaseModel):
    kind: str
    due_at: datetime
    overdue: bool


class EpisodeRowRead(EpisodeSummaryRead):
    person_ref: str
    name: str | None
    is_child: bool
    looked_after: bool
    next_due: DueRead | None


class EpisodeListRead(BaseModel):
    total: int
    episodes: list[EpisodeRowRead]


class OffenderRowRead(OffenderSummaryRead):
    person_ref: str
    name: str | None
    registered_on: date
    mappa_category: int
    mappa_level: int
    reactive: bool
    no_fixed_abode: bool


class OffenderListRead(BaseModel):
    total: int
    offenders: list[OffenderRowRead]


class BirthYearsRead(BaseModel):
    earliest: int
    latest: int


class PersonRead(BaseModel):
    """One view of a person; a register the reader may not see is null (not empty)."""

    person_ref: str
    names: list[str]
    date_of_birth: date | None
    estimated_birth: BirthYearsRead | None  # without a date of birth: an apparent age
    markers: list[str]
    addresses: list[AddressRead]
    incidents: list[IncidentLinkRead]
    da_cases: list[DaCaseSummaryRead] | None
    missing: list[EpisodeSummaryRead] | None
    offender_records: list[OffenderSummaryRead] | None
    open_duties: list[DutyRead] | None


class SubmissionRead(BaseModel):
    seq: int
    form_id: str
    form_version: str
    yes_count: int
    answers: dict[str, str]
    submitted_by: str
    submitted_at: datetime


class DaCaseRead(BaseModel):
    case_ref: str
    victim_ref: str
    status: str
    opened_at: datetime
    incident_id: str | None
    address_ref: str | None
    perpetrator_ref: str | None
    dash_status: str
    refusal_reason: str | None
    actuarial_level: str | None
    risk_level: str | None
    judgement_rationale: str | None
    judgement_by: str | None
    assessed_by: str | None
    signed_off_by: str | None
    signed_off_at: datetime | None
    marac_referred_on: date | None
    closed_at: datetime | None
    submissions: list[SubmissionRead]
    duties: list[DutyRead]


class AssessmentRead(BaseModel):
    form_id: str
    form_version: str
    yes_count: int
    yes_keys: list[str]
    high_risk_factors_yes: list[str]
    actuarial_level: str
    level: str
    raised_by_judgement: bool


class DashOutcomeRead(BaseModel):
    assessment: AssessmentRead
    marac_criteria: list[str]
    case: DaCaseRead


class MaracReferralRead(BaseModel):
    """The referral as pre-filled from the DASH answers and history (never re-typed)."""

    case_ref: str
    referral: dict[str, Any]


class ReviewRead(BaseModel):
    at: datetime
    by: str
    level: str
    rationale: str


class EventRead(BaseModel):
    at: datetime
    what: str


class NextDueRead(BaseModel):
    kind: str
    due_at: datetime
    overdue: bool


class EpisodeRead(BaseModel):
    episode_ref: str
    person_ref: str
    reported_at: datetime
    reported_by: str
    date_of_birth: date
    is_child: bool
    looked_after: bool
    markers: list[str]
    reported_risk: str
    risk: str
    supervisor_rationale: str | None
    call_answers: dict[str, str]
    reviews: list[ReviewRead]
    found_at: datetime | None
    safe_and_well_at: datetime | None
    rhi_offered_at: datetime | None
    open: bool
    address_ref: str | None
    incident_id: str | None
    timeline: list[EventRead]
    next_due: NextDueRead | None
    duties: list[DutyRead]


class NotificationRead(BaseModel):
    kind: str
    on: date
    departs_on: date | None = None  # travel notices: the plan, and whether given in time
    returns_on: date | None = None
    destination: str | None = None
    in_time: bool | None = None


class ArmsRead(BaseModel):
    assessed_on: date
    version: str
    level: str
    by: str


class CustodyRead(BaseModel):
    start: date
    end: date | None


class CaseloadRead(BaseModel):
    manager_ref: str
    count: int
    warning_at: int
    warning: bool
    source: str


class RiskEventRead(BaseModel):
    kind: str  # trigger, review
    name: str  # the trigger key, or the review outcome
    at: datetime
    detail: str
    by: str


class OffenderRead(BaseModel):
    offender_ref: str
    person_ref: str
    manager_ref: str
    registered_on: date
    status: str
    risk: str
    mappa_category: int
    mappa_level: int
    visit_interval_months: int
    visit_basis: str
    visit_rationale: str
    address_ref: str | None
    notification_ends_on: date | None
    no_fixed_abode: bool
    reactive: bool
    notifications: list[NotificationRead]
    assessments: list[ArmsRead]
    visits: list[date]
    custody: list[CustodyRead]
    notification_due: date
    notification_breached: bool
    visit_due: date | None
    caseload: CaseloadRead
    duties: list[DutyRead]
    risk_events: list[RiskEventRead] = Field(default_factory=list)
