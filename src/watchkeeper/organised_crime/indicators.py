"""Indicator functions for the effectiveness report: value, numerator, denominator (None: no data)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from watchkeeper.organised_crime.config import OrganisedCrimePolicy
from watchkeeper.organised_crime.flags import check_overdue
from watchkeeper.organised_crime.groups import OrganisedCrimeGroup
from watchkeeper.organised_crime.lro import Caseload, LoadStatus
from watchkeeper.organised_crime.plans import FourPPlan
from watchkeeper.organised_crime.scpo import Consideration, ScpoOrder


@dataclass(frozen=True, slots=True)
class Ratio:
    value: float
    numerator: int
    denominator: int


def _ratio(numerator: int, denominator: int) -> Ratio | None:
    return None if denominator == 0 else Ratio(numerator / denominator, numerator, denominator)


def active_groups_owned_and_planned(groups: Iterable[OrganisedCrimeGroup],
                                    plans: Mapping[str, FourPPlan], now: datetime,
                                    policy: OrganisedCrimePolicy) -> Ratio | None:  # fmt: skip
    """Share of groups in owner-required states that have an LRO and a current 4P plan."""
    active = [g for g in groups if g.state in policy.lifecycle.owner_required]
    good = [g for g in active
            if g.lro and g.group_id in plans and plans[g.group_id].is_current(now)]  # fmt: skip
    return _ratio(len(good), len(active))


@dataclass(frozen=True, slots=True)
class CaseloadDistribution:
    within_cap: Ratio  # LROs not over the cap / all LROs
    minimum: float
    median: float
    maximum: float
    near_cap: int
    over_cap: int


def caseload_distribution(loads: Iterable[Caseload]) -> CaseloadDistribution | None:
    """Spread of weighted caseloads over LROs, and the share not beyond the cap."""
    loads = list(loads)
    if not loads:
        return None
    weights = [c.weighted for c in loads]
    over = sum(c.status is LoadStatus.OVER_CAP for c in loads)
    near = sum(c.status is LoadStatus.NEAR_CAP for c in loads)
    within = Ratio((len(loads) - over) / len(loads), len(loads) - over, len(loads))
    return CaseloadDistribution(
        within, min(weights), float(median(weights)), max(weights), near, over
    )


def scpo_consideration_rate(cases: Iterable[Consideration]) -> Ratio | None:
    """Share of Schedule 1 cases flagged for SCPO consideration that have a recorded decision."""
    cases = list(cases)
    return _ratio(sum(c.decided for c in cases), len(cases))


def orders_checked_on_schedule(orders: Iterable[ScpoOrder], today: date,
                               policy: OrganisedCrimePolicy) -> Ratio | None:  # fmt: skip
    """Share of orders in force today whose compliance checks are not overdue."""
    live = [o for o in orders if o.in_force(today)]
    return _ratio(sum(not check_overdue(o, today, policy.scpo) for o in live), len(live))


def breaches_enforced(orders: Iterable[ScpoOrder]) -> Ratio | None:
    """Share of recorded breaches that were referred for enforcement."""
    breaches = [b for o in orders for b in o.breaches]
    return _ratio(sum(b.referred_at is not None for b in breaches), len(breaches))
