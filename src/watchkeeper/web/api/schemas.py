"""The API's request and response shapes: ``...Create`` / ``...Update`` in, ``...Read`` out.

Every free-text field has a length limit and refuses NUL characters (PostgreSQL cannot
store them); codes (categories, markers, grade labels) are checked against the force
profile by the services, which name the allowed values in their message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from watchkeeper.access.model import Role
from watchkeeper.incidents.entries import CallSource, Grade, Level

NO_NUL = r"^[^\x00]*$"


def _text(min_length: int, max_length: int) -> StringConstraints:
    return StringConstraints(min_length=min_length, max_length=max_length, pattern=NO_NUL)


Code = Annotated[str, _text(1, 64)]
Ref = Annotated[str, _text(0, 64)]
Phone = Annotated[str, _text(0, 40)]
Name = Annotated[str, _text(0, 120)]
DisplayName = Annotated[str, _text(1, 120)]
Note = Annotated[str, _text(0, 200)]
Place = Annotated[str, _text(1, 300)]
Reason = Annotated[str, _text(1, 500)]
LongNote = Annotated[str, _text(1, 1000)]
Summary = Annotated[str, _text(0, 2000)]
Secret = Annotated[str, _text(1, 256)]
NewPassword = Annotated[str, _text(12, 256)]


def _within_service_years(at: datetime) -> datetime:
    if not 1970 <= at.year <= 2100:  # beyond these, UTC arithmetic can overflow
        raise ValueError("must be between the years 1970 and 2100")
    return at


Moment = Annotated[AwareDatetime, AfterValidator(_within_service_years)]
Version = Annotated[int | None, Field(ge=1, le=1_000_000, description="reject if changed")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- requests ---------------------------------------------------------------------------


class LocationCreate(Strict):
    text: Place
    area: Code = "unknown"
    lat: Annotated[float | None, Field(ge=-90, le=90)] = None
    lon: Annotated[float | None, Field(ge=-180, le=180)] = None


class CallerCreate(Strict):
    name: Name = ""
    phone: Phone = ""
    person_ref: Ref = ""


class ThriveRatingCreate(Strict):
    level: Level
    rationale: Reason


class ThriveCreate(Strict):
    """All six THRIVE elements, each with a level and the reason for it."""

    threat: ThriveRatingCreate
    harm: ThriveRatingCreate
    risk: ThriveRatingCreate
    investigation: ThriveRatingCreate
    vulnerability: ThriveRatingCreate
    engagement: ThriveRatingCreate


class IncidentCreate(Strict):
    source: CallSource
    location: LocationCreate
    category: Code
    grade_label: Code
    caller: CallerCreate = Field(default_factory=CallerCreate)
    summary: Summary = ""
    markers: Annotated[list[Code], Field(max_length=20)] = []
    thrive: ThriveCreate | None = None


class ThriveUpdate(ThriveCreate):
    expected_version: Version = None


class GradeUpdate(Strict):
    grade_label: Code
    reason: Note = ""
    expected_version: Version = None


class MarkerUpdate(Strict):
    marker: Code
    present: bool = True
    note: Note = ""
    expected_version: Version = None


class ContactCreate(Strict):
    outcome: Reason
    method: Code = "call-back"
    expected_version: Version = None


class ReviewCreate(Strict):
    note: LongNote
    outcome: Code = "reviewed"
    expected_version: Version = None


class AssignmentCreate(Strict):
    unit: Code
    reason: Note = ""
    expected_version: Version = None


class UnitMovementCreate(Strict):
    unit: Code
    expected_version: Version = None


class FirearmsAuthorisationCreate(Strict):
    authorised_by: Code  # the authorising officer's role or collar number
    basis: Note = ""
    expected_version: Version = None


class ClosureCreate(Strict):
    closing_category: Code
    note: Note = ""
    expected_version: Version = None


class StrikeCreate(Strict):
    seq: Annotated[int, Field(ge=1, le=1_000_000)]
    reason: Reason
    expected_version: Version = None


class AcknowledgementCreate(Strict):
    alert: Code
    note: Note = ""
    expected_version: Version = None


class SessionCreate(Strict):
    username: Code
    password: Secret


CallSign = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9/_-]{0,31}$")]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]


class PositionCreate(Strict):
    lat: Lat
    lon: Lon


class UnitCreate(Strict):
    """Register a unit (issue 4); skills and area are checked against configuration."""

    call_sign: CallSign
    kind: Annotated[str, StringConstraints(pattern=r"^(officer|vehicle)$")] = "vehicle"
    skills: Annotated[list[Code], Field(max_length=20)] = ["response"]
    crew_size: Annotated[int, Field(ge=1, le=12)] = 1
    area: Code
    shift_start: Moment | None = None
    shift_end: Moment | None = None
    status: Annotated[str, StringConstraints(pattern=r"^(available|unavailable)$")] = "available"
    position: PositionCreate | None = None


class UnitUpdate(Strict):
    """Change a unit's status (only allowed moves), position, skills or shift end."""

    status: (
        Annotated[str, StringConstraints(pattern=r"^(available|en-route|on-scene|unavailable)$")]
        | None
    ) = None
    position: PositionCreate | None = None
    skills: Annotated[list[Code], Field(max_length=20)] | None = None
    shift_end: Moment | None = None
    expected_version: Version = None


