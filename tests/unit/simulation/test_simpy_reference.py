"""The engine and the plain SimPy model of the status quo give identical waits."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from watchkeeper.simulation.engine import simulate
from watchkeeper.simulation.roster import UnitGroup, build_roster

pytest.importorskip("simpy", reason="simpy is a dev dependency (the benchmark's reference)")
REFERENCE = Path(__file__).resolve().parents[3] / "benchmarks" / "simpy_reference.py"


def _simpy_waits():
    spec = importlib.util.spec_from_file_location("simpy_reference", REFERENCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.simpy_waits


def test_every_wait_is_identical_to_the_simpy_model_on_a_small_trace(
    make_trace, bundled_sim_config
):
    rng = np.random.default_rng(42)
    n = 300
    received = np.sort(rng.uniform(0.0, 3 * 1440.0, n))
    rows = [
        {
            "t": float(t),
            "x": float(x),
            "y": float(y),
            "service": float(s),
            "grade": int(g),
            "skills": int(k),
        }
        for t, x, y, s, g, k in zip(
            received,
            rng.uniform(-12, 12, n),
            rng.uniform(-12, 12, n),
            rng.exponential(70.0, n),
            rng.integers(0, 3, n),
            rng.choice([1, 1, 1, 3], n),
            strict=True,
        )
    ]
    trace = make_trace(rows)
    groups = [
        UnitGroup("a", 3, ("response", "double-crewed"), 7 * 60.0, 10.0, position=(-5.0, 0.0)),
        UnitGroup("a", 3, ("response",), 17 * 60.0, 14.0, position=(5.0, 0.0)),
        UnitGroup("a", 2, ("response",), 0.0, 24.0, position=(0.0, 5.0)),
        UnitGroup("a", 2, ("response", "double-crewed"), 22 * 60.0, 10.0, position=(0.0, -5.0)),
    ]
    roster = build_roster(groups, trace.skill_names, {})
    assert len(roster) == 10
    ours = simulate(trace, roster, "status-quo", seed=0, config=bundled_sim_config).waits
    theirs = np.array(_simpy_waits()(trace, roster, bundled_sim_config))
    assert (ours > 0).sum() > 20  # queues formed: the comparison is not trivial
    np.testing.assert_array_equal(ours, theirs)
