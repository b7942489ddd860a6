"""The engine on cases small enough to work out by hand (1 km = 1 minute, no turnout)."""

from __future__ import annotations

import numpy as np
import pytest

from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.engine import simulate


def test_two_units_three_incidents_are_served_as_worked_out_by_hand(
    make_trace, make_roster, unit_speed_config
):
    # Unit 0 at km 0, unit 1 at km 10. Incident 0 (t=0, km 1) -> unit 0, travel 1, clears
    # at 11. Incident 1 (t=2, km 9) -> unit 1 (unit 0 busy), travel 1, clears at 2+1+5 = 8.
    # Incident 2 (t=3, km 5): nobody ready, waits; unit 1 clears at 8 at km 9, travel 4.
    trace = make_trace(
        [
            {"t": 0.0, "x": 1.0, "service": 10.0},
            {"t": 2.0, "x": 9.0, "service": 5.0},
            {"t": 3.0, "x": 5.0, "service": 1.0},
        ]
    )
    roster = make_roster([{"x": 0.0}, {"x": 10.0}])
    result = simulate(trace, roster, "status-quo", seed=0, config=unit_speed_config)
    assert result.unit.tolist() == [0, 1, 1]
    assert result.dispatched.tolist() == [0.0, 2.0, 8.0]
    assert result.arrived.tolist() == [1.0, 3.0, 12.0]
    assert result.waits.tolist() == [0.0, 0.0, 5.0]
    assert result.busy_minutes.tolist() == [11.0, 6.0 + 5.0]
    assert result.end == 13.0


def test_status_quo_serves_the_higher_grade_first_even_when_it_called_later(
    make_trace, make_roster, unit_speed_config
):
    trace = make_trace(
        [
            {"t": 0.0, "x": 1.0, "service": 9.0},  # keeps the only unit busy until 10
            {"t": 1.0, "x": 1.0, "service": 1.0, "grade": 1},  # priority, waits
            {"t": 2.0, "x": 1.0, "service": 1.0, "grade": 0},  # emergency, waits
        ]
    )
    result = simulate(
        trace, make_roster([{"x": 0.0}]), "status-quo", seed=0, config=unit_speed_config
    )
    assert result.dispatched[2] == 10.0  # emergency first
    assert result.dispatched[1] == 11.0  # then the priority call (travel 0, service 1)


def test_within_a_grade_the_status_quo_is_first_come_first_served(
    make_trace, make_roster, unit_speed_config
):
    trace = make_trace(
        [
            {"t": 0.0, "x": 0.0, "service": 5.0},
            {"t": 1.0, "x": 0.0, "service": 1.0, "risk": 1.0},
            {"t": 2.0, "x": 0.0, "service": 1.0, "risk": 50.0},
        ]
    )
    result = simulate(
        trace, make_roster([{"x": 0.0}]), "status-quo", seed=0, config=unit_speed_config
    )
    assert result.dispatched.tolist() == [0.0, 5.0, 6.0]


def test_watchkeeper_sends_the_free_unit_to_the_higher_risk_incident_first(
    make_trace, make_roster, unit_speed_config
):
    trace = make_trace(
        [
            {"t": 0.0, "x": 0.0, "service": 5.0},
            {"t": 1.0, "x": 0.0, "service": 1.0, "risk": 1.0},
            {"t": 2.0, "x": 0.0, "service": 1.0, "risk": 50.0},
        ]
    )
    result = simulate(
        trace, make_roster([{"x": 0.0}]), "watchkeeper", seed=0, config=unit_speed_config
    )
    assert result.dispatched.tolist() == [0.0, 6.0, 5.0]


def test_an_incident_needing_a_skill_waits_for_a_unit_that_holds_it(
    make_trace, make_roster, unit_speed_config
):
    arv = 0b101  # response + arv
    trace = make_trace(
        [
            {"t": 0.0, "x": 20.0, "service": 4.0},  # the ARV (km 20) is nearest: it goes
            {"t": 1.0, "x": 0.0, "service": 1.0, "skills": arv},  # needs the ARV, not unit 0
        ]
    )
    roster = make_roster([{"x": 0.0}, {"x": 20.0, "skills": ("response", "arv")}])
    result = simulate(trace, roster, "status-quo", seed=0, config=unit_speed_config)
    assert result.unit.tolist() == [1, 1]
    assert result.dispatched[1] == 4.0  # when the ARV clears, though unit 0 was free


