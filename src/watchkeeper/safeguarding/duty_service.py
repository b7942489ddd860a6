"""The duty board: "my work", a supervisor's overdue list, alerts, acknowledge, reassign, escalate.

Duties are opened and discharged by the registers' own use cases; here they are read and
moved on. A duty never leaves the lists except by being done, or by being cancelled or
reassigned with a reason (``duties.model``); an overdue one stays on its supervisor's list
until then, acknowledged or not.
"""

from __future__ import annotations

from datetime import datetime

from watchkeeper.access.audit import audit_event
from watchkeeper.access.model import Actor, Permission
from watchkeeper.duties.clocks import (
    DutyAlert,
    WorkItem,
    is_overdue,
    my_work,
    overdue_for_supervisor,
    owner_alerts,
)
from watchkeeper.duties.escalation import Escalation, escalations
from watchkeeper.duties.lifecycle import acknowledge, reassign, record_escalation
from watchkeeper.duties.model import Duty
from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import InputError
from watchkeeper.safeguarding.service_core import RegisterContext, record_write


class DutyBoard:
    """Reads and moves duties; each call authorised and audited."""

    def __init__(self, ctx: RegisterContext) -> None:
        self._ctx = ctx

    def my_work(self, actor: Actor) -> tuple[WorkItem, ...]:
        """Every open duty the actor owns, soonest due first (overdue lead)."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.DUTIES_READ, ("duties", actor.username))
        with ctx.uow() as uow:
            duties = uow.duties.open_for_owner(actor.username)
        ctx.trail.read(actor, "duties.my-work", ("duties", actor.username))
        return my_work(duties, actor.username, ctx.clock.now())

    def alerts(self, actor: Actor) -> tuple[DutyAlert, ...]:
        """Alerts waiting on the actor's screen until acknowledged (pushed, not refreshed for).

        Authorised but not audited per call: a screen polls it every few seconds and it shows
        only the actor's own duties; opening the list (``my_work``) is audited.
        """
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.DUTIES_READ, ("duties", actor.username))
        with ctx.uow() as uow:
            duties = uow.duties.open_for_owner(actor.username)
        return owner_alerts(duties, actor.username, ctx.clock.now())

    def overdue_for_supervisor(
        self, actor: Actor, supervisor: str | None = None
    ) -> tuple[WorkItem, ...]:
        """Open duties under ``supervisor`` (default: the actor) past their escalation point."""
        ctx = self._ctx
        whose = supervisor or actor.username
        ctx.trail.authorise(actor, Permission.DUTIES_READ, ("duties-overdue", whose))
        with ctx.uow() as uow:
            duties = uow.duties.open_for_supervisor(whose)
        ctx.trail.read(actor, "duties.overdue-for-supervisor", ("duties-overdue", whose))
        return overdue_for_supervisor(duties, whose, ctx.clock.now())

    def overdue(self, actor: Actor) -> tuple[Duty, ...]:
        """Every overdue open duty in the force, most overdue first (for managers)."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.DUTIES_MANAGE, ("duties-overdue", "*"))
        now = ctx.clock.now()
        with ctx.uow() as uow:
            duties = tuple(d for d in uow.duties.open_due_before(now) if is_overdue(d, now))
        ctx.trail.read(actor, "duties.overdue", ("duties-overdue", "*"))
        return duties

    def acknowledge(self, actor: Actor, duty_id: str) -> Duty:
        """The owner has seen the duty or its overdue alert (only the owner may)."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.DUTIES_READ, ("duty", duty_id))
        now = ctx.clock.now()
        with ctx.uow() as uow:
            duty = acknowledge(uow.duties.get(duty_id), by=actor.username, at=now)
            uow.duties.save(duty)
            record_write(uow, actor, now, "duty.acknowledge", ("duty", duty_id))
            uow.commit()
        return duty

    def reassign(
        self, actor: Actor, duty_id: str, to: str, reason: str, due_at: datetime | None = None
    ) -> Duty:
        """Hand a duty to ``to`` with a reason (refused without one); history is kept."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.DUTIES_MANAGE, ("duty", duty_id))
        now = ctx.clock.now()
        new_due = ensure_utc(due_at) if due_at is not None else None
        if new_due is not None and new_due < now:
            raise InputError("a reassigned duty cannot be due in the past (field: due_at)")
        with ctx.uow() as uow:
            duty = reassign(uow.duties.get(duty_id), to=to, by=actor.username, at=now,
                            reason=reason, due_at=new_due)  # fmt: skip
            uow.duties.save(duty)
            record_write(uow, actor, now, "duty.reassign", ("duty", duty_id), reason=reason)
            uow.commit()
        return duty

    def escalate_due(self, actor: Actor | None = None) -> tuple[Escalation, ...]:
        """Push every overdue, unacknowledged duty past its escalation point to its supervisor.

        ``actor`` None is the system's own periodic run (audited as the system).
        """
        ctx = self._ctx
        if actor is not None:
            ctx.trail.authorise(actor, Permission.DUTIES_MANAGE, ("duties-escalation", ""))
        now = ctx.clock.now()
        with ctx.uow() as uow:
            due = escalations(uow.duties.open_due_before(now), now)
            for push in due:
                duty = record_escalation(uow.duties.get(push.duty_id), at=now)
                uow.duties.save(duty)
                uow.audit.record(audit_event(actor, now, "duty.escalate", ("duty", push.duty_id)))
            uow.commit()
        return due
