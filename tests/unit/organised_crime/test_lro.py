from __future__ import annotations

from datetime import timedelta

import pytest

from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.organised_crime.groups import change_state, new_group, rescore
from watchkeeper.organised_crime.lro import LoadStatus, assign_lro, caseload_of, caseloads, near_cap

from .conftest import T0, levels


def _scored(policy, gid, level="high", likelihood="high"):
    g = new_group(gid, gid, activities=("drugs",), reach=(), at=T0, by="x", policy=policy)
    g = rescore(g, levels(level, likelihood), at=T0, by="x", policy=policy)
    return change_state(g, "mapped", at=T0, by="x", reason="mapped", policy=policy)


def _give(policy, groups, officer, gid_prefix, n, level="high"):
    out = list(groups)
    for i in range(n):
        g = _scored(policy, f"{gid_prefix}{i}", level, "high" if level == "high" else "medium")
        out.append(
            assign_lro(
                g, officer, others=out, at=T0, by="supt", reason="tasking", policy=policy
            ).group
        )
    return out


def test_caseload_is_weighted_by_band(policy) -> None:
    groups = _give(policy, [], "di.khan", "A", 2)  # band A weighs 3
    groups = _give(policy, groups, "di.khan", "D", 2, level="low")  # band D weighs 0.5
    load = caseload_of("di.khan", groups, policy)
    assert load.weighted == 2 * 3 + 2 * 0.5
    assert load.status is LoadStatus.WITHIN


def test_an_assignment_reaching_the_warning_level_warns(policy) -> None:
    groups = _give(policy, [], "di.khan", "A", 3)  # 9 weighted; warn at 10
    g = _scored(policy, "NEXT")
    result = assign_lro(g, "di.khan", others=groups, at=T0, by="supt", reason="r", policy=policy)
    assert result.load_after.weighted == 12 and result.load_after.status is LoadStatus.NEAR_CAP
    assert result.warning and "near the caseload cap (12 of 12)" in result.warning


def test_an_assignment_beyond_the_cap_without_a_reason_is_refused(policy) -> None:
    groups = _give(policy, [], "di.khan", "A", 4)  # 12 = cap
    g = _scored(policy, "ONE-MORE")
    with pytest.raises(
        DomainRuleViolation, match=r"15 .* beyond the cap of 12; give an override reason"
    ):
        assign_lro(g, "di.khan", others=groups, at=T0, by="supt", reason="r", policy=policy)
    assert g.lro is None  # nothing changed


def test_an_override_reason_allows_going_beyond_the_cap_and_is_kept(policy) -> None:
    groups = _give(policy, [], "di.khan", "A", 4)
    g = _scored(policy, "ONE-MORE")
    result = assign_lro(
        g,
        "di.khan",
        others=groups,
        at=T0,
        by="supt",
        reason="r",
        policy=policy,
        override_reason="only DI with firearms-supply experience",
    )
    assert result.group.owners[-1].override_reason == "only DI with firearms-supply experience"
    assert result.load_after.status is LoadStatus.OVER_CAP
    loads = caseloads([*groups, result.group], policy)
    assert [c.officer for c in near_cap(loads)] == ["di.khan"]


def test_a_hand_over_is_recorded_with_the_previous_officer(policy) -> None:
    g = _scored(policy, "G1")
    g = assign_lro(g, "di.khan", others=[], at=T0, by="supt", reason="first", policy=policy).group
    g = change_state(g, "active", at=T0, by="x", reason="tasked", policy=policy)
    later = T0 + timedelta(days=30)
    g = assign_lro(
        g, "di.lowe", others=[], at=later, by="supt", reason="promotion", policy=policy
    ).group
    assert g.lro == "di.lowe"
    assert [(o.officer, o.previous) for o in g.owners] == [("di.khan", ""), ("di.lowe", "di.khan")]
    with pytest.raises(DomainRuleViolation, match="cannot predate"):
        assign_lro(g, "di.moss", others=[], at=T0, by="supt", reason="r", policy=policy)
    with pytest.raises(InputError, match="field: officer"):
        assign_lro(g, " ", others=[], at=later, by="supt", reason="r", policy=policy)


def test_archived_groups_do_not_count_towards_caseload(policy) -> None:
    groups = _give(policy, [], "di.khan", "A", 2)
    groups[0] = change_state(
        groups[0], "archived", at=T0, by="x", reason="dismantled", policy=policy
    )
    assert caseload_of("di.khan", groups, policy).weighted == 3
