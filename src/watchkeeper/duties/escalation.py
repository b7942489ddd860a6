"""What to push to whom: overdue duties nobody has acknowledged go up to the supervisor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from watchkeeper.duties.clocks import is_past_escalation
from watchkeeper.duties.model import Duty


@dataclass(frozen=True, slots=True)
class Escalation:
    """A push to ``to`` (the supervisor) about an owner's ignored, overdue duty."""

    duty_id: str
    to: str
    owner: str
    overdue_by: timedelta
    reason: str


def needs_escalation(duty: Duty, now: datetime) -> bool:
    """Past its escalation point, the overdue alert unacknowledged, and not yet escalated."""
    return (
        is_past_escalation(duty, now)
        and duty.acknowledged_at(since=duty.due_at) is None
        and duty.escalated_at() is None
    )


def escalations(duties: Iterable[Duty], now: datetime) -> tuple[Escalation, ...]:
    """Every escalation due at ``now``, most overdue first; record each with ``record_escalation``."""
    due = sorted(
        (d for d in duties if needs_escalation(d, now)), key=lambda d: (d.due_at, d.duty_id)
    )
    return tuple(
        Escalation(
            d.duty_id,
            d.supervisor,
            d.owner,
            now - d.due_at,
            f"{d.kind} for {d.subject_ref} owned by {d.owner} is overdue and unacknowledged",
        )
        for d in due
    )
