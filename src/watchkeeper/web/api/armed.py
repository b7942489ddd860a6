"""``/api/armed``: armed deployments and the attendance analysis (firearms command, analysts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, status
from pydantic import BaseModel

from watchkeeper.armed_policing.model import ArmedDeployment
from watchkeeper.web.api import soc_present as present
from watchkeeper.web.api import soc_schemas as schemas
from watchkeeper.web.api.context import App, SignedIn
from watchkeeper.web.api.schemas import Moment

router = APIRouter(prefix="/api/armed", tags=["armed response"])


@router.get("/analysis")
def analysis(application: App, actor: SignedIn, start: Moment | None = None,
             end: Moment | None = None) -> schemas.AnalysisRead:  # fmt: skip
    """Attendance by area, hour, day and month against the expectation; slowest; outliers."""
    armed = application.soc.armed
    return present.analysis(armed.analyse(actor, start, end), armed.policy)


@router.post("/deployments", status_code=status.HTTP_201_CREATED)
def record_deployments(
    body: Annotated[list[schemas.DeploymentCreate], Body(max_length=5000)],
    application: App,
    actor: SignedIn,
) -> schemas.RecordedRead:
    """Store deployments; one impossible timeline refuses the whole batch."""
    deployments = [ArmedDeployment(d.deployment_id, d.incident_ref, d.arv, d.area, d.call_at,
                                   d.authorised_at, d.dispatched_at, d.en_route_at, d.arrived_at)
                   for d in body]  # fmt: skip
    return schemas.RecordedRead(recorded=application.soc.armed.record(actor, deployments))


class SkippedRead(BaseModel):
    incident_ref: str
    reason: str


class DerivedRead(BaseModel):
    armed_incidents: int
    added: int
    updated: int
    unchanged: int
    entered_by_hand: int
    skipped: list[SkippedRead]


@router.post("/derive")
def derive_from_log(application: App, actor: SignedIn, start: Moment | None = None,
                    end: Moment | None = None) -> DerivedRead:  # fmt: skip
    """Derive deployments from the incident log (idempotent: again adds nothing)."""
    done = application.soc.armed.derive_from_log(actor, start, end)
    return DerivedRead(
        armed_incidents=done.armed_incidents, added=done.added, updated=done.updated,
        unchanged=done.unchanged, entered_by_hand=done.entered_by_hand,
        skipped=[SkippedRead(incident_ref=s.incident_ref, reason=s.reason) for s in done.skipped],
    )  # fmt: skip
