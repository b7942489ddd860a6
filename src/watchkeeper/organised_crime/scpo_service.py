"""Use cases of serious crime prevention orders: consideration, orders, checks, breaches.

Authorised (``scpo.manage`` to change, ``soc.read`` to read) and audited like the register.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from watchkeeper.access.audit import audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.access.ports import AuditUnitOfWork
from watchkeeper.kernel.clock import Clock
from watchkeeper.organised_crime import scpo as s
from watchkeeper.organised_crime.config import OrganisedCrimePolicy
from watchkeeper.organised_crime.flags import Flag, order_flags
from watchkeeper.organised_crime.ports import SocUnitOfWork
from watchkeeper.organised_crime.services import new_ref

READ, SCPO = Permission.SOC_READ, Permission.SCPO_MANAGE


@dataclass(frozen=True, slots=True)
class OrderView:
    order: s.ScpoOrder
    next_check: date
    flags: tuple[Flag, ...]


class ScpoService:
    """SCPO use cases, wired by bootstrap with the SOC store, a clock and the policy."""

    def __init__(self, uow_factory: Callable[[], SocUnitOfWork], clock: Clock,
                 policy: OrganisedCrimePolicy,
                 audit_uow_factory: Callable[[], AuditUnitOfWork] | None = None) -> None:  # fmt: skip
        self._uow = uow_factory
        self._clock = clock
        self.policy = policy
        self._trail = AuditTrail(audit_uow_factory or uow_factory, clock)

    def today(self) -> date:
        return self._clock.now().astimezone(self.policy.timezone).date()

    def load(self, actor: Actor, cases: Sequence[s.Consideration],
             orders: Sequence[s.ScpoOrder]) -> int:  # fmt: skip
        """Store already-built considerations and (validated) orders in one transaction."""
        self._trail.authorise(actor, SCPO, ("scpo", "load"))
        now = self._clock.now()
        checked = [s.make_order(o, self.policy.scpo) for o in orders]
        with self._uow() as uow:
            for case in cases:
                uow.scpo.add_consideration(case)
            for order in checked:
                uow.scpo.add_order(order)
            span = f"{len(cases)} cases, {len(checked)} orders"
            uow.audit.record(audit_event(actor, now, "scpo.load", ("scpo", span)))
            uow.commit()
        return len(checked)

    def flag_case(self, actor: Actor, case_id: str, person_ref: str, offence: str,
                  stage: str) -> s.Consideration | None:  # fmt: skip
        """Record a charge or conviction; a Schedule 1 offence is flagged for consideration."""
        self._trail.authorise(actor, SCPO, ("scpo-case", case_id))
        now = self._clock.now()
        case = s.flag_for_consideration(case_id, person_ref, offence, stage, at=now,
                                        policy=self.policy.scpo)  # fmt: skip
        if case is None:
            return None
        with self._uow() as uow:
            uow.scpo.add_consideration(case)
            uow.audit.record(audit_event(actor, now, "scpo.flag", ("scpo-case", case_id)))
            uow.commit()
        return case

    def decide(self, actor: Actor, case_id: str, decision: str, reason: str) -> s.Consideration:
        """Record whether an SCPO is to be sought, with the reason."""
        self._trail.authorise(actor, SCPO, ("scpo-case", case_id))
        now = self._clock.now()
        with self._uow() as uow:
            case = s.decide(uow.scpo.get_consideration(case_id), decision, reason,
                            by=actor.username, at=now)  # fmt: skip
            uow.scpo.update_consideration(case)
            uow.audit.record(audit_event(actor, now, "scpo.decide", ("scpo-case", case_id),
                                         reason=reason))  # fmt: skip
            uow.commit()
        return case

    def considerations(self, actor: Actor, undecided_only: bool = False) -> list[s.Consideration]:
        """Cases flagged for SCPO consideration (optionally only those not yet decided)."""
        self._trail.authorise(actor, READ, ("scpo-case", ""))
        with self._uow() as uow:
            cases = uow.scpo.considerations()
        cases = [c for c in cases if not (undecided_only and c.decided)]
        self._trail.read(actor, "scpo.cases", ("scpo-case", f"{len(cases)} cases"))
        return cases

    def make_order(self, actor: Actor, order: s.ScpoOrder) -> s.ScpoOrder:
        """Record an order made by the court (refused when longer than the statutory maximum)."""
        self._trail.authorise(actor, SCPO, ("scpo", order.order_id))
        now = self._clock.now()
        order = s.make_order(order, self.policy.scpo)
        with self._uow() as uow:
            uow.scpo.add_order(order)
            uow.audit.record(audit_event(actor, now, "scpo.order", ("scpo", order.order_id)))
            uow.commit()
        return order

    def _change(self, actor: Actor, order_id: str, action: str,
                change: Callable[[s.ScpoOrder, datetime], s.ScpoOrder]) -> s.ScpoOrder:  # fmt: skip
        self._trail.authorise(actor, SCPO, ("scpo", order_id))
        now = self._clock.now()
        with self._uow() as uow:
            order, version = uow.scpo.get_order(order_id)
            changed = change(order, now)
            uow.scpo.update_order(changed, version)
            uow.audit.record(audit_event(actor, now, action, ("scpo", order_id)))
            uow.commit()
        return changed

    def record_check(self, actor: Actor, order_id: str, outcome: str, note: str = "",
                     done_on: date | None = None) -> s.ScpoOrder:  # fmt: skip
        """A compliance check done (today unless given)."""
        check = s.ComplianceCheck(
            new_ref("CHK"), done_on or self.today(), actor.username, outcome, note
        )
        return self._change(actor, order_id, "scpo.check", lambda o, _: s.record_check(o, check))

    def record_breach(self, actor: Actor, order_id: str, term_id: str, occurred_on: date,
                      summary: str) -> s.ScpoOrder:  # fmt: skip
        """A breach of a term (s25 offence), to be referred for enforcement."""
        return self._change(actor, order_id, "scpo.breach", lambda o, now: s.record_breach(
            o, s.Breach(new_ref("BR"), term_id, occurred_on, now, actor.username, summary)))  # fmt: skip

    def refer_breach(
        self, actor: Actor, order_id: str, breach_id: str, to: str = "CPS"
    ) -> s.ScpoOrder:
        """Refer a breach for enforcement (prosecutors decide on a charge)."""
        return self._change(actor, order_id, "scpo.refer", lambda o, now: s.refer_breach(
            o, breach_id, to=to, at=now))  # fmt: skip

    def breach_outcome(
        self, actor: Actor, order_id: str, breach_id: str, outcome: str
    ) -> s.ScpoOrder:
        """The outcome of a referred breach."""
        return self._change(actor, order_id, "scpo.outcome", lambda o, now: s.record_breach_outcome(
            o, breach_id, outcome, at=now))  # fmt: skip

    def show_order(self, actor: Actor, order_id: str) -> OrderView:
        """One order with its next check and flags."""
        self._trail.authorise(actor, READ, ("scpo", order_id))
        with self._uow() as uow:
            order, _ = uow.scpo.get_order(order_id)
        view = self._view(order)
        self._trail.read(actor, "scpo.read", ("scpo", order_id))
        return view

    def _view(self, order: s.ScpoOrder) -> OrderView:
        flags = order_flags(order, self.today(), self._clock.now(), self.policy.scpo)
        return OrderView(order, s.next_check_due(order), tuple(flags))

    def orders(self, actor: Actor, due_within_days: int | None = None) -> list[OrderView]:
        """Orders in force, by next check (optionally only those due within N days)."""
        self._trail.authorise(actor, READ, ("scpo", ""))
        today = self.today()
        with self._uow() as uow:
            orders = [o for o in uow.scpo.orders() if o.in_force(today)]
        views = sorted(
            (self._view(o) for o in orders), key=lambda v: (v.next_check, v.order.order_id)
        )
        if due_within_days is not None:
            horizon = today + timedelta(days=due_within_days)
            views = [v for v in views if v.next_check <= horizon or v.flags]
        self._trail.read(actor, "scpo.list", ("scpo", f"{len(views)} orders"))
        return views
