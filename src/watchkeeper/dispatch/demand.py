"""Dispatch demand: what an open incident asks of the units, read from its state and risk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from watchkeeper.dispatch.config import DispatchConfig, SkillNeeds
from watchkeeper.incidents import attendance
from watchkeeper.incidents.entries import Grade
from watchkeeper.incidents.model import IncidentState, Status
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.kernel.clock import ensure_utc, minutes_between
from watchkeeper.kernel.errors import InputError
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import IncidentId


@dataclass(frozen=True, slots=True)
class DispatchDemand:
    """One open incident waiting for units: its risk, deadline, place and needs."""

    incident_id: IncidentId
    score: float
    deadline: datetime | None
    location: Point | None
    area: str
    area_class: str
    category: str
    needs: SkillNeeds

    def __post_init__(self) -> None:
        if self.score < 0:
            raise InputError(f"demand {self.incident_id}: risk score cannot be negative")
        if self.deadline is not None:
            object.__setattr__(self, "deadline", ensure_utc(self.deadline))

    def minutes_to_deadline(self, now: datetime) -> float:
        """Minutes left before the deadline; infinite when no attendance deadline applies."""
        return float("inf") if self.deadline is None else minutes_between(now, self.deadline)


def position_of(state: IncidentState) -> Point | None:
    """The incident's position, when the call handler recorded one."""
    loc = state.location
    if loc.lat is None or loc.lon is None:
        return None
    return Point(loc.lat, loc.lon)


def needs_attendance(state: IncidentState) -> bool:
    """Open, no unit yet, and not resolved without deployment."""
    no_deployment = state.grade is not None and (
        state.grade.grade is Grade.RESOLUTION_WITHOUT_DEPLOYMENT
    )
    return state.status is Status.OPEN and not state.units and not no_deployment


def demand_for(
    state: IncidentState, score: float, profile: ForceProfile, config: DispatchConfig
) -> DispatchDemand | None:
    """The demand an incident places on the units now, or None when nobody need go."""
    if not needs_attendance(state):
        return None
    area = state.location.area
    return DispatchDemand(
        incident_id=state.incident_id,
        score=score,
        deadline=attendance.deadline(state, profile),
        location=position_of(state),
        area=area,
        area_class=profile.area_class(area),
        category=state.opened.category,
        needs=config.needs_for(state.opened.category, state.markers),
    )
