"""Crewing: incidents needing two officers get one double-crewed unit or two singles.

Hand-worked cases (1 km = 1 minute, no turnout), both policies; the crewing rules and the
scenario keys that carry them.
"""

from __future__ import annotations

import pytest

from watchkeeper.dispatch.config import SkillNeeds
from watchkeeper.incidents.entries import Grade
from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.crewing import bundled_crew_rules, parse_crew_rules
from watchkeeper.simulation.engine import simulate
from watchkeeper.simulation.roster import UnitGroup, build_roster
from watchkeeper.simulation.state import complete_crew

POLICIES = ("status-quo", "watchkeeper")


@pytest.mark.parametrize("policy", POLICIES)
def test_two_single_crewed_units_go_together_and_attendance_counts_when_both_are_there(
    make_trace, make_roster, unit_speed_config, policy
):
    # Singles at km 2 and km 5; the incident at km 0 needs two officers: both go at t=0,
    # the crew is complete when the farther arrives (5), and both clear at 5 + 10.
    trace = make_trace([{"t": 0.0, "x": 0.0, "service": 10.0, "crew": 2}])
    roster = make_roster([{"x": 2.0}, {"x": 5.0}, {"x": 40.0}])
    result = simulate(trace, roster, policy, seed=0, config=unit_speed_config)
    assert result.units_of(0) == (0, 1)
    assert result.dispatched[0] == 0.0 and result.arrived[0] == 5.0
    assert result.unit[0] == 1  # the unit that completed the crew
    assert result.busy_minutes.tolist() == [15.0, 15.0, 0.0]
    assert result.officers_sent(roster.officers).tolist() == [2]


@pytest.mark.parametrize("policy", POLICIES)
def test_a_double_crewed_unit_goes_alone_rather_than_beside_a_nearer_single(
    make_trace, make_roster, unit_speed_config, policy
):
    trace = make_trace([{"t": 0.0, "x": 0.0, "service": 10.0, "crew": 2}])
    roster = make_roster([{"x": 1.0}, {"x": 3.0, "skills": ("response", "double-crewed")}])
    assert roster.officers.tolist() == [1, 2]
    result = simulate(trace, roster, policy, seed=0, config=unit_speed_config)
    assert result.units_of(0) == (1,)
    assert result.arrived[0] == 3.0
    assert result.busy_minutes.tolist() == [0.0, 13.0]


@pytest.mark.parametrize("policy", POLICIES)
def test_an_incident_needing_two_waits_for_a_second_officer_rather_than_going_short(
    make_trace, make_roster, unit_speed_config, policy
):
    # Incident 0 (one officer) takes unit 0 until 10. Incident 1 (two officers) at t=1
    # finds only unit 1 ready: it waits, and both go when unit 0 clears at 10.
    trace = make_trace(
        [
            {"t": 0.0, "x": 0.0, "service": 10.0},
            {"t": 1.0, "x": 0.0, "service": 5.0, "crew": 2},
        ]
    )
    roster = make_roster([{"x": 0.0}, {"x": 4.0}])
    result = simulate(trace, roster, policy, seed=0, config=unit_speed_config)
    assert result.units_of(0) == (0,)
    assert result.dispatched[1] == 10.0
    assert set(result.units_of(1)) == {0, 1}
    assert result.arrived[1] == 14.0  # unit 1 from km 4


def test_status_quo_lets_a_later_one_officer_call_past_an_uncrewable_one(
    make_trace, make_roster, unit_speed_config
):
    # One unit: the two-officer incident (t=1) cannot be crewed until the second unit
    # comes on duty at 60; the one-officer incident received later goes first.
    trace = make_trace(
        [
            {"t": 0.0, "x": 0.0, "service": 5.0},
            {"t": 1.0, "x": 0.0, "service": 5.0, "crew": 2},
            {"t": 2.0, "x": 0.0, "service": 5.0},
        ]
    )
    roster = make_roster([{"x": 0.0}, {"x": 0.0, "start": 60.0, "hours": 8.0}])
    result = simulate(trace, roster, "status-quo", seed=0, config=unit_speed_config)
    assert result.dispatched.tolist() == [0.0, 60.0, 5.0]
    assert set(result.units_of(1)) == {0, 1}


