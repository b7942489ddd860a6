from __future__ import annotations

from datetime import timedelta

import pytest

from watchkeeper.duties.model import DutyState
from watchkeeper.kernel.errors import InputError
from watchkeeper.organised_crime.flags import FlagKind, group_flags
from watchkeeper.organised_crime.groups import (
    Disruption,
    change_state,
    new_group,
    record_disruption,
)
from watchkeeper.organised_crime.indicators import (
    active_groups_owned_and_planned,
    caseload_distribution,
)
from watchkeeper.organised_crime.lro import assign_lro, caseloads
from watchkeeper.organised_crime.plans import add_action, complete_action, new_plan, review_plan

from .conftest import T0


def _active(policy, gid="OCG-1"):
    g = new_group(gid, gid, activities=("drugs",), reach=(), at=T0, by="x", policy=policy)
    g = change_state(g, "mapped", at=T0, by="x", reason="mapped", policy=policy)
    g = assign_lro(g, "di.khan", others=[], at=T0, by="supt", reason="r", policy=policy).group
    return change_state(g, "active", at=T0, by="x", reason="tasked", policy=policy)


def test_plan_actions_are_duties_with_owner_and_due_date(policy) -> None:
    plan = new_plan(
        "PL-1", "OCG-1", {"pursue": "arrest principals"}, at=T0, by="di.khan", policy=policy
    )
    plan = add_action(
        plan,
        "A1",
        "pursue",
        "warrant at Ridge Lane",
        owner="dc.shaw",
        supervisor="di.khan",
        due_at=T0 + timedelta(days=14),
        at=T0,
        by="di.khan",
        policy=policy,
    )
    action = plan.action("A1")
    assert action.duty.owner == "dc.shaw" and action.duty.subject_ref == "PL-1"
    assert action.duty.due_at == T0 + timedelta(days=14)
    done = complete_action(plan, "A1", at=T0 + timedelta(days=3), by="dc.shaw")
    assert done.action("A1").duty.state is DutyState.DONE
    with pytest.raises(InputError, match="field: strand"):
        add_action(
            plan,
            "A2",
            "punish",
            "x",
            owner="a",
            supervisor="b",
            due_at=T0,
            at=T0,
            by="c",
            policy=policy,
        )


def test_groups_without_a_current_plan_or_recent_disruption_are_flagged(policy) -> None:
    group = _active(policy)
    now = T0 + timedelta(days=policy.disruption_flag_days, seconds=1)
    kinds = {f.kind for f in group_flags(group, None, now, policy)}
    assert kinds == {FlagKind.NO_CURRENT_PLAN, FlagKind.NO_RECENT_DISRUPTION}
    plan = new_plan(
        "PL-1", group.group_id, {"prevent": "divert youths"}, at=now, by="di.khan", policy=policy
    )
    disrupted = record_disruption(
        group, Disruption("D1", now, "arrest", "major", "pursue", "s", "x"), policy
    )
    assert group_flags(disrupted, plan, now, policy) == []
    stale = now + timedelta(days=policy.plan_review_days, seconds=1)
    assert FlagKind.NO_CURRENT_PLAN in {f.kind for f in group_flags(disrupted, plan, stale, policy)}
    reviewed = review_plan(plan, at=stale, by="di.khan", policy=policy)
    assert reviewed.is_current(stale)


def test_share_of_active_groups_owned_and_planned(policy) -> None:
    a, b = _active(policy, "A"), _active(policy, "B")
    plan = new_plan("PL-A", "A", {"pursue": "x"}, at=T0, by="di.khan", policy=policy)
    share = active_groups_owned_and_planned([a, b], {"A": plan}, T0, policy)
    assert (share.numerator, share.denominator, share.value) == (1, 2, 0.5)
    assert active_groups_owned_and_planned([], {}, T0, policy) is None
    dist = caseload_distribution(caseloads([a, b], policy))
    assert dist.within_cap.value == 1.0 and dist.maximum == 2.0
