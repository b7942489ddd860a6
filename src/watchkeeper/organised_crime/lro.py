"""Lead responsible officers: band-weighted caseloads, the cap, warnings and hand-overs.

No national LRO caseload limit exists (STANDARDS.md §6, UNCONFIRMED): the cap, the warning
level and the band weights are configuration. Going beyond the cap needs an override reason,
which is kept on the ownership record; a group in an owner-required state (default: active)
can only change hands, never be left without an owner.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.organised_crime.config import OrganisedCrimePolicy
from watchkeeper.organised_crime.groups import OrganisedCrimeGroup, Ownership


class LoadStatus(StrEnum):
    WITHIN = "within"
    NEAR_CAP = "near-cap"  # at or above the warning level
    OVER_CAP = "over-cap"


@dataclass(frozen=True, slots=True)
class Caseload:
    officer: str
    groups: tuple[str, ...]
    weighted: float
    cap: float
    status: LoadStatus

    @property
    def headroom(self) -> float:
        return self.cap - self.weighted


@dataclass(frozen=True, slots=True)
class Assignment:
    group: OrganisedCrimeGroup
    load_after: Caseload
    warning: str | None  # set when the officer is near or beyond the cap after this


def group_weight(group: OrganisedCrimeGroup, policy: OrganisedCrimePolicy) -> float:
    """How much a group counts on its LRO's caseload (an unscored group counts 1)."""
    return policy.band_weight(group.band) if group.band else 1.0


def _status(weighted: float, policy: OrganisedCrimePolicy) -> LoadStatus:
    if weighted > policy.caseload.cap:
        return LoadStatus.OVER_CAP
    if weighted >= policy.caseload.warn_at:
        return LoadStatus.NEAR_CAP
    return LoadStatus.WITHIN


def caseloads(
    groups: Iterable[OrganisedCrimeGroup], policy: OrganisedCrimePolicy
) -> list[Caseload]:
    """Every LRO's caseload over groups in caseload-counting states, heaviest first."""
    load: dict[str, list[OrganisedCrimeGroup]] = {}
    for group in groups:
        if group.lro and group.state in policy.lifecycle.counts_for_caseload:
            load.setdefault(group.lro, []).append(group)
    out = [_caseload(officer, owned, policy) for officer, owned in load.items()]
    return sorted(out, key=lambda c: (-c.weighted, c.officer))


def _caseload(
    officer: str, owned: list[OrganisedCrimeGroup], policy: OrganisedCrimePolicy
) -> Caseload:
    weighted = round(sum(group_weight(g, policy) for g in owned), 2)
    ids = tuple(sorted(g.group_id for g in owned))
    return Caseload(officer, ids, weighted, policy.caseload.cap, _status(weighted, policy))


def caseload_of(officer: str, groups: Iterable[OrganisedCrimeGroup],
                policy: OrganisedCrimePolicy) -> Caseload:  # fmt: skip
    """One officer's caseload (empty when they own nothing)."""
    owned = [g for g in groups
             if g.lro == officer and g.state in policy.lifecycle.counts_for_caseload]  # fmt: skip
    return _caseload(officer, owned, policy)


def assign_lro(group: OrganisedCrimeGroup, officer: str, *, others: Iterable[OrganisedCrimeGroup],
               at: datetime, by: str, reason: str, policy: OrganisedCrimePolicy,
               override_reason: str = "") -> Assignment:  # fmt: skip
    """Give ``group`` to ``officer`` (first assignment or hand-over), checking the cap.

    ``others`` are the register's other groups (used for the officer's current load).
    Refused beyond the cap unless ``override_reason`` says why; warned at the warning level.
    """
    officer = officer.strip()
    if not officer:
        raise InputError(f"group {group.group_id} needs an officer to assign (field: officer)")
    if group.state in policy.lifecycle.closed:
        raise DomainRuleViolation(f"group {group.group_id} is {group.state}; it needs no LRO")
    if officer == group.lro:
        raise DomainRuleViolation(f"{officer} already leads group {group.group_id}")
    if not reason.strip():
        raise InputError(f"assigning an LRO to {group.group_id} needs a reason (field: reason)")
    at = ensure_utc(at)
    if group.owners and at < group.owners[-1].since:
        raise DomainRuleViolation(
            f"group {group.group_id}: a hand-over cannot predate the last one"
        )
    current = caseload_of(officer, (g for g in others if g.group_id != group.group_id), policy)
    after = round(current.weighted + group_weight(group, policy), 2)
    cap = policy.caseload.cap
    if after > cap and not override_reason.strip():
        raise DomainRuleViolation(
            f"{officer} would carry a weighted caseload of {after:g} with {group.group_id}, "
            f"beyond the cap of {cap:g}; give an override reason (field: override_reason)"
        )
    owner = Ownership(officer, at, by, reason.strip(), group.lro or "",
                      override_reason.strip() if after > cap else "")  # fmt: skip
    updated = dataclasses.replace(group, owners=(*group.owners, owner))
    load = Caseload(officer, tuple(sorted((*current.groups, group.group_id))), after, cap,
                    _status(after, policy))  # fmt: skip
    warning = None
    if load.status is LoadStatus.OVER_CAP:
        warning = f"{officer} is beyond the caseload cap ({after:g} of {cap:g}); override recorded"
    elif load.status is LoadStatus.NEAR_CAP:
        warning = f"{officer} is near the caseload cap ({after:g} of {cap:g})"
    return Assignment(updated, load, warning)


def near_cap(loads: Iterable[Caseload]) -> list[Caseload]:
    """Officers at or above the warning level (the SOC officer's 'near their cap' list)."""
    return [c for c in loads if c.status is not LoadStatus.WITHIN]
