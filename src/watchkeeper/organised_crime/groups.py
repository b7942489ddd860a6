"""The OCG register: a group, its members, activities, reach, threat, lifecycle and disruptions.

A group is immutable; each change returns a new group with one more history item, so the
register an inspector reads is the history that happened. Members are referenced by their
nominal-index reference (``people``), not copied.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.organised_crime.config import OrganisedCrimePolicy
from watchkeeper.organised_crime.scoring import ThreatAssessment, ThreatInput, assess

MEMBER_ROLES = ("principal", "member", "associate", "facilitator")


@dataclass(frozen=True, slots=True)
class Member:
    person_ref: str  # the nominal index reference
    role: str
    added_at: datetime
    added_by: str


@dataclass(frozen=True, slots=True)
class StateChange:
    state: str
    at: datetime
    by: str
    reason: str


@dataclass(frozen=True, slots=True)
class Ownership:
    """One LRO's spell owning the group; ``previous`` is who handed it over (if anyone)."""

    officer: str
    since: datetime
    by: str
    reason: str
    previous: str = ""
    override_reason: str = ""  # given when the assignment took the officer beyond the cap


@dataclass(frozen=True, slots=True)
class Disruption:
    disruption_id: str
    at: datetime
    kind: str  # configured disruption type
    impact: str  # configured impact level
    strand: str  # 4P strand it served
    summary: str
    recorded_by: str


@dataclass(frozen=True, slots=True)
class ScoredThreat:
    assessment: ThreatAssessment
    levels: ThreatInput
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class OrganisedCrimeGroup:
    group_id: str
    name: str
    created_at: datetime
    activities: tuple[str, ...]
    reach: tuple[str, ...]  # areas the group operates in
    members: tuple[Member, ...] = ()
    threats: tuple[ScoredThreat, ...] = ()
    states: tuple[StateChange, ...] = ()
    owners: tuple[Ownership, ...] = ()
    disruptions: tuple[Disruption, ...] = ()

    @property
    def state(self) -> str:
        return self.states[-1].state

    @property
    def lro(self) -> str | None:
        return self.owners[-1].officer if self.owners else None

    @property
    def threat(self) -> ThreatAssessment | None:
        return self.threats[-1].assessment if self.threats else None

    @property
    def band(self) -> str | None:
        return self.threat.band if self.threat else None

    def last_disruption_at(self) -> datetime | None:
        return max((d.at for d in self.disruptions), default=None)


def _need(value: str, field: str, what: str) -> str:
    if not value.strip():
        raise InputError(f"{what} needs a {field} (field: {field})")
    return value.strip()


def _open(group: OrganisedCrimeGroup, policy: OrganisedCrimePolicy, action: str) -> None:
    if group.state in policy.lifecycle.closed:
        raise DomainRuleViolation(
            f"group {group.group_id} is {group.state}; it cannot be given {action}"
        )


def new_group(group_id: str, name: str, *, activities: tuple[str, ...], reach: tuple[str, ...],
              at: datetime, by: str, policy: OrganisedCrimePolicy) -> OrganisedCrimeGroup:  # fmt: skip
    """A group entering the register in the configured initial state."""
    at = ensure_utc(at)
    _need(group_id, "group_id", "a group")
    _need(name, "name", f"group {group_id}")
    if not activities:
        raise InputError(
            f"group {group_id} needs at least one criminal activity (field: activities)"
        )
    first = StateChange(
        policy.lifecycle.initial, at, _need(by, "by", "a group"), "entered on the register"
    )
    return OrganisedCrimeGroup(group_id, name.strip(), at, tuple(activities), tuple(reach),
                               states=(first,))  # fmt: skip


def add_member(group: OrganisedCrimeGroup, person_ref: str, role: str, *, at: datetime, by: str,
               policy: OrganisedCrimePolicy) -> OrganisedCrimeGroup:  # fmt: skip
    """Link a nominal to the group in a role; refuses a person already linked."""
    _open(group, policy, "a new member")
    ref = _need(person_ref, "person_ref", f"a member of {group.group_id}")
    if role not in MEMBER_ROLES:
        raise InputError(f"member role '{role}' is not one of {list(MEMBER_ROLES)} (field: role)")
    if any(m.person_ref == ref for m in group.members):
        raise DomainRuleViolation(f"{ref} is already a member of {group.group_id}")
    member = Member(ref, role, ensure_utc(at), _need(by, "by", "a member"))
    return dataclasses.replace(group, members=(*group.members, member))


def rescore(group: OrganisedCrimeGroup, levels: ThreatInput, *, at: datetime, by: str,
            policy: OrganisedCrimePolicy) -> OrganisedCrimeGroup:  # fmt: skip
    """Score (or re-score) the group; the previous assessments are kept."""
    _open(group, policy, "a new threat score")
    scored = ScoredThreat(assess(levels, policy.scoring), levels, ensure_utc(at), by)
    return dataclasses.replace(group, threats=(*group.threats, scored))


def change_state(group: OrganisedCrimeGroup, to: str, *, at: datetime, by: str, reason: str,
                 policy: OrganisedCrimePolicy) -> OrganisedCrimeGroup:  # fmt: skip
    """Move the group along its configured lifecycle, with a reason."""
    life = policy.lifecycle
    if to not in life.states:
        raise InputError(f"state '{to}' is not one of {list(life.states)} (field: state)")
    if to not in life.transitions.get(group.state, frozenset()):
        raise DomainRuleViolation(f"group {group.group_id} cannot go from {group.state} to {to}")
    _need(reason, "reason", f"a state change of {group.group_id}")
    if to in life.owner_required and group.lro is None:
        raise DomainRuleViolation(
            f"group {group.group_id} cannot become {to} without a lead responsible officer; "
            "assign one first"
        )
    at = ensure_utc(at)
    if at < group.states[-1].at:
        raise DomainRuleViolation(
            f"group {group.group_id}: a state change cannot predate the last one"
        )
    return dataclasses.replace(
        group, states=(*group.states, StateChange(to, at, by, reason.strip()))
    )


def record_disruption(group: OrganisedCrimeGroup, disruption: Disruption,
                      policy: OrganisedCrimePolicy) -> OrganisedCrimeGroup:  # fmt: skip
    """Add a disruption; refused on a closed (e.g. archived) group or with unknown type/impact."""
    _open(group, policy, "a disruption")
    if disruption.kind not in policy.disruption_types:
        raise InputError(f"disruption type '{disruption.kind}' is not one of "
                         f"{sorted(policy.disruption_types)} (field: type)")  # fmt: skip
    if disruption.impact not in policy.disruption_impacts:
        raise InputError(f"impact '{disruption.impact}' is not one of "
                         f"{list(policy.disruption_impacts)} (field: impact)")  # fmt: skip
    if disruption.strand not in policy.strands:
        raise InputError(
            f"strand '{disruption.strand}' is not one of {list(policy.strands)} (field: strand)"
        )
    if ensure_utc(disruption.at) < group.created_at:
        raise InputError(
            f"disruption {disruption.disruption_id} predates group {group.group_id} (field: at)"
        )
    if any(d.disruption_id == disruption.disruption_id for d in group.disruptions):
        raise DomainRuleViolation(f"disruption {disruption.disruption_id} is already recorded")
    return dataclasses.replace(group, disruptions=(*group.disruptions, disruption))