def test_an_incident_waits_for_the_next_shift_when_nobody_is_on_duty(
    make_trace, make_roster, unit_speed_config
):
    trace = make_trace([{"t": 30.0, "x": 2.0, "service": 10.0}])
    roster = make_roster([{"x": 0.0, "start": 60.0, "hours": 8.0}])  # on from 01:00
    result = simulate(trace, roster, "status-quo", seed=0, config=unit_speed_config)
    assert result.dispatched.tolist() == [60.0]
    assert result.arrived.tolist() == [62.0]


def test_a_unit_off_duty_after_its_shift_is_not_sent(make_trace, make_roster, unit_speed_config):
    trace = make_trace(
        [
            {"t": 10.0, "x": 1.0, "service": 1.0},
            {"t": 100.0, "x": 1.0, "service": 1.0},  # unit 0's shift ended at 60
        ]
    )
    roster = make_roster([{"x": 0.0, "start": 0.0, "hours": 1.0}, {"x": 50.0}])
    result = simulate(trace, roster, "status-quo", seed=0, config=unit_speed_config)
    assert result.unit.tolist() == [0, 1]
    assert result.duty_minutes[0] == pytest.approx(60.0)


@pytest.mark.parametrize("policy", ["status-quo", "watchkeeper"])
def test_the_same_seed_gives_the_same_run_and_another_seed_another(
    policy, make_trace, make_roster, bundled_sim_config
):
    rng = np.random.default_rng(3)
    rows = [
        {"t": float(t), "x": float(x), "y": float(y), "service": 30.0, "grade": int(g)}
        for t, x, y, g in zip(
            np.sort(rng.uniform(0, 600, 60)),
            rng.uniform(-5, 5, 60),
            rng.uniform(-5, 5, 60),
            rng.integers(0, 3, 60),
            strict=True,
        )
    ]
    roster = make_roster([{"x": -2.0}, {"x": 2.0}, {"y": 3.0}])
    noisy = bundled_sim_config.with_changes(travel_cv=0.3, service_cv=0.3)
    trace = make_trace(rows)
    first = simulate(trace, roster, policy, seed=11, config=noisy)
    again = simulate(trace, roster, policy, seed=11, config=noisy)
    other = simulate(trace, roster, policy, seed=12, config=noisy)
    np.testing.assert_array_equal(first.dispatched, again.dispatched)
    np.testing.assert_array_equal(first.unit, again.unit)
    assert not np.array_equal(first.arrived, other.arrived)


def test_an_unknown_policy_is_refused_by_name(make_trace, make_roster, unit_speed_config):
    trace = make_trace([{"t": 0.0, "service": 1.0}])
    with pytest.raises(InputError, match="unknown policy 'fastest'"):
        simulate(trace, make_roster([{}]), "fastest", seed=0, config=unit_speed_config)


def test_demand_no_rostered_unit_can_meet_is_refused_naming_the_record(
    make_trace, make_roster, unit_speed_config
):
    trace = make_trace([{"t": 0.0, "service": 1.0}, {"t": 1.0, "service": 1.0, "skills": 0b101}])
    with pytest.raises(InputError, match=r"trace record 1: 'skills' needs \['response', 'arv'\]"):
        simulate(trace, make_roster([{}]), "status-quo", seed=0, config=unit_speed_config)


def test_an_incident_with_no_position_takes_the_first_ready_unit_and_the_fallback_travel(
    make_trace, make_roster, unit_speed_config
):
    trace = make_trace([{"t": 0.0, "x": float("nan"), "y": float("nan"), "service": 1.0}])
    roster = make_roster([{"x": 5.0}, {"x": 0.0}])
    for policy in ("status-quo", "watchkeeper"):
        result = simulate(trace, roster, policy, seed=0, config=unit_speed_config)
        assert result.unit.tolist() == [0]
        assert result.travel.tolist() == [unit_speed_config.unknown_travel_minutes]
