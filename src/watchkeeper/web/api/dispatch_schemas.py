"""Shapes of the dispatch API: recommendations with reasons, forecasts, accept / override."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from watchkeeper.web.api.schemas import CallSign, Reason, Strict, Version


class ReasonRead(BaseModel):
    code: str  # stable: clients switch on it (see dispatch.reasons)
    detail: str
    value: float | None
    ref: str | None


class PickRead(BaseModel):
    incident_id: str
    unit: str
    arrival_minutes: float
    lateness_minutes: float
    reasons: list[ReasonRead]


class ShortfallRead(BaseModel):
    incident_id: str
    units_short: int
    units_needed: int
    reasons: list[ReasonRead]


class RecommendationRead(BaseModel):
    as_of: datetime
    method: str
    weighted_lateness: float
    picks: list[PickRead]
    shortfalls: list[ShortfallRead]


class ForecastRead(BaseModel):
    incident_id: str
    queue_position: int
    suitable_free: int
    suitable_committed: int
    minutes_to_deadline: float | None
    expected_free_minutes: float | None  # None: beyond the look-ahead
    p_late: float | None
    p_breach_next_hour: float
    already_breached: bool


class ForecastListRead(BaseModel):
    as_of: datetime
    forecasts: list[ForecastRead]


class AcceptCreate(Strict):
    unit: CallSign
    expected_version: Version = None


class OverrideCreate(Strict):
    unit: CallSign
    reason: Reason  # required: an override without a reason is refused
    expected_version: Version = None