def test_demand_the_whole_roster_could_not_crew_is_refused_naming_the_record(
    make_trace, make_roster, unit_speed_config
):
    trace = make_trace([{"t": 0.0, "x": 0.0, "service": 1.0}, {"t": 1.0, "service": 1.0,
                                                                 "crew": 3}])  # fmt: skip
    roster = make_roster([{"x": 0.0}, {"x": 1.0}])
    with pytest.raises(InputError, match=r"trace record 1: 'crew' needs 3 officers .* carry 2"):
        simulate(trace, roster, "status-quo", seed=0, config=unit_speed_config)


def test_a_trace_crew_below_one_is_refused_naming_the_column(make_trace):
    with pytest.raises(InputError, match=r"trace record 0: 'crew' must be at least 1"):
        make_trace([{"t": 0.0, "service": 1.0, "crew": 0}])


def test_complete_crew_takes_the_nearest_that_make_up_the_crew_and_drops_the_spare():
    officers = [1, 2, 1, 1, 3]
    assert complete_crew([0, 2, 3], officers, 2) == [0, 2]
    assert complete_crew([0, 1, 2], officers, 2) == [1]  # the double alone
    assert complete_crew([0, 2, 4], officers, 3) == [4]
    assert complete_crew([0, 2, 1], officers, 3) == [2, 1]  # 1 + 2 = 3: unit 0 is spare
    assert complete_crew([0, 2], officers, 3) == []
    assert complete_crew([3], officers, 1) == [3]


def test_unit_crews_default_from_the_double_crewed_skill_and_are_checked():
    groups = [
        UnitGroup("a", 2, ("response",)),
        UnitGroup("a", 1, ("response", "double-crewed")),
        UnitGroup("a", 1, ("response", "arv"), crew=3),
    ]
    roster = build_roster(groups, ("response", "double-crewed", "arv"), {"a": (0.0, 0.0)})
    assert roster.officers.tolist() == [1, 1, 2, 3]
    with pytest.raises(InputError, match=r"roster.units\[0\].crew is 1 but .*double-crewed"):
        build_roster(
            [UnitGroup("a", 1, ("response", "double-crewed"), crew=1)],
            ("response", "double-crewed"),
            {"a": (0.0, 0.0)},
        )
    with pytest.raises(InputError, match=r"roster.units\[0\].crew must be 1 to 12"):
        build_roster([UnitGroup("a", 1, ("response",), crew=0)], ("response",), {"a": (0, 0)})


def test_crewing_rules_take_the_largest_that_applies():
    rules = bundled_crew_rules()
    plain = SkillNeeds(frozenset({"response"}))
    assert rules.officers_for(Grade.EMERGENCY, "burglary", (), plain) == 1
    assert rules.officers_for(Grade.PRIORITY, "domestic-abuse", (), plain) == 2
    assert rules.officers_for(Grade.SCHEDULED, "burglary", ("domestic-abuse",), plain) == 2
    double = SkillNeeds(frozenset({"response", "double-crewed"}))
    assert rules.officers_for(Grade.SCHEDULED, "burglary", (), double) == 2
    three_units = SkillNeeds(frozenset({"response"}), crewing=3)
    assert rules.officers_for(Grade.SCHEDULED, "burglary", (), three_units) == 3


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        ({"default": 1}, "'crewing.source'"),
        ({"source": "x", "default": 0}, "'crewing.default'"),
        ({"source": "x", "categories": {"weapons": 2}}, "'crewing.categories.source'"),
        (
            {"source": "x", "categories": {"source": "y", "weapons": 1.5}},
            "'crewing.categories.weapons'",
        ),
        ({"source": "x", "grades": {"source": "y", "urgent": 2}}, "'crewing.grades.urgent'"),
    ],
)
def test_bad_crewing_rules_are_refused_naming_the_key(doc, key):
    with pytest.raises(InputError, match=key):
        parse_crew_rules(doc)
