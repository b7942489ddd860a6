"""The shared core of the safeguarding services: context, audit of writes, duty reconciling."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Generic, TypeVar

from watchkeeper.access.audit import audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.duties.lifecycle import cancel, complete, create_duty
from watchkeeper.duties.model import Duty
from watchkeeper.kernel.clock import Clock
from watchkeeper.kernel.errors import InputError
from watchkeeper.safeguarding.duty_plan import DutyKind, DutyPlan
from watchkeeper.safeguarding.forms import RiskForm
from watchkeeper.safeguarding.policy import SafeguardingPolicy
from watchkeeper.safeguarding.ports import IntakeLookup, SafeguardingUnitOfWork


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who will owe a register's duties: the owner, and the supervisor they escalate to."""

    owner: str
    supervisor: str


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Listing(Generic[T]):
    """One page of a register's list: its rows, how many there are in all, and the primary
    name of every person the rows refer to (person_ref -> name)."""

    rows: tuple[T, ...]
    total: int
    names: Mapping[str, str]


# The most rows a register list shows at once; the total says how many more there are.
LIST_LIMIT = 200


@dataclass(frozen=True)
class RegisterContext:
    """What every register service is wired with (by bootstrap)."""

    uow: Callable[[], SafeguardingUnitOfWork]
    clock: Clock
    policy: SafeguardingPolicy
    plan: DutyPlan
    trail: AuditTrail
    forms: dict[str, RiskForm]  # by form id: DASH, SafeLives, the missing call-handler form
    lookup: IntakeLookup | None = None  # the intake read model (persistence), when wired

    def form(self, form_id: str) -> RiskForm:
        try:
            return self.forms[form_id]
        except KeyError:
            known = ", ".join(sorted(self.forms))
            raise InputError(f"unknown risk form {form_id!r} (known: {known})") from None

    def end_of_day(self, day: date) -> datetime:
        """The last instant of a calendar date in the force's time zone (a statutory 'by')."""
        local = datetime.combine(day + timedelta(days=1), time(0), self.policy.timezone)
        return local - timedelta(microseconds=1)


def read_listing(
    ctx: RegisterContext,
    actor: Actor,
    permission: Permission,
    register: str,
    status: str,
    *,
    statuses: tuple[str, ...],
    read: Callable[[SafeguardingUnitOfWork], tuple[Sequence[T], int]],
    person_of: Callable[[T], str],
) -> Listing[T]:
    """One page of a register's list, as every register reads it: authorised first (a
    refusal is audited whatever the status), the status checked against ``statuses``, the
    rows and their people's names read in one transaction, then the read audited as
    ``<register>.list`` on ``<register>-list / status``."""
    record = (f"{register}-list", status[:64])
    ctx.trail.authorise(actor, permission, record)
    if status not in statuses:
        raise InputError(
            f"{register} status {status!r} is not {' or '.join(statuses)} (field: status)"
        )
    with ctx.uow() as uow:
        rows, total = read(uow)
        names = uow.people.names_of({person_of(row) for row in rows})
    ctx.trail.read(actor, f"{register}.list", record)
    return Listing(tuple(rows), total, names)


def record_write(
    uow: SafeguardingUnitOfWork,
    actor: Actor,
    at: datetime,
    action: str,
    record: tuple[str, str],
    *,
    reason: str | None = None,
) -> None:
    """Audit a write in the same transaction as the change."""
    uow.audit.record(audit_event(actor, at, action, record, reason=reason))


def current_assignment(uow: SafeguardingUnitOfWork, subject: str, actor: Actor) -> Assignment:
    """Who owes the subject's work: the owner and supervisor of its latest duty.

    A supervisor's own sign-off duty is passed over, so the case stays with its officer.
    """
    duties = [d for d in uow.duties.history_of(subject) if d.kind != DutyKind.DASH_SIGN_OFF]
    if not duties:
        return Assignment(actor.username, actor.username)
    latest = max(duties, key=lambda d: (d.history[0].at, int(d.duty_id.rsplit("/", 1)[-1])))
    return Assignment(latest.owner, latest.supervisor)


class DutyLedger:
    """Opens, discharges and withdraws a subject's duties inside one use case's transaction."""

    def __init__(
        self, uow: SafeguardingUnitOfWork, ctx: RegisterContext, actor: Actor | None
    ) -> None:
        self._uow = uow
        self._ctx = ctx
        self._by = actor.username if actor is not None else "system"  # None: a periodic run
        self._now = ctx.clock.now()

    def _open(self, subject: str, kind: DutyKind) -> list[Duty]:
        return [d for d in self._uow.duties.open_for_subject(subject) if d.kind == kind.value]

    def ensure(self, subject: str, kind: DutyKind, due_at: datetime, who: Assignment) -> Duty:
        """The open duty of ``kind`` on ``subject``; opened (due ``due_at``) when there is none."""
        existing = self._open(subject, kind)
        if existing:
            return existing[0]
        number = len(self._uow.duties.history_of(subject)) + 1
        duty = create_duty(
            f"{subject}/{kind.value}/{number}", kind.value, subject, owner=who.owner,
            supervisor=who.supervisor, due_at=due_at,
            escalate_after=self._ctx.plan.escalate_after(kind), at=self._now, by=self._by,
        )  # fmt: skip
        self._uow.duties.add(duty)
        return duty

    def ensure_after(self, subject: str, kind: DutyKind, who: Assignment) -> Duty:
        """As ``ensure``, due after the plan's interval for ``kind`` from now."""
        return self.ensure(subject, kind, self._now + self._ctx.plan.due_after(kind), who)

    def discharge(self, subject: str, kinds: Sequence[DutyKind], note: str) -> int:
        """Complete the open duties of these kinds (the work they asked for is done)."""
        done = 0
        for kind in kinds:
            for duty in self._open(subject, kind):
                at = max(self._now, duty.history[-1].at)
                self._uow.duties.save(complete(duty, by=self._by, at=at, note=note))
                done += 1
        return done

    def withdraw(self, subject: str, kinds: Sequence[DutyKind], reason: str) -> int:
        """Cancel, with the reason, open duties no longer owed (e.g. reviews once found)."""
        done = 0
        for kind in kinds:
            for duty in self._open(subject, kind):
                at = max(self._now, duty.history[-1].at)
                self._uow.duties.save(cancel(duty, by=self._by, at=at, reason=reason))
                done += 1
        return done
