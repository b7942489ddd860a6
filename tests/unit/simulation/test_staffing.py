"""Staffing search on an inline scenario: minimum units, policies, Erlang-C, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.dispatch.config import bundled_dispatch_document, parse_dispatch_config
from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.config import sim_config
from watchkeeper.simulation.staffing import (
    Demand,
    StaffingPlan,
    erlang_units,
    evaluate,
    flat_roster,
    search_staffing,
    smallest,
)
from watchkeeper.simulation.staffing_scenario import parse_staffing_scenario

SCENARIO = {
    "demand": {
        "source": "inline",
        "calls_per_hour": [4.0] * 24,
        "handling_median": 1.0,
        "handling_sigma": 0.2,
        "types": [
            {
                "name": "Assault",
                "share": 0.3,
                "grade": "emergency",
                "vulnerable": True,
                "target_minutes": 15,
                "travel_median": 5,
                "travel_sigma": 0.2,
                "on_scene_median": 40,
                "on_scene_sigma": 0.5,
                "risk": 20,
            },
            {
                "name": "Theft",
                "share": 0.7,
                "grade": "scheduled",
                "travel_median": 8,
                "on_scene_median": 30,
                "risk": 5,
            },
        ],
    },
    "staffing": {
        "shift_starts": [0, 8, 16],
        "shift_hours": 8,
        "max_units": 20,
        "days": 2,
        "policies": ["status-quo", "watchkeeper"],
        "targets": [
            {"name": "emergencies in 15", "grade": "emergency", "within_minutes": 15, "share": 0.9}
        ],
    },
}


def _scenario(**changes):
    doc = {"demand": dict(SCENARIO["demand"]), "staffing": dict(SCENARIO["staffing"])}
    for key, value in changes.items():
        section, field = key.split("__")
        doc[section][field] = value
    return parse_staffing_scenario(doc, Path("scenario.toml"))


def _config():
    from watchkeeper.analytics.slo_calibration import bundled_force_profile

    return sim_config(parse_dispatch_config(bundled_dispatch_document()), bundled_force_profile())


def test_bisection_finds_the_smallest_count_of_a_monotone_test():
    assert smallest(1, 60, lambda n: n >= 17) == 17
    assert smallest(1, 60, lambda n: n >= 1) == 1
    assert smallest(1, 60, lambda n: False) is None


def test_the_search_returns_the_fewest_units_meeting_the_target_for_each_policy():
    scenario = _scenario()
    answer = search_staffing(
        scenario.inline, scenario.plan, scenario.targets, config=_config(), replications=2, seed=3
    )
    assert {a.policy for a in answer.answers} == {"status-quo", "watchkeeper"}
    demand = Demand.draw(scenario.inline, scenario.plan, 2, 3)
    for row in answer.answers:
        n = row.units_per_shift
        assert n is not None and row.shares[0].mean >= 0.9
        if n > 1:  # one fewer unit per shift misses the target on the same demand
            below = evaluate(
                demand, scenario.targets, flat_roster(n - 1, scenario.plan), row.policy, _config()
            )
            assert below[0].mean < 0.9
    assert answer.best is not None


def test_more_demand_never_needs_fewer_units_and_erlang_c_gives_an_estimate():
    low, high = _scenario(), _scenario(demand__scale=2.0)
    config = _config()
    first = search_staffing(
        low.inline, low.plan, low.targets, config=config, replications=2, seed=3
    )
    second = search_staffing(
        high.inline, high.plan, high.targets, config=config, replications=2, seed=3
    )
    assert second.answers[0].units_per_shift >= first.answers[0].units_per_shift
    estimate = erlang_units(low.inline, low.plan, low.targets[0])
    assert estimate is not None and estimate >= 1


def test_a_target_travel_alone_cannot_meet_has_no_erlang_answer():
    scenario = _scenario(
        staffing__targets=[{"grade": "emergency", "within_minutes": 2, "share": 0.9}]
    )
    assert erlang_units(scenario.inline, scenario.plan, scenario.targets[0]) is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"demand__calls_per_hour": [4.0] * 23 + [-1.0]}, r"demand.calls_per_hour\[23\]"),
        (
            {"staffing__targets": [{"grade": "emergency", "within_minutes": 15, "share": 1.5}]},
            r"staffing.targets\[0\].share",
        ),
        (
            {"staffing__targets": [{"grade": "emergency", "within_minutes": -5, "share": 0.9}]},
            r"staffing.targets\[0\].within_minutes",
        ),
        ({"staffing__policies": ["fastest"]}, "staffing.policies"),
        ({"staffing__targets": []}, "staffing.targets"),
        ({"demand__scale": -2.0}, "demand.scale"),
        ({"demand__source": "somewhere"}, "demand.source"),
        (
            {"staffing__targets": [{"grade": "urgent", "within_minutes": 5, "share": 0.9}]},
            r"staffing.targets\[0\].grade",
        ),
    ],
)
def test_bad_scenarios_are_refused_naming_the_field(change, field):
    with pytest.raises(InputError, match=field):
        _scenario(**change)


def test_a_plan_with_an_inverted_unit_range_is_refused():
    with pytest.raises(InputError, match="min_units"):
        StaffingPlan(min_units=10, max_units=5)
