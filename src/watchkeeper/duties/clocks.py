"""Due, overdue, and whose screen a duty belongs on — pure functions of the duties and ``now``.

An alert on a duty is answered only by the owner's acknowledgement made since the thing it is
about: a new assignment is answered by any acknowledgement since it was assigned, an overdue
alert only by one made at or after the due time (the board's breach rule, incidents/alerts.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from watchkeeper.duties.model import Duty


class DutyAlertKind(StrEnum):
    ASSIGNED = "assigned"  # a new duty (or a reassigned one) is waiting to be seen
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class DutyAlert:
    duty_id: str
    owner: str
    kind: DutyAlertKind
    reason: str


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One open duty on someone's list, with how it stands at ``now``."""

    duty: Duty
    overdue_by: timedelta | None  # None while not yet due
    alert: DutyAlert | None


def is_overdue(duty: Duty, now: datetime) -> bool:
    """Open and past its due time."""
    return duty.is_open and now > duty.due_at


def is_past_escalation(duty: Duty, now: datetime) -> bool:
    """Open and overdue by more than its ``escalate_after``."""
    return duty.is_open and now - duty.due_at > duty.escalate_after


def alert_of(duty: Duty, now: datetime) -> DutyAlert | None:
    """The unacknowledged alert on an open duty, if any."""
    if not duty.is_open:
        return None
    if is_overdue(duty, now):
        if duty.acknowledged_at(since=duty.due_at) is None:
            late = _words(now - duty.due_at)
            return DutyAlert(duty.duty_id, duty.owner, DutyAlertKind.OVERDUE, f"overdue by {late}")
        return None
    if duty.acknowledged_at(since=duty.assigned_at) is None:
        reason = f"{duty.kind} for {duty.subject_ref} due in {_words(duty.due_at - now)}"
        return DutyAlert(duty.duty_id, duty.owner, DutyAlertKind.ASSIGNED, reason)
    return None


def _words(delta: timedelta) -> str:
    """'12 min', '5 h 3 min', and from two days on '3 days 4 h' (minutes no longer matter)."""
    minutes = int(delta.total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    if hours >= 48:
        days, hours = divmod(hours, 24)
        return f"{days} days {hours} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def _item(duty: Duty, now: datetime) -> WorkItem:
    late = now - duty.due_at if is_overdue(duty, now) else None
    return WorkItem(duty, late, alert_of(duty, now))


def my_work(duties: Iterable[Duty], owner: str, now: datetime) -> tuple[WorkItem, ...]:
    """Every open duty ``owner`` holds, soonest due first (so the overdue lead)."""
    mine = [d for d in duties if d.is_open and d.owner == owner]
    mine.sort(key=lambda d: (d.due_at, d.duty_id))
    return tuple(_item(d, now) for d in mine)


def owner_alerts(duties: Iterable[Duty], owner: str, now: datetime) -> tuple[DutyAlert, ...]:
    """The alerts waiting on ``owner``'s screen until acknowledged."""
    return tuple(item.alert for item in my_work(duties, owner, now) if item.alert is not None)


def overdue_for_supervisor(
    duties: Iterable[Duty], supervisor: str, now: datetime
) -> tuple[WorkItem, ...]:
    """Open duties under ``supervisor`` overdue past their escalation point, most overdue first.

    Acknowledged duties are listed too: acknowledging stops the push, not the supervisor's
    sight of work that is late.
    """
    late = [d for d in duties if d.supervisor == supervisor and is_past_escalation(d, now)]
    late.sort(key=lambda d: (d.due_at, d.duty_id))
    return tuple(_item(d, now) for d in late)
