"""The unit register's records: each unit's standing, and the status changes allowed.

A register entry is what the control room knows about a unit now (status, position,
shift, the incident it is working); the history of who went where is the incident log.
``assigned`` is reached only by accepting or overriding a recommendation (an incident
log entry says why); every other move is a status change checked against TRANSITIONS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from watchkeeper.dispatch.units import Unit, UnitKind, UnitStatus
from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import IncidentId

S = UnitStatus
# Where a unit may go from each status by a status change. Assignment is not a status
# change (it needs an incident): see DispatchService.accept / override.
TRANSITIONS: dict[UnitStatus, frozenset[UnitStatus]] = {
    S.AVAILABLE: frozenset({S.UNAVAILABLE}),
    S.ASSIGNED: frozenset({S.EN_ROUTE, S.ON_SCENE, S.AVAILABLE, S.UNAVAILABLE}),
    S.EN_ROUTE: frozenset({S.ON_SCENE, S.AVAILABLE, S.UNAVAILABLE}),
    S.ON_SCENE: frozenset({S.AVAILABLE, S.UNAVAILABLE}),
    S.UNAVAILABLE: frozenset({S.AVAILABLE}),
}
CALL_SIGN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_-]{0,31}$")
MAX_CREW = 12  # a sanity bound on one unit's crew (a van of public-order officers), assumed


@dataclass(frozen=True, slots=True)
class NewUnit:
    """What registering a unit records; it starts available or unavailable."""

    call_sign: str
    kind: UnitKind
    skills: frozenset[str]
    area: str
    crew_size: int = 1
    shift_start: datetime | None = None
    shift_end: datetime | None = None
    status: UnitStatus = UnitStatus.AVAILABLE
    position: Point | None = None


@dataclass(frozen=True, slots=True)
class UnitChange:
    """A change to a registered unit; fields left None stay as they are."""

    status: UnitStatus | None = None
    position: Point | None = None
    skills: frozenset[str] | None = None
    shift_end: datetime | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class RegisteredUnit:
    """One unit in the register; ``version`` counts its stored changes (optimistic)."""

    call_sign: str
    kind: UnitKind
    skills: frozenset[str]
    crew_size: int
    area: str
    shift_start: datetime | None
    shift_end: datetime | None
    status: UnitStatus
    position: Point | None
    updated_at: datetime
    version: int = 1
    incident_id: IncidentId | None = None
    job_category: str | None = None

    def __post_init__(self) -> None:
        if not CALL_SIGN.match(self.call_sign):
            raise InputError(
                f"unit call sign {self.call_sign!r}: use 1-32 letters, digits, '/', '_' or '-'"
            )
        if not 1 <= self.crew_size <= MAX_CREW:
            raise InputError(f"unit {self.call_sign}: crew size must be 1 to {MAX_CREW}")
        for name in ("shift_start", "shift_end", "updated_at"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, ensure_utc(value))
        if self.shift_start and self.shift_end and self.shift_end <= self.shift_start:
            raise InputError(f"unit {self.call_sign}: the shift must end after it starts")

    def as_unit(self, now: datetime) -> Unit:
        """The dispatch view at ``now``: a unit whose shift has not begun is unavailable."""
        before_shift = self.shift_start is not None and ensure_utc(now) < self.shift_start
        status = UnitStatus.UNAVAILABLE if before_shift else self.status
        return Unit(
            call_sign=self.call_sign,
            kind=self.kind,
            skills=self.skills,
            status=status,
            position=self.position,
            shift_end=self.shift_end,
            area=self.area,
            job_category=self.job_category,
        )

    def moved_to(
        self, status: UnitStatus, now: datetime, position: Point | None = None
    ) -> RegisteredUnit:
        """This unit after a status change; refused unless TRANSITIONS allow it."""
        if status is self.status:
            raise DomainRuleViolation(f"unit {self.call_sign} is already {status.value}")
        if status not in TRANSITIONS[self.status]:
            allowed = ", ".join(sorted(s.value for s in TRANSITIONS[self.status]))
            hint = (
                " (assign through a recommendation or an override)" if status is S.ASSIGNED else ""
            )
            raise DomainRuleViolation(
                f"unit {self.call_sign} cannot go from {self.status.value} to "
                f"{status.value}{hint}; allowed: {allowed}"
            )
        freed = status in (S.AVAILABLE, S.UNAVAILABLE)
        return replace(
            self,
            status=status,
            position=position or self.position,
            incident_id=None if freed else self.incident_id,
            job_category=None if freed else self.job_category,
            updated_at=ensure_utc(now),
            version=self.version + 1,
        )

    def assigned_to(self, incident_id: IncidentId, category: str, now: datetime) -> RegisteredUnit:
        """This unit committed to an incident (it must be available)."""
        if self.status is not S.AVAILABLE:
            raise DomainRuleViolation(
                f"unit {self.call_sign} is {self.status.value}; only an available unit can be sent"
            )
        return replace(
            self,
            status=S.ASSIGNED,
            incident_id=incident_id,
            job_category=category,
            updated_at=ensure_utc(now),
            version=self.version + 1,
        )


def check_skills(call_sign: str, skills: Iterable[str], known: frozenset[str]) -> frozenset[str]:
    """The unit's skills, refused if any is not a configured skill code."""
    found = frozenset(skills)
    unknown = sorted(found - known)
    if unknown:
        raise InputError(
            f"unit {call_sign}: unknown skill(s) {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))})"
        )
    return found
