"""Units: officers and vehicles, their skills, status, position and shift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from watchkeeper.kernel.clock import ensure_utc, minutes_between
from watchkeeper.kernel.errors import InputError
from watchkeeper.kernel.geo import Point


class UnitKind(StrEnum):
    """What a unit is: one officer on foot or a crewed vehicle."""

    OFFICER = "officer"
    VEHICLE = "vehicle"


class UnitStatus(StrEnum):
    """Where a unit stands on the board; only ``available`` units can be recommended."""

    AVAILABLE = "available"
    ASSIGNED = "assigned"
    EN_ROUTE = "en-route"
    ON_SCENE = "on-scene"
    UNAVAILABLE = "unavailable"  # off duty, refreshment break, at custody, ...


COMMITTED = frozenset({UnitStatus.ASSIGNED, UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE})


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit on shift.

    ``skills`` are the force's skill codes (response, double-crewed, da-trained, arv,
    missing-person-search, dog, ...); ``job_category`` is the category of the incident a
    committed unit is working, which the breach forecast uses to guess when it frees up.
    """

    call_sign: str
    kind: UnitKind
    skills: frozenset[str]
    status: UnitStatus
    position: Point | None
    shift_end: datetime | None
    area: str
    job_category: str | None = None

    def __post_init__(self) -> None:
        if not self.call_sign.strip():
            raise InputError("a unit needs a call sign")
        if self.shift_end is not None:
            object.__setattr__(self, "shift_end", ensure_utc(self.shift_end))

    @property
    def is_available(self) -> bool:
        return self.status is UnitStatus.AVAILABLE

    @property
    def is_committed(self) -> bool:
        return self.status in COMMITTED

    def has_skills(self, required: frozenset[str]) -> bool:
        return required <= self.skills

    def minutes_left_on_shift(self, now: datetime) -> float:
        """Minutes until the shift ends (infinite when no end is recorded)."""
        if self.shift_end is None:
            return float("inf")
        return minutes_between(now, self.shift_end)

    def on_shift(self, now: datetime) -> bool:
        """Whether the unit is on duty at ``now`` (not unavailable, shift not over)."""
        return self.status is not UnitStatus.UNAVAILABLE and self.minutes_left_on_shift(now) > 0
