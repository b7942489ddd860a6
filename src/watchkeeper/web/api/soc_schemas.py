"""Request and response shapes of the SOC and armed-response API (issue 6)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from watchkeeper.web.api.schemas import Code, LongNote, Moment, Reason, Ref, Strict, Summary

Level = Annotated[str, Field(min_length=1, max_length=16)]
Days = Annotated[int, Field(ge=1, le=3650)]


# --- requests ---------------------------------------------------------------------------
class GroupCreate(Strict):
    name: Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[^\x00]*$")]
    activities: Annotated[list[Code], Field(min_length=1, max_length=20)]
    reach: Annotated[list[Code], Field(default_factory=list, max_length=50)]


class MemberCreate(Strict):
    person_ref: Code
    role: Code


class ThreatCreate(Strict):
    ocgm: dict[Code, Level]
    harm: dict[Code, Level]
    likelihood: Level
    position: dict[Code, Level]
    confidence: Level = "medium"


class StateChangeCreate(Strict):
    state: Code
    reason: Reason


class LroAssign(Strict):
    officer: Code
    reason: Reason
    override_reason: Annotated[str, Field(max_length=500, pattern=r"^[^\x00]*$")] = ""


class DisruptionCreate(Strict):
    type: Code
    impact: Code
    strand: Code
    summary: Summary
    at: Moment | None = None


class PlanCreate(Strict):
    objectives: dict[Code, LongNote]


class ActionCreate(Strict):
    strand: Code
    description: LongNote
    owner: Code
    supervisor: Code
    due_at: Moment


class CaseCreate(Strict):
    case_id: Code
    person_ref: Code
    offence: Code
    stage: Code


class DecisionCreate(Strict):
    decision: Code
    reason: Reason


class TermCreate(Strict):
    term_id: Code
    text: LongNote
    starts_on: date
    ends_on: date
    notification_days: Annotated[int | None, Field(ge=0, le=365)] = None


class OrderCreate(Strict):
    order_id: Code
    person_ref: Code
    group_id: Ref = ""
    court: Code
    made_on: date
    starts_on: date
    ends_on: date
    monitoring_officer: Code
    check_interval_days: Days | None = None
    terms: Annotated[list[TermCreate], Field(min_length=1, max_length=50)]


class CheckCreate(Strict):
    outcome: Code
    note: Annotated[str, Field(max_length=1000, pattern=r"^[^\x00]*$")] = ""
    done_on: date | None = None


class BreachCreate(Strict):
    term_id: Code
    occurred_on: date
    summary: LongNote


class ReferralCreate(Strict):
    to: Code = "CPS"


class OutcomeCreate(Strict):
    outcome: Code


class DeploymentCreate(Strict):
    deployment_id: Code
    incident_ref: Code
    arv: Code
    area: Code
    call_at: Moment
    authorised_at: Moment | None = None
    dispatched_at: Moment | None = None
    en_route_at: Moment | None = None
    arrived_at: Moment | None = None


# --- responses --------------------------------------------------------------------------
class FlagRead(BaseModel):
    kind: str
    record_id: str
    message: str


class ActionRead(BaseModel):
    action_id: str
    strand: str
    description: str
    owner: str
    due_at: datetime
    state: str


class PlanRead(BaseModel):
    plan_id: str
    review_by: datetime
    current: bool
    objectives: dict[str, str]
    actions: list[ActionRead]


class GroupSummaryRead(BaseModel):
    group_id: str
    name: str
    state: str
    band: str | None
    score: float | None
    lro: str | None
    plan_review_by: datetime | None
    flags: list[FlagRead]


class MemberRead(BaseModel):
    person_ref: str
    role: str
    added_at: datetime


class HistoryRead(BaseModel):
    at: datetime
    what: str
    by: str
    reason: str


class DisruptionRead(BaseModel):
    disruption_id: str
    at: datetime
    type: str
    impact: str
    strand: str
    summary: str


class GroupRead(GroupSummaryRead):
    activities: list[str]
    reach: list[str]
    members: list[MemberRead]
    score_reasons: list[str]
    states: list[HistoryRead]
    owners: list[HistoryRead]
    disruptions: list[DisruptionRead]
    plan: PlanRead | None


class CaseloadRead(BaseModel):
    officer: str
    groups: list[str]
    weighted: float
    cap: float
    status: str


class AssignmentRead(BaseModel):
    group: GroupRead
    caseload: CaseloadRead
    warning: str | None


class RatioRead(BaseModel):
    value: float
    numerator: int
    denominator: int


class CaseloadSpreadRead(BaseModel):
    within_cap: RatioRead
    minimum: float
    median: float
    maximum: float
    near_cap: int
    over_cap: int


class SocIndicatorsRead(BaseModel):
    active_groups_owned_and_planned: RatioRead | None
    lro_caseloads: CaseloadSpreadRead | None
    scpo_consideration_rate: RatioRead | None
    orders_checked_on_schedule: RatioRead | None
    breaches_enforced: RatioRead | None


class CaseRead(BaseModel):
    case_id: str
    person_ref: str
    offence: str
    heading: str
    stage: str
    flagged_at: datetime
    decision: str
    reason: str
    decided_by: str
    decided_at: datetime | None


class CaseFlagRead(BaseModel):
    flagged: bool
    case: CaseRead | None


class TermRead(BaseModel):
    term_id: str
    text: str
    starts_on: date
    ends_on: date
    notification_days: int | None


class CheckRead(BaseModel):
    check_id: str
    done_on: date
    by: str
    outcome: str


class BreachRead(BaseModel):
    breach_id: str
    term_id: str
    occurred_on: date
    summary: str
    referred_at: datetime | None
    referred_to: str
    outcome: str


class OrderRead(BaseModel):
    order_id: str
    person_ref: str
    group_id: str
    court: str
    made_on: date
    starts_on: date
    ends_on: date
    monitoring_officer: str
    check_interval_days: int
    next_check: date
    terms: list[TermRead]
    checks: list[CheckRead]
    breaches: list[BreachRead]
    flags: list[FlagRead]


class GroupStatRead(BaseModel):
    key: str
    count: int
    mean: float
    median: float
    p90: float
    within: int
    share_within: float


class OutlierRead(BaseModel):
    deployment_id: str
    incident_ref: str
    area: str
    minutes: float


class AnalysisRead(BaseModel):
    deployments: int
    attended: int
    expected_minutes: float
    expectation_source: str
    overall: GroupStatRead | None
    by_area: list[GroupStatRead]
    by_hour: list[GroupStatRead]
    by_day: list[GroupStatRead]
    by_month: list[GroupStatRead]
    slowest_areas: list[GroupStatRead]
    slowest_hours: list[GroupStatRead]
    slowest_days: list[GroupStatRead]
    outlier_threshold: float | None
    outliers: list[OutlierRead]
    stage_medians: dict[str, float | None]


class RecordedRead(BaseModel):
    recorded: int