class UserCreate(Strict):
    username: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")]
    display_name: DisplayName
    role: Role
    password: NewPassword


# --- responses --------------------------------------------------------------------------


class ErrorRead(BaseModel):
    code: str
    message: str


class LocationRead(BaseModel):
    text: str
    area: str
    lat: float | None
    lon: float | None


class CallerRead(BaseModel):
    name: str
    phone: str
    person_ref: str


class ThriveRatingRead(BaseModel):
    level: Level
    rationale: str


class EntryRead(BaseModel):
    seq: int
    at: datetime
    recorded_at: datetime
    author: str
    kind: str
    version: int
    struck: bool
    text: str
    detail: dict[str, Any]


class RiskFactorRead(BaseModel):
    name: str
    points: float
    detail: str


class RiskRead(BaseModel):
    score: float
    band: str
    factors: list[RiskFactorRead]


class KnownRecordRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    register_name: str = Field(alias="register")  # "register" would shadow BaseModel's
    summary: str
    reference: str


class IncidentRead(BaseModel):
    incident_id: str
    version: int
    status: str
    grade: Grade | None
    grade_label: str | None
    category: str
    source: CallSource
    location: LocationRead
    caller: CallerRead
    summary: str
    markers: list[str]
    thrive: dict[str, ThriveRatingRead] | None
    logged_at: datetime
    last_contact_at: datetime | None
    last_review_at: datetime | None
    units: list[str]
    arrived_at: datetime | None
    closed_at: datetime | None
    closing_category: str | None
    acknowledged: dict[str, datetime]
    risk: RiskRead | None
    known: list[KnownRecordRead]
    entries: list[EntryRead]


class ActionRead(BaseModel):
    rule: str
    action: str
    reason: str


class BacklogRowRead(BaseModel):
    rank: int
    incident_id: str
    score: float
    band: str
    grade: Grade | None
    grade_label: str | None
    status: str
    area: str
    category: str
    waited_minutes: float
    minutes_to_breach: float | None
    deadline: datetime | None
    markers: list[str]
    has_contact: bool
    last_review_at: datetime | None
    actions: list[ActionRead]
    factors: list[RiskFactorRead]


class OldestRead(BaseModel):
    incident_id: str
    waited_minutes: float


class BacklogSummaryRead(BaseModel):
    as_of: datetime
    total_open: int
    by_grade: dict[str, int]
    by_band: dict[str, int]
    oldest: OldestRead | None
    breached: int
    vulnerable: int
    no_contact: int
    unreviewed: int


class BacklogRead(BaseModel):
    as_of: datetime
    page: int
    page_size: int
    total_rows: int
    rows: list[BacklogRowRead]
    summary: BacklogSummaryRead


class PositionRead(BaseModel):
    lat: float
    lon: float


class UnitRead(BaseModel):
    """A unit in the register (issue 4): standing, skills, shift and position."""

    call_sign: str
    kind: str
    skills: list[str]
    crew_size: int
    area: str
    shift_start: datetime | None
    shift_end: datetime | None
    status: str
    position: PositionRead | None
    incident_id: str | None
    job_category: str | None
    updated_at: datetime
    version: int


class UserRead(BaseModel):
    username: str
    display_name: str
    role: Role
    enabled: bool
    locked_until: datetime | None


class SessionRead(BaseModel):
    username: str
    role: Role
    csrf_token: str
    expires_at: datetime
