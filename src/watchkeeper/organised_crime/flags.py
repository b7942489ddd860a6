"""What the SOC unit must look at: groups without owner, plan or recent disruption; orders
nearing expiry, with checks overdue, or with breaches not acted on. Pure functions of ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.organised_crime.config import OrganisedCrimePolicy, ScpoPolicy
from watchkeeper.organised_crime.groups import OrganisedCrimeGroup
from watchkeeper.organised_crime.plans import FourPPlan
from watchkeeper.organised_crime.scpo import ScpoOrder, next_check_due


class FlagKind(StrEnum):
    NO_OWNER = "no-owner"
    NO_CURRENT_PLAN = "no-current-plan"
    NO_RECENT_DISRUPTION = "no-recent-disruption"
    ORDER_NEARING_EXPIRY = "order-nearing-expiry"
    CHECK_OVERDUE = "check-overdue"
    BREACH_NOT_ACTED_ON = "breach-not-acted-on"


@dataclass(frozen=True, slots=True)
class Flag:
    kind: FlagKind
    record_id: str
    message: str


def group_flags(group: OrganisedCrimeGroup, plan: FourPPlan | None, now: datetime,
                policy: OrganisedCrimePolicy) -> list[Flag]:  # fmt: skip
    """Flags on one group at ``now``."""
    now = ensure_utc(now)
    life, gid, flags = policy.lifecycle, group.group_id, []
    if group.state in life.owner_required and group.lro is None:
        flags.append(Flag(FlagKind.NO_OWNER, gid, f"{gid} is {group.state} with no LRO"))
    if group.state in life.plan_required and (plan is None or not plan.is_current(now)):
        why = "no 4P plan" if plan is None else f"4P plan review was due {plan.review_by:%Y-%m-%d}"
        flags.append(Flag(FlagKind.NO_CURRENT_PLAN, gid, f"{gid}: {why}"))
    if group.state in life.disruption_expected:
        window = timedelta(days=policy.disruption_flag_days)
        last = group.last_disruption_at()
        # a group only just made active is judged from when it became so
        since = last or next(s.at for s in reversed(group.states) if s.state == group.state)
        if now - since > window:
            what = f"last disruption {last:%Y-%m-%d}" if last else "never disrupted"
            flags.append(Flag(FlagKind.NO_RECENT_DISRUPTION, gid,
                              f"{gid}: {what} (more than {policy.disruption_flag_days} days)"))  # fmt: skip
    return flags


def register_flags(groups: Iterable[OrganisedCrimeGroup], plans: Mapping[str, FourPPlan],
                   now: datetime, policy: OrganisedCrimePolicy) -> list[Flag]:  # fmt: skip
    """Flags over the register; ``plans`` maps group id to its latest plan."""
    return [f for g in groups for f in group_flags(g, plans.get(g.group_id), now, policy)]


def check_overdue(order: ScpoOrder, today: date, policy: ScpoPolicy) -> bool:
    """A check is overdue when its due day plus the grace has passed while the order is in force."""
    due = next_check_due(order)
    return (
        order.in_force(min(today, order.ends_on))
        and today > due + timedelta(days=policy.check_grace_days)
        and due <= order.ends_on
    )


def order_flags(order: ScpoOrder, today: date, now: datetime, policy: ScpoPolicy) -> list[Flag]:
    """Flags on one order: nearing expiry, check overdue, breaches not acted on."""
    oid, flags = order.order_id, []
    if order.in_force(today) and (order.ends_on - today).days <= policy.expiry_warning_days:
        flags.append(Flag(FlagKind.ORDER_NEARING_EXPIRY, oid,
                          f"{oid} ends {order.ends_on} ({(order.ends_on - today).days} days)"))  # fmt: skip
    if check_overdue(order, today, policy):
        flags.append(Flag(FlagKind.CHECK_OVERDUE, oid,
                          f"{oid}: compliance check was due {next_check_due(order)}"))  # fmt: skip
    limit = timedelta(days=policy.breach_action_days)
    for breach in order.breaches:
        if breach.referred_at is None and ensure_utc(now) - breach.recorded_at > limit:
            flags.append(Flag(FlagKind.BREACH_NOT_ACTED_ON, oid,
                              f"{oid}: breach {breach.breach_id} not referred after "
                              f"{policy.breach_action_days} days"))  # fmt: skip
    return flags
