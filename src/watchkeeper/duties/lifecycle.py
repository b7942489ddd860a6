"""Creating a duty and moving it on: each step appends one event and re-folds the state."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from watchkeeper.duties.model import Duty, DutyEvent, DutyEventKind, DutyState
from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import DomainRuleViolation, InputError

_CLOSING = {DutyEventKind.COMPLETED: DutyState.DONE, DutyEventKind.CANCELLED: DutyState.CANCELLED}


def create_duty(
    duty_id: str,
    kind: str,
    subject_ref: str,
    *,
    owner: str,
    supervisor: str,
    due_at: datetime,
    escalate_after: timedelta,
    at: datetime,
    by: str,
) -> Duty:
    """A new open duty, with its ``created`` event."""
    for field, value in (("duty_id", duty_id), ("kind", kind), ("subject_ref", subject_ref),
                         ("owner", owner), ("supervisor", supervisor)):  # fmt: skip
        if not value.strip():
            raise InputError(f"a duty needs a {field} (field: {field})")
    if escalate_after < timedelta(0):
        raise InputError("escalate_after cannot be negative (field: escalate_after)")
    created = DutyEvent(DutyEventKind.CREATED, at, by, owner=owner, supervisor=supervisor,
                        due_at=due_at)  # fmt: skip
    return Duty(duty_id, kind, subject_ref, owner, supervisor, ensure_utc(due_at), escalate_after,
                DutyState.OPEN, (created,))  # fmt: skip


def _append(duty: Duty, event: DutyEvent) -> Duty:
    if not duty.is_open:
        raise DomainRuleViolation(f"duty {duty.duty_id} is {duty.state}; it cannot be {event.kind}")
    if event.at < duty.history[-1].at:
        raise DomainRuleViolation(
            f"duty {duty.duty_id}: {event.kind} at {event.at.isoformat()} is before its last event"
        )
    changes: dict[str, object] = {"history": (*duty.history, event)}
    if event.kind in _CLOSING:
        changes["state"] = _CLOSING[event.kind]
    elif event.kind is DutyEventKind.REASSIGNED:
        changes.update(state=DutyState.REASSIGNED, owner=event.owner)
        changes["supervisor"] = event.supervisor or duty.supervisor
        changes["due_at"] = event.due_at or duty.due_at
    return dataclasses.replace(duty, **changes)  # type: ignore[arg-type]


def acknowledge(duty: Duty, *, by: str, at: datetime) -> Duty:
    """The owner has seen the duty (or its overdue alert); only the owner may acknowledge."""
    if by != duty.owner:
        raise DomainRuleViolation(f"only the owner ({duty.owner}) can acknowledge {duty.duty_id}")
    return _append(duty, DutyEvent(DutyEventKind.ACKNOWLEDGED, at, by))


def complete(duty: Duty, *, by: str, at: datetime, note: str = "") -> Duty:
    """The duty is done."""
    return _append(duty, DutyEvent(DutyEventKind.COMPLETED, at, by, reason=note))


def cancel(duty: Duty, *, by: str, at: datetime, reason: str) -> Duty:
    """The duty is no longer owed; refused without a reason."""
    return _append(duty, DutyEvent(DutyEventKind.CANCELLED, at, by, reason=reason))


def reassign(
    duty: Duty,
    *,
    to: str,
    by: str,
    at: datetime,
    reason: str,
    due_at: datetime | None = None,
    supervisor: str = "",
) -> Duty:
    """Hand the duty to ``to`` (optionally with a new due time or supervisor), with a reason."""
    if not to.strip():
        raise InputError("a duty must be reassigned to someone (field: to)")
    event = DutyEvent(DutyEventKind.REASSIGNED, at, by, reason=reason, owner=to,
                      supervisor=supervisor, due_at=due_at)  # fmt: skip
    return _append(duty, event)


def record_escalation(duty: Duty, *, at: datetime, by: str = "system") -> Duty:
    """Note that the duty was pushed to its supervisor (after ``escalations`` said so)."""
    return _append(duty, DutyEvent(DutyEventKind.ESCALATED, at, by, supervisor=duty.supervisor))
