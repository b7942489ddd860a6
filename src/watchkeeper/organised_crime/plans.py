"""4P plans (pursue, prevent, protect, prepare) whose actions are duties on the shared model.

Serious and Organised Crime Strategy, Oct 2013 (Cm 8715; STANDARDS.md §6): forces write a 4P
plan per OCG. Each action is a ``duties.Duty`` owned by a named officer with a due date, so it
escalates like every other owed task. A plan is current while its review date has not passed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from watchkeeper.duties.lifecycle import complete, create_duty
from watchkeeper.duties.model import Duty
from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import DomainRuleViolation, InputError, NotFound
from watchkeeper.organised_crime.config import OrganisedCrimePolicy

ACTION_DUTY_KIND = "ocg-4p-action"


@dataclass(frozen=True, slots=True)
class PlanAction:
    strand: str
    description: str
    duty: Duty

    @property
    def action_id(self) -> str:
        return self.duty.duty_id


@dataclass(frozen=True, slots=True)
class FourPPlan:
    plan_id: str
    group_id: str
    created_at: datetime
    created_by: str
    reviewed_at: datetime
    review_by: datetime
    objectives: dict[str, str]  # strand -> objective
    actions: tuple[PlanAction, ...] = ()

    def is_current(self, now: datetime) -> bool:
        return ensure_utc(now) <= self.review_by

    def action(self, action_id: str) -> PlanAction:
        for action in self.actions:
            if action.action_id == action_id:
                return action
        raise NotFound(f"plan {self.plan_id} has no action {action_id}")


def _check_strand(strand: str, policy: OrganisedCrimePolicy) -> None:
    if strand not in policy.strands:
        raise InputError(f"strand '{strand}' is not one of {list(policy.strands)} (field: strand)")


def new_plan(plan_id: str, group_id: str, objectives: dict[str, str], *, at: datetime, by: str,
             policy: OrganisedCrimePolicy) -> FourPPlan:  # fmt: skip
    """A plan with an objective per strand it addresses (at least one strand)."""
    if not objectives or not any(v.strip() for v in objectives.values()):
        raise InputError(f"plan {plan_id} needs at least one 4P objective (field: objectives)")
    for strand in objectives:
        _check_strand(strand, policy)
    at = ensure_utc(at)
    review = at + timedelta(days=policy.plan_review_days)
    clean = {k: v.strip() for k, v in objectives.items() if v.strip()}
    return FourPPlan(plan_id, group_id, at, by, at, review, clean)


def review_plan(
    plan: FourPPlan, *, at: datetime, by: str, policy: OrganisedCrimePolicy
) -> FourPPlan:
    """The LRO has reviewed the plan: it is current for another review period."""
    at = ensure_utc(at)
    if at < plan.reviewed_at:
        raise DomainRuleViolation(f"plan {plan.plan_id}: a review cannot predate the last one")
    if not by.strip():
        raise InputError("a plan review needs who reviewed it (field: by)")
    return dataclasses.replace(plan, reviewed_at=at,
                               review_by=at + timedelta(days=policy.plan_review_days))  # fmt: skip


def add_action(plan: FourPPlan, action_id: str, strand: str, description: str, *, owner: str,
               supervisor: str, due_at: datetime, at: datetime, by: str,
               policy: OrganisedCrimePolicy) -> FourPPlan:  # fmt: skip
    """Add an owned, due action under a strand; it becomes a duty that escalates when ignored."""
    _check_strand(strand, policy)
    if not description.strip():
        raise InputError(f"action {action_id} needs a description (field: description)")
    if ensure_utc(due_at) < ensure_utc(at):
        raise InputError(f"action {action_id} cannot be due before it is set (field: due_at)")
    if any(a.action_id == action_id for a in plan.actions):
        raise DomainRuleViolation(f"plan {plan.plan_id} already has action {action_id}")
    duty = create_duty(action_id, ACTION_DUTY_KIND, plan.plan_id, owner=owner, supervisor=supervisor,
                       due_at=due_at, escalate_after=timedelta(days=policy.action_escalate_days),
                       at=at, by=by)  # fmt: skip
    return dataclasses.replace(
        plan, actions=(*plan.actions, PlanAction(strand, description.strip(), duty))
    )


def complete_action(
    plan: FourPPlan, action_id: str, *, at: datetime, by: str, note: str = ""
) -> FourPPlan:
    """Mark an action done (its duty completes)."""
    target = plan.action(action_id)
    done = dataclasses.replace(target, duty=complete(target.duty, by=by, at=at, note=note))
    return dataclasses.replace(
        plan, actions=tuple(done if a.action_id == action_id else a for a in plan.actions)
    )
