"""``/api/dispatch``: recommended units and breach forecasts; accept or override per incident."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from watchkeeper.dispatch.forecast import BreachForecast
from watchkeeper.dispatch.reasons import Pick, Reason, Shortfall
from watchkeeper.incidents import entries as e
from watchkeeper.incidents.model import LogEntry
from watchkeeper.incidents.narrative import describe
from watchkeeper.web.api.context import App, SignedIn
from watchkeeper.web.api.dispatch_schemas import (
    AcceptCreate,
    ForecastListRead,
    ForecastRead,
    OverrideCreate,
    PickRead,
    ReasonRead,
    RecommendationRead,
    ShortfallRead,
)
from watchkeeper.web.api.schemas import EntryRead

router = APIRouter(tags=["dispatch"])
Ref = Annotated[str, Path(min_length=1, max_length=128, description="incident id or CAD ref")]


def present_reason(reason: Reason) -> ReasonRead:
    return ReasonRead(code=reason.code, detail=reason.detail, value=reason.value, ref=reason.ref)


def present_pick(pick: Pick) -> PickRead:
    return PickRead(
        incident_id=pick.incident_id,
        unit=pick.unit,
        arrival_minutes=pick.arrival_minutes,
        lateness_minutes=pick.lateness_minutes,
        reasons=[present_reason(r) for r in pick.reasons],
    )


def present_shortfall(shortfall: Shortfall) -> ShortfallRead:
    return ShortfallRead(
        incident_id=shortfall.incident_id,
        units_short=shortfall.units_short,
        units_needed=shortfall.units_needed,
        reasons=[present_reason(r) for r in shortfall.reasons],
    )


def present_forecast(f: BreachForecast) -> ForecastRead:
    return ForecastRead(
        incident_id=f.incident_id,
        queue_position=f.queue_position,
        suitable_free=f.suitable_free,
        suitable_committed=f.suitable_committed,
        minutes_to_deadline=f.minutes_to_deadline,
        expected_free_minutes=f.expected_free_minutes,
        p_late=f.p_late,
        p_breach_next_hour=f.p_breach_next_hour,
        already_breached=f.already_breached,
    )


def present_entry(entry: LogEntry) -> EntryRead:
    """The log entry the dispatch wrote (a resource-assigned entry with its reason)."""
    return EntryRead(
        seq=entry.seq,
        at=entry.at,
        recorded_at=entry.recorded_at,
        author=entry.author,
        kind=entry.payload.kind,
        version=entry.payload.version,
        struck=False,
        text=describe(entry.payload),
        detail=e.to_document(entry.payload),
    )


@router.get("/api/dispatch/recommendations")
def recommendations(application: App, actor: SignedIn) -> RecommendationRead:
    """The recommended assignment for the live backlog: every pick and shortfall with reasons."""
    found = application.dispatch.recommend(actor)
    return RecommendationRead(
        as_of=found.as_of,
        method=found.method,
        weighted_lateness=found.weighted_lateness,
        picks=[present_pick(p) for p in found.picks],
        shortfalls=[present_shortfall(s) for s in found.shortfalls],
    )


@router.get("/api/dispatch/forecast")
def forecast(application: App, actor: SignedIn) -> ForecastListRead:
    """P(breach in the next hour) and the expected wait for a free suitable unit, per incident."""
    outlook = application.dispatch.outlook(actor)
    return ForecastListRead(
        as_of=outlook.as_of,
        forecasts=[present_forecast(f) for f in outlook.forecasts.values()],
    )


@router.post("/api/incidents/{ref}/dispatch/accept")
def accept(ref: Ref, body: AcceptCreate, application: App, actor: SignedIn) -> EntryRead:
    """Send the recommended unit; the pick's reasons are written into the incident log."""
    return present_entry(application.dispatch.accept(actor, ref, body.unit, body.expected_version))


@router.post("/api/incidents/{ref}/dispatch/override")
def override(ref: Ref, body: OverrideCreate, application: App, actor: SignedIn) -> EntryRead:
    """Send a unit of your choosing instead; the reason is required and logged."""
    entry = application.dispatch.override(actor, ref, body.unit, body.reason, body.expected_version)
    return present_entry(entry)
