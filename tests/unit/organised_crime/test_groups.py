from __future__ import annotations

from datetime import timedelta

import pytest

from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.organised_crime.groups import (
    Disruption,
    add_member,
    change_state,
    new_group,
    record_disruption,
    rescore,
)
from watchkeeper.organised_crime.lro import assign_lro

from .conftest import T0, levels


def _group(policy, gid="OCG-1"):
    return new_group(
        gid,
        "Ridge Lane",
        activities=("drug-supply",),
        reach=("Birmingham East",),
        at=T0,
        by="dc.shaw",
        policy=policy,
    )


def _disruption(did="DS-1", at=T0 + timedelta(days=1), kind="drugs-seizure"):
    return Disruption(did, at, kind, "moderate", "pursue", "1kg cocaine seized", "dc.shaw")


def test_a_new_group_starts_in_the_configured_initial_state(policy) -> None:
    group = _group(policy)
    assert group.state == "proposed"
    assert group.lro is None and group.band is None


def test_members_are_linked_by_nominal_reference_once(policy) -> None:
    group = add_member(_group(policy), "P-100", "principal", at=T0, by="dc.shaw", policy=policy)
    assert [m.person_ref for m in group.members] == ["P-100"]
    with pytest.raises(DomainRuleViolation, match="already a member"):
        add_member(group, "P-100", "member", at=T0, by="dc.shaw", policy=policy)
    with pytest.raises(InputError, match="field: role"):
        add_member(group, "P-101", "boss", at=T0, by="dc.shaw", policy=policy)


def test_rescoring_keeps_the_earlier_assessment(policy) -> None:
    group = rescore(_group(policy), levels("low"), at=T0, by="analyst", policy=policy)
    group = rescore(
        group, levels("high", "high"), at=T0 + timedelta(days=2), by="analyst", policy=policy
    )
    assert [t.assessment.band for t in group.threats] == ["D", "A"]
    assert group.band == "A"


def test_a_group_cannot_become_active_without_a_lead_officer(policy) -> None:
    group = change_state(
        _group(policy), "mapped", at=T0, by="dc.shaw", reason="scored", policy=policy
    )
    with pytest.raises(DomainRuleViolation, match="without a lead responsible officer"):
        change_state(group, "active", at=T0, by="dc.shaw", reason="tasked", policy=policy)
    owned = assign_lro(
        group, "di.khan", others=[], at=T0, by="supt", reason="tasking", policy=policy
    ).group
    active = change_state(owned, "active", at=T0, by="dc.shaw", reason="tasked", policy=policy)
    assert active.state == "active" and active.lro == "di.khan"


def test_transitions_not_in_configuration_are_refused(policy) -> None:
    with pytest.raises(DomainRuleViolation, match="cannot go from proposed to dormant"):
        change_state(_group(policy), "dormant", at=T0, by="x", reason="r", policy=policy)
    with pytest.raises(InputError, match="field: state"):
        change_state(_group(policy), "frozen", at=T0, by="x", reason="r", policy=policy)
    with pytest.raises(InputError, match="field: reason"):
        change_state(_group(policy), "mapped", at=T0, by="x", reason=" ", policy=policy)


def test_disruptions_are_recorded_with_type_and_impact(policy) -> None:
    group = record_disruption(_group(policy), _disruption(), policy)
    assert group.last_disruption_at() == T0 + timedelta(days=1)
    with pytest.raises(InputError, match="field: type"):
        record_disruption(group, _disruption("DS-2", kind="stern-word"), policy)
    with pytest.raises(DomainRuleViolation, match="already recorded"):
        record_disruption(group, _disruption(), policy)


def test_an_archived_group_cannot_be_given_a_disruption(policy) -> None:
    archived = change_state(
        _group(policy), "archived", at=T0, by="x", reason="no longer active", policy=policy
    )
    with pytest.raises(DomainRuleViolation, match="archived; it cannot be given a disruption"):
        record_disruption(archived, _disruption(), policy)
    assert archived.disruptions == ()
