"""Serious crime prevention orders (Serious Crime Act 2007, Part 1): consideration and orders.

- Consideration: a charge or conviction for a Schedule 1 offence flags the case for SCPO
  consideration; the decision is recorded with its reason (prosecutors apply, police inform).
- Orders: court, dates, terms each with their own dates inside the order's, no more than five
  years "beginning with the coming into force of the order" (s16(3)), a monitoring officer,
  a compliance-check schedule, notification requirements, and breaches (s25) referred for
  enforcement with their outcome.

Dates are calendar dates; ``ends_on`` is the last day in force (inclusive).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import DomainRuleViolation, InputError, NotFound
from watchkeeper.organised_crime.config import ScpoPolicy

STAGES = ("charged", "convicted")
DECISIONS = ("apply", "do-not-apply")
COURTS = ("crown-court", "high-court")  # s19 on conviction; s1 stand-alone application
CHECK_OUTCOMES = ("compliant", "concern", "breach-found")
BREACH_OUTCOMES = ("charged", "convicted", "cautioned", "no-further-action", "order-varied")


@dataclass(frozen=True, slots=True)
class Consideration:
    """A case flagged because the offence is in Schedule 1; ``decision`` is set once decided."""

    case_id: str
    person_ref: str
    offence: str
    heading: str  # Schedule 1 heading key
    stage: str
    flagged_at: datetime
    decision: str = ""
    reason: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None

    @property
    def decided(self) -> bool:
        return bool(self.decision)


def flag_for_consideration(case_id: str, person_ref: str, offence: str, stage: str, *,
                           at: datetime, policy: ScpoPolicy) -> Consideration | None:  # fmt: skip
    """The case to consider when the offence is in Schedule 1; None when it is not."""
    if stage not in STAGES:
        raise InputError(f"stage '{stage}' is not one of {list(STAGES)} (field: stage)")
    if not case_id.strip() or not person_ref.strip():
        raise InputError("an SCPO consideration needs a case_id and a person_ref")
    heading = policy.schedule1_heading(offence.strip())
    if heading is None:
        return None
    return Consideration(case_id.strip(), person_ref.strip(), offence.strip(), heading.heading,
                         stage, ensure_utc(at))  # fmt: skip


def decide(
    case: Consideration, decision: str, reason: str, *, by: str, at: datetime
) -> Consideration:
    """Record the decision (apply or not) with its reason; decided once."""
    if case.decided:
        raise DomainRuleViolation(f"case {case.case_id} was already decided ({case.decision})")
    if decision not in DECISIONS:
        raise InputError(f"decision '{decision}' is not one of {list(DECISIONS)} (field: decision)")
    if not reason.strip():
        raise InputError(f"the SCPO decision on {case.case_id} needs a reason (field: reason)")
    return dataclasses.replace(case, decision=decision, reason=reason.strip(), decided_by=by,
                               decided_at=ensure_utc(at))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Term:
    term_id: str
    text: str
    starts_on: date
    ends_on: date
    notification_days: int | None = None  # set when the term is a notification requirement


@dataclass(frozen=True, slots=True)
class ComplianceCheck:
    check_id: str
    done_on: date
    by: str
    outcome: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Breach:
    breach_id: str
    term_id: str
    occurred_on: date
    recorded_at: datetime
    recorded_by: str
    summary: str
    referred_at: datetime | None = None
    referred_to: str = ""
    outcome: str = ""
    outcome_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ScpoOrder:
    order_id: str
    person_ref: str
    court: str
    made_on: date
    starts_on: date
    ends_on: date
    monitoring_officer: str
    check_interval_days: int
    terms: tuple[Term, ...]
    group_id: str = ""
    checks: tuple[ComplianceCheck, ...] = ()
    breaches: tuple[Breach, ...] = ()

    def in_force(self, on: date) -> bool:
        return self.starts_on <= on <= self.ends_on

    def term(self, term_id: str) -> Term:
        for term in self.terms:
            if term.term_id == term_id:
                return term
        raise NotFound(f"order {self.order_id} has no term {term_id}")

    def notification_requirements(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.notification_days is not None)


def latest_end(starts_on: date, max_years: int) -> date:
    """The last day an order starting on ``starts_on`` may be in force.

    s16(3): not in force "for more than 5 years beginning with the coming into force": the day
    before the fifth anniversary. A 29 February start has its anniversary on 1 March.
    """
    year = starts_on.year + max_years
    try:
        anniversary = starts_on.replace(year=year)
    except ValueError:  # 29 February in a common year
        anniversary = date(year, 3, 1)
    return anniversary - timedelta(days=1)


def _check_term(order_id: str, term: Term, starts_on: date, ends_on: date) -> None:
    if not term.text.strip():
        raise InputError(f"order {order_id} term {term.term_id} has no wording (field: terms.text)")
    if term.ends_on < term.starts_on:
        raise InputError(f"order {order_id} term {term.term_id} ends before it starts")
    if term.starts_on < starts_on or term.ends_on > ends_on:
        raise InputError(
            f"order {order_id} term {term.term_id} runs {term.starts_on}..{term.ends_on}, outside "
            f"the order's {starts_on}..{ends_on} (field: terms.starts_on/ends_on)"
        )
    if term.notification_days is not None and term.notification_days < 0:
        raise InputError(
            f"order {order_id} term {term.term_id}: notification_days cannot be negative"
        )


def _check_span(order: ScpoOrder, policy: ScpoPolicy) -> None:
    oid = order.order_id
    if order.ends_on < order.starts_on:
        raise InputError(f"order {oid} ends before it starts (field: ends_on)")
    limit = latest_end(order.starts_on, policy.max_years)
    if order.ends_on > limit:
        raise DomainRuleViolation(
            f"order {oid} runs {order.starts_on}..{order.ends_on}, longer than the "
            f"{policy.max_years}-year maximum (last permitted day {limit}; Serious Crime Act "
            "2007 s16) (field: ends_on)"
        )


def make_order(order: ScpoOrder, policy: ScpoPolicy) -> ScpoOrder:
    """Validate a new order: court, dates, five-year maximum, terms inside the order."""
    oid = order.order_id
    if not oid.strip() or not order.person_ref.strip():
        raise InputError("an order needs an order_id and a person_ref")
    if order.court not in COURTS:
        raise InputError(
            f"order {oid}: court '{order.court}' is not one of {list(COURTS)} (field: court)"
        )
    if not order.monitoring_officer.strip():
        raise InputError(
            f"order {oid} needs a named monitoring officer (field: monitoring_officer)"
        )
    if order.starts_on < order.made_on:
        raise InputError(f"order {oid} cannot come into force before it is made (field: starts_on)")
    _check_span(order, policy)
    if not order.terms:
        raise InputError(f"order {oid} needs at least one term (field: terms)")
    if len({t.term_id for t in order.terms}) != len(order.terms):
        raise InputError(f"order {oid} has duplicate term ids (field: terms.term_id)")
    for term in order.terms:
        _check_term(oid, term, order.starts_on, order.ends_on)
    if order.check_interval_days < 1:
        raise InputError(f"order {oid}: check_interval_days must be at least 1")
    return order


def next_check_due(order: ScpoOrder) -> date:
    """The next compliance check: the interval after the last one (or after coming into force)."""
    last = max((c.done_on for c in order.checks), default=order.starts_on)
    return last + timedelta(days=order.check_interval_days)


def record_check(order: ScpoOrder, check: ComplianceCheck) -> ScpoOrder:
    """Add a compliance check done while the order was in force."""
    if check.outcome not in CHECK_OUTCOMES:
        raise InputError(f"check outcome '{check.outcome}' is not one of {list(CHECK_OUTCOMES)}")
    if not order.in_force(check.done_on):
        raise DomainRuleViolation(f"order {order.order_id} was not in force on {check.done_on}")
    if any(c.check_id == check.check_id for c in order.checks):
        raise DomainRuleViolation(f"check {check.check_id} is already recorded")
    return dataclasses.replace(order, checks=(*order.checks, check))


def record_breach(order: ScpoOrder, breach: Breach) -> ScpoOrder:
    """A breach of a term in force on the day (s25: failing to comply is an offence)."""
    term = order.term(breach.term_id)
    if not term.starts_on <= breach.occurred_on <= term.ends_on:
        raise DomainRuleViolation(
            f"term {term.term_id} of order {order.order_id} was not in force on {breach.occurred_on}"
        )
    if not breach.summary.strip():
        raise InputError(f"breach {breach.breach_id} needs a summary (field: summary)")
    if any(b.breach_id == breach.breach_id for b in order.breaches):
        raise DomainRuleViolation(f"breach {breach.breach_id} is already recorded")
    return dataclasses.replace(order, breaches=(*order.breaches, breach))


def _replace_breach(order: ScpoOrder, breach: Breach) -> ScpoOrder:
    return dataclasses.replace(
        order,
        breaches=tuple(breach if b.breach_id == breach.breach_id else b for b in order.breaches),
    )


def _breach(order: ScpoOrder, breach_id: str) -> Breach:
    for b in order.breaches:
        if b.breach_id == breach_id:
            return b
    raise NotFound(f"order {order.order_id} has no breach {breach_id}")


def refer_breach(order: ScpoOrder, breach_id: str, *, to: str, at: datetime) -> ScpoOrder:
    """Refer a breach for enforcement (prosecutors decide on a s25 charge)."""
    breach = _breach(order, breach_id)
    if breach.referred_at is not None:
        raise DomainRuleViolation(
            f"breach {breach_id} was already referred to {breach.referred_to}"
        )
    if not to.strip():
        raise InputError(f"breach {breach_id}: say who it is referred to (field: to)")
    at = ensure_utc(at)
    if at < breach.recorded_at:
        raise DomainRuleViolation(f"breach {breach_id} cannot be referred before it was recorded")
    return _replace_breach(
        order, dataclasses.replace(breach, referred_at=at, referred_to=to.strip())
    )


def record_breach_outcome(
    order: ScpoOrder, breach_id: str, outcome: str, *, at: datetime
) -> ScpoOrder:
    """The enforcement outcome of a referred breach."""
    breach = _breach(order, breach_id)
    if breach.referred_at is None:
        raise DomainRuleViolation(
            f"breach {breach_id} must be referred before its outcome is recorded"
        )
    if breach.outcome:
        raise DomainRuleViolation(f"breach {breach_id} already has an outcome ({breach.outcome})")
    if outcome not in BREACH_OUTCOMES:
        raise InputError(
            f"outcome '{outcome}' is not one of {list(BREACH_OUTCOMES)} (field: outcome)"
        )
    return _replace_breach(
        order, dataclasses.replace(breach, outcome=outcome, outcome_at=ensure_utc(at))
    )
