"""A duty and its append-only history; state is folded from the events, never edited.

A duty cannot disappear (issue 5, part 5): it is completed, or reassigned or cancelled with
a reason. Reassignment keeps the duty (same id, same history) and hands it to a new owner,
who must acknowledge it afresh; ``REASSIGNED`` is therefore an *open* state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import DomainRuleViolation, InputError


class DutyState(StrEnum):
    OPEN = "open"
    DONE = "done"
    REASSIGNED = "reassigned"  # still owed, now by the new owner
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in (DutyState.OPEN, DutyState.REASSIGNED)


class DutyEventKind(StrEnum):
    CREATED = "created"
    ACKNOWLEDGED = "acknowledged"
    REASSIGNED = "reassigned"
    COMPLETED = "completed"
    ESCALATED = "escalated"
    CANCELLED = "cancelled"


_NEEDS_REASON = frozenset({DutyEventKind.REASSIGNED, DutyEventKind.CANCELLED})


@dataclass(frozen=True, slots=True)
class DutyEvent:
    """One thing that happened to a duty; ``owner``/``due_at`` are set when they change."""

    kind: DutyEventKind
    at: datetime
    by: str
    reason: str = ""
    owner: str = ""
    supervisor: str = ""
    due_at: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", ensure_utc(self.at))
        if self.due_at is not None:
            object.__setattr__(self, "due_at", ensure_utc(self.due_at))
        if not self.by.strip():
            raise InputError(f"a duty event needs who did it (field: by, event {self.kind})")
        if self.kind in _NEEDS_REASON and not self.reason.strip():
            raise DomainRuleViolation(f"a duty can only be {self.kind} with a reason")


@dataclass(frozen=True, slots=True)
class Duty:
    """Something owed by ``owner`` by ``due_at``, escalating to ``supervisor`` when ignored."""

    duty_id: str
    kind: str  # an open set: "dash-sign-off", "missing-person-review", "rso-visit", ...
    subject_ref: str  # the incident, episode, offender or plan it is about
    owner: str
    supervisor: str
    due_at: datetime
    escalate_after: timedelta
    state: DutyState
    history: tuple[DutyEvent, ...]

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    @property
    def assigned_at(self) -> datetime:
        """When the current owner was given the duty."""
        return next(e.at for e in reversed(self.history) if e.owner)

    def acknowledged_at(self, since: datetime) -> datetime | None:
        """The current owner's latest acknowledgement made at or after ``since``."""
        floor = max(since, self.assigned_at)
        acks = [
            e.at for e in self.history if e.kind is DutyEventKind.ACKNOWLEDGED and e.at >= floor
        ]
        return acks[-1] if acks else None

    def escalated_at(self) -> datetime | None:
        """The latest escalation since the current owner was given the duty."""
        floor = self.assigned_at
        ups = [e.at for e in self.history if e.kind is DutyEventKind.ESCALATED and e.at >= floor]
        return ups[-1] if ups else None
