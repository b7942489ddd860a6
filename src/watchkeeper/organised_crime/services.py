"""Use cases of the SOC registers: OCGs, LROs, 4P plans, disruptions and SCPOs.

Each use case authorises the actor (SOC roles only; ``access.model``), owns its transaction
and audits what it did in it; reads are audited before the data is returned. No rule lives
here: the domain modules decide, the service loads, calls and stores.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from watchkeeper.access.audit import audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.access.ports import AuditUnitOfWork
from watchkeeper.kernel.clock import Clock, ensure_utc
from watchkeeper.kernel.errors import DomainRuleViolation, NotFound
from watchkeeper.organised_crime import groups as g
from watchkeeper.organised_crime import plans as p
from watchkeeper.organised_crime.config import OrganisedCrimePolicy
from watchkeeper.organised_crime.flags import Flag, group_flags, order_flags, register_flags
from watchkeeper.organised_crime.indicators import (
    CaseloadDistribution,
    Ratio,
    active_groups_owned_and_planned,
    breaches_enforced,
    caseload_distribution,
    orders_checked_on_schedule,
    scpo_consideration_rate,
)
from watchkeeper.organised_crime.lro import Assignment, Caseload, assign_lro, caseloads
from watchkeeper.organised_crime.ports import SocUnitOfWork
from watchkeeper.organised_crime.scoring import ThreatInput
from watchkeeper.people.index import NominalIndex, key_strings
from watchkeeper.people.matching import suggest_matches
from watchkeeper.people.model import Person, validate_person

READ, MANAGE, SCPO = Permission.SOC_READ, Permission.SOC_MANAGE, Permission.SCPO_MANAGE


def new_ref(prefix: str) -> str:
    """An opaque reference like ``OCG-3F9A1C2D``."""
    return f"{prefix}-{secrets.token_hex(4).upper()}"


@dataclass(frozen=True, slots=True)
class GroupView:
    group: g.OrganisedCrimeGroup
    plan: p.FourPPlan | None
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class SocIndicators:
    owned_and_planned: Ratio | None
    caseloads: CaseloadDistribution | None
    consideration_rate: Ratio | None
    checks_on_schedule: Ratio | None
    breaches_enforced: Ratio | None


class SocRegister:
    """The SOC unit's use cases, wired by bootstrap with a store, a clock and the policy."""

    def __init__(self, uow_factory: Callable[[], SocUnitOfWork], clock: Clock,
                 policy: OrganisedCrimePolicy,
                 audit_uow_factory: Callable[[], AuditUnitOfWork] | None = None) -> None:  # fmt: skip
        self._uow = uow_factory
        self._clock = clock
        self.policy = policy
        self._trail = AuditTrail(audit_uow_factory or uow_factory, clock)

    # --- groups ---------------------------------------------------------------------------
    def load(self, actor: Actor, groups: Sequence[g.OrganisedCrimeGroup],
             plans: Sequence[p.FourPPlan]) -> int:  # fmt: skip
        """Store already-built groups and plans (demo or migrated history) in one transaction."""
        self._trail.authorise(actor, MANAGE, ("ocg", "load"))
        now = self._clock.now()
        with self._uow() as uow:
            for group in groups:
                uow.groups.add(group)
            for plan in plans:
                uow.plans.put(plan)
            span = f"{len(groups)} groups, {len(plans)} plans"
            uow.audit.record(audit_event(actor, now, "ocg.load", ("ocg", span)))
            uow.commit()
        return len(groups)

    def register_group(self, actor: Actor, name: str, activities: tuple[str, ...],
                       reach: tuple[str, ...], group_id: str | None = None) -> g.OrganisedCrimeGroup:  # fmt: skip
        """Enter a group on the register in the configured initial state."""
        gid = group_id or new_ref("OCG")
        self._trail.authorise(actor, MANAGE, ("ocg", gid))
        now = self._clock.now()
        group = g.new_group(gid, name, activities=activities, reach=reach, at=now,
                            by=actor.username, policy=self.policy)  # fmt: skip
        with self._uow() as uow:
            uow.groups.add(group)
            uow.audit.record(audit_event(actor, now, "ocg.register", ("ocg", gid)))
            uow.commit()
        return group

    def _change(self, actor: Actor, group_id: str, action: str,
                change: Callable[[g.OrganisedCrimeGroup, datetime], g.OrganisedCrimeGroup],
                reason: str | None = None) -> g.OrganisedCrimeGroup:  # fmt: skip
        self._trail.authorise(actor, MANAGE, ("ocg", group_id))
        now = self._clock.now()
        with self._uow() as uow:
            group, version = uow.groups.get(group_id)
            changed = change(group, now)
            uow.groups.update(changed, version)
            uow.audit.record(audit_event(actor, now, action, ("ocg", group_id), reason=reason))
            uow.commit()
        return changed

    def add_member(
        self, actor: Actor, group_id: str, person_ref: str, role: str
    ) -> g.OrganisedCrimeGroup:
        """Link a nominal (by reference) to the group."""
        return self._change(actor, group_id, "ocg.member", lambda grp, now: g.add_member(
            grp, person_ref, role, at=now, by=actor.username, policy=self.policy))  # fmt: skip

    def add_new_member(
        self, actor: Actor, group_id: str, person: Person, role: str
    ) -> g.OrganisedCrimeGroup:
        """File a new person on the nominal index and link them to the group in one
        transaction: both or neither (a refused membership leaves no person behind).

        Likely duplicates on the index are stored as suggestions, as filing anywhere does;
        both writes are audited in the same transaction.
        """
        self._trail.authorise(actor, MANAGE, ("ocg", group_id))
        self._trail.authorise(actor, Permission.PEOPLE_MANAGE, ("person", person.person_ref))
        now = self._clock.now()
        today = now.astimezone(self.policy.timezone).date()
        validate_person(person, today)
        with self._uow() as uow:
            group, version = uow.groups.get(group_id)
            index = NominalIndex(uow.people.people_sharing(key_strings(person)))
            uow.people.add_person(person, now)
            for hit in suggest_matches(person, index, today):
                uow.people.add_suggestion(person.person_ref, hit.person_ref, hit.score,
                                          hit.reasons, now)  # fmt: skip
            filed = ("person", person.person_ref)
            uow.audit.record(audit_event(actor, now, "person.record", filed))
            changed = g.add_member(group, person.person_ref, role, at=now, by=actor.username,
                                   policy=self.policy)  # fmt: skip
            uow.groups.update(changed, version)
            uow.audit.record(audit_event(actor, now, "ocg.member", ("ocg", group_id)))
            uow.commit()
        return changed

    def score(self, actor: Actor, group_id: str, levels: ThreatInput) -> g.OrganisedCrimeGroup:
        """Score the group's threat (the previous scores are kept)."""
        return self._change(actor, group_id, "ocg.score", lambda grp, now: g.rescore(
            grp, levels, at=now, by=actor.username, policy=self.policy))  # fmt: skip

    def change_state(
        self, actor: Actor, group_id: str, to: str, reason: str
    ) -> g.OrganisedCrimeGroup:
        """Move the group along its lifecycle, with a reason."""
        return self._change(actor, group_id, f"ocg.state.{to}", lambda grp, now: g.change_state(
            grp, to, at=now, by=actor.username, reason=reason, policy=self.policy), reason)  # fmt: skip

    def record_disruption(self, actor: Actor, group_id: str, *, kind: str, impact: str, strand: str,
                          summary: str, at: datetime | None = None) -> g.OrganisedCrimeGroup:  # fmt: skip
        """Record a disruption of the group with its type and assessed impact."""

        def change(grp: g.OrganisedCrimeGroup, now: datetime) -> g.OrganisedCrimeGroup:
            when = ensure_utc(at) if at else now
            item = g.Disruption(new_ref("DSR"), when, kind, impact, strand, summary.strip(),
                                actor.username)  # fmt: skip
            return g.record_disruption(grp, item, self.policy)

        return self._change(actor, group_id, "ocg.disruption", change)

    def assign_lro(self, actor: Actor, group_id: str, officer: str, reason: str,
                   override_reason: str = "") -> Assignment:  # fmt: skip
        """Assign or hand over the group's LRO; refused beyond the cap without an override."""
        self._trail.authorise(actor, MANAGE, ("ocg", group_id))
        now = self._clock.now()
        with self._uow() as uow:
            group, version = uow.groups.get(group_id)
            result = assign_lro(group, officer, others=uow.groups.all(), at=now, by=actor.username,
                                reason=reason, policy=self.policy, override_reason=override_reason)  # fmt: skip
            uow.groups.update(result.group, version)
            why = override_reason.strip() or reason
            uow.audit.record(audit_event(actor, now, "ocg.lro", ("ocg", group_id), reason=why))
            uow.commit()
        return result

    def list_groups(self, actor: Actor, states: frozenset[str] | None = None) -> list[GroupView]:
        """The register (optionally only some states), each group with its plan and flags."""
        self._trail.authorise(actor, READ, ("ocg", ""))
        now = self._clock.now()
        with self._uow() as uow:
            groups, plans = uow.groups.all(), uow.plans.latest_by_group()
        chosen = [x for x in groups if states is None or x.state in states]
        views = [GroupView(x, plans.get(x.group_id),
                           tuple(group_flags(x, plans.get(x.group_id), now, self.policy)))
                 for x in chosen]  # fmt: skip
        self._trail.read(actor, "ocg.list", ("ocg", f"{len(views)} groups"))
        return views

    def count(self, actor: Actor) -> int:
        """How many groups the register holds (a count: no personal data)."""
        self._trail.authorise(actor, READ, ("ocg", ""))
        with self._uow() as uow:
            count = len(uow.groups.all())
        self._trail.read(actor, "ocg.count", ("ocg", ""))
        return count

    def show_group(self, actor: Actor, group_id: str) -> GroupView:
        """One group in full: members, threat and reasons, history, plan and flags."""
        self._trail.authorise(actor, READ, ("ocg", group_id))
        with self._uow() as uow:
            group, _ = uow.groups.get(group_id)
            plan = uow.plans.for_group(group_id)
        flags = tuple(group_flags(group, plan, self._clock.now(), self.policy))
        self._trail.read(actor, "ocg.read", ("ocg", group_id))
        return GroupView(group, plan, flags)

    def caseloads(self, actor: Actor) -> list[Caseload]:
        """Every LRO's band-weighted caseload against the cap, heaviest first."""
        self._trail.authorise(actor, READ, ("lro", ""))
        with self._uow() as uow:
            loads = caseloads(uow.groups.all(), self.policy)
        self._trail.read(actor, "ocg.caseloads", ("lro", ""))
        return loads

    # --- 4P plans -------------------------------------------------------------------------
    def _plan_change(self, actor: Actor, group_id: str, action: str,
                     change: Callable[[p.FourPPlan, datetime], p.FourPPlan]) -> p.FourPPlan:  # fmt: skip
        self._trail.authorise(actor, MANAGE, ("ocg-plan", group_id))
        now = self._clock.now()
        with self._uow() as uow:
            plan = uow.plans.for_group(group_id)
            if plan is None:
                raise NotFound(f"group {group_id} has no 4P plan; create one first")
            changed = change(plan, now)
            uow.plans.put(changed)
            uow.audit.record(audit_event(actor, now, action, ("ocg-plan", plan.plan_id)))
            uow.commit()
        return changed

    def create_plan(
        self, actor: Actor, group_id: str, objectives: Mapping[str, str]
    ) -> p.FourPPlan:
        """A new 4P plan for the group (it becomes the group's current plan)."""
        self._trail.authorise(actor, MANAGE, ("ocg-plan", group_id))
        now = self._clock.now()
        with self._uow() as uow:
            group, _ = uow.groups.get(group_id)
            if group.state in self.policy.lifecycle.closed:
                raise DomainRuleViolation(f"group {group_id} is {group.state}; it needs no plan")
            plan = p.new_plan(new_ref("PLAN"), group_id, dict(objectives), at=now,
                              by=actor.username, policy=self.policy)  # fmt: skip
            uow.plans.put(plan)
            uow.audit.record(audit_event(actor, now, "ocg.plan", ("ocg-plan", plan.plan_id)))
            uow.commit()
        return plan

    def add_action(self, actor: Actor, group_id: str, *, strand: str, description: str, owner: str,
                   supervisor: str, due_at: datetime) -> p.FourPPlan:  # fmt: skip
        """Add an owned, due action (a duty) to the group's plan."""
        return self._plan_change(actor, group_id, "ocg.plan.action", lambda plan, now: p.add_action(
            plan, new_ref("ACT"), strand, description, owner=owner, supervisor=supervisor,
            due_at=due_at, at=now, by=actor.username, policy=self.policy))  # fmt: skip

    def complete_action(
        self, actor: Actor, group_id: str, action_id: str, note: str = ""
    ) -> p.FourPPlan:
        """Mark a plan action done."""
        return self._plan_change(actor, group_id, "ocg.plan.done", lambda plan, now: p.complete_action(
            plan, action_id, at=now, by=actor.username, note=note))  # fmt: skip

    def review_plan(self, actor: Actor, group_id: str) -> p.FourPPlan:
        """The plan was reviewed: current for another review period."""
        return self._plan_change(actor, group_id, "ocg.plan.review", lambda plan, now: p.review_plan(
            plan, at=now, by=actor.username, policy=self.policy))  # fmt: skip

    # --- flags and indicators -------------------------------------------------------------
    def flags(self, actor: Actor) -> list[Flag]:
        """Everything the unit must look at: groups and orders."""
        self._trail.authorise(actor, READ, ("ocg", "flags"))
        now = self._clock.now()
        today = now.astimezone(self.policy.timezone).date()
        with self._uow() as uow:
            groups, plans, orders = uow.groups.all(), uow.plans.latest_by_group(), uow.scpo.orders()
        flags = register_flags(groups, plans, now, self.policy)
        flags += [f for o in orders for f in order_flags(o, today, now, self.policy.scpo)]
        self._trail.read(actor, "ocg.flags", ("ocg", "flags"))
        return flags

    def indicators(self, actor: Actor) -> SocIndicators:
        """The effectiveness indicators of the SOC registers (counts, no personal data)."""
        self._trail.authorise(actor, READ, ("soc-indicators", ""))
        now = self._clock.now()
        today = now.astimezone(self.policy.timezone).date()
        with self._uow() as uow:
            groups, plans = uow.groups.all(), uow.plans.latest_by_group()
            cases, orders = uow.scpo.considerations(), uow.scpo.orders()
        result = SocIndicators(
            active_groups_owned_and_planned(groups, plans, now, self.policy),
            caseload_distribution(caseloads(groups, self.policy)),
            scpo_consideration_rate(cases),
            orders_checked_on_schedule(orders, today, self.policy),
            breaches_enforced(orders),
        )
        self._trail.read(actor, "soc.indicators", ("soc-indicators", ""))
        return result
