"""Measures of a run, and mean with a 95 % t-interval over replications."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from watchkeeper.simulation.engine import simulate
from watchkeeper.simulation.replicate import run_replications
from watchkeeper.simulation.results import backlog_series, estimate, summarise


def test_the_interval_is_the_t_interval_of_the_replication_means():
    got = estimate([1.0, 2.0, 3.0, 4.0])
    sd = np.std([1.0, 2.0, 3.0, 4.0], ddof=1)
    assert got.mean == 2.5
    assert got.half_width == pytest.approx(stats.t.ppf(0.975, 3) * sd / 2.0)
    assert got.half_width == pytest.approx(2.054, abs=1e-3)  # 3.182 x 1.291 / 2, by hand
    assert (got.low, got.high) == pytest.approx((2.5 - got.half_width, 2.5 + got.half_width))
    assert got.n == 4


def test_one_replication_has_a_mean_but_no_interval():
    got = estimate([0.7])
    assert got.mean == 0.7 and math.isnan(got.half_width) and got.n == 1
    assert estimate([]).n == 0


def _case(make_trace, make_roster, config):
    # One unit at km 0. Emergency at t=0, km 10: travel 10, attended at 10 (target 15),
    # the unit clears at 40 at km 10. A priority call (t=1, km 0) and a vulnerable
    # emergency (t=2, km 0) wait. At 40 the emergency goes first (higher grade): travel 10,
    # attended at 50 = 48 minutes after receipt, 33 late; the unit clears at 55 at km 0.
    # Then the priority call: dispatched at 55, travel 0, attended 54 minutes after
    # receipt (target 60): on time.
    trace = make_trace(
        [
            {"t": 0.0, "x": 10.0, "service": 30.0, "grade": 0, "risk": 20.0},
            {"t": 1.0, "x": 0.0, "service": 5.0, "grade": 1, "risk": 10.0},
            {"t": 2.0, "x": 0.0, "service": 5.0, "grade": 0, "risk": 30.0, "vulnerable": True},
        ]
    )
    result = simulate(trace, make_roster([{"x": 0.0}]), "status-quo", seed=0, config=config)
    return trace, result


def test_a_run_is_summarised_as_worked_out_by_hand(make_trace, make_roster, unit_speed_config):
    trace, result = _case(make_trace, make_roster, unit_speed_config)
    assert result.dispatched.tolist() == [0.0, 55.0, 40.0]
    m = summarise(trace, result, backlog_step=10.0).measures
    assert m["attended_within_target.emergency"] == 0.5
    assert m["attended_within_target.vulnerable"] == 0.0
    assert m["attended_within_target.not-vulnerable"] == 1.0
    assert m["attended_within_target.priority"] == 1.0
    assert m["queue_delay.p50"] == 38.0  # waits 0, 54, 38
    assert m["risk_weighted_lateness"] == pytest.approx(30.0 * 33.0 / 3)
    assert m["dispatched_share"] == 1.0


def test_the_backlog_counts_incidents_received_and_not_yet_dispatched(
    make_trace, make_roster, unit_speed_config
):
    _, result = _case(make_trace, make_roster, unit_speed_config)
    times, backlog = backlog_series(result, 10.0)
    assert times[:7].tolist() == [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
    assert backlog[:7].tolist() == [0.0, 2.0, 2.0, 2.0, 1.0, 1.0, 0.0]  # 40: one sent; 55: both


def test_replications_use_seed_plus_i_for_every_policy(make_trace, make_roster, bundled_sim_config):
    rows = [{"t": float(k * 7), "x": float(k % 5), "service": 20.0} for k in range(40)]
    noisy = bundled_sim_config.with_changes(travel_cv=0.4, service_cv=0.4)
    seen = []
    reps = run_replications(
        make_trace(rows),
        make_roster([{"x": 0.0}, {"x": 4.0}]),
        ["status-quo", "watchkeeper"],
        replications=3,
        seed=100,
        config=noisy,
        progress=lambda p, i, s: seen.append((p, i, s.seed)),
    )
    assert [s for _, _, s in seen] == [100, 100, 101, 101, 102, 102]
    estimates = reps.estimates()
    assert set(estimates) == {"status-quo", "watchkeeper"}
    assert estimates["status-quo"]["utilisation"].n == 3
    assert math.isfinite(estimates["watchkeeper"]["queue_delay.p90"].half_width)
