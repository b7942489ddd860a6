"""The status quo's specialised loop gives exactly what the general engine path gives."""

from __future__ import annotations

import numpy as np
import pytest

from watchkeeper.simulation import fast_status_quo
from watchkeeper.simulation.engine import RunResult, simulate

FIELDS = ("dispatched", "arrived", "travel", "unit", "busy_minutes", "duty_minutes")


def _rows(
    seed: int, n: int, *, integer_times: bool, unknown: float, observed: float, crewed: float = 0.0
):
    rng = np.random.default_rng(seed)
    received = np.sort(rng.uniform(0.0, 2 * 1440.0, n))
    service = rng.exponential(60.0, n)
    if integer_times:  # many simultaneous arrivals, clears and shift changes
        received, service = np.floor(received), np.round(service)
    x, y = rng.uniform(-15, 15, n), rng.uniform(-10, 10, n)
    lost = rng.random(n) < unknown
    x[lost], y[lost] = np.nan, np.nan
    travel = np.where(rng.random(n) < observed, rng.uniform(1.0, 20.0, n), np.nan)
    skills = rng.choice([1, 1, 1, 1, 3, 5], n)
    crew = np.where(rng.random(n) < crewed, rng.choice([2, 2, 3], n), 1)
    crew = np.where(skills == 5, np.minimum(crew, 2), crew)  # one ARV, of two officers
    return [
        {
            "t": float(t),
            "x": float(a),
            "y": float(b),
            "service": float(s),
            "grade": int(g),
            "skills": int(k),
            "travel": float(v),
            "crew": int(c),
        }
        for t, a, b, s, g, k, v, c in zip(
            received, x, y, service, rng.integers(0, 3, n), skills, travel, crew, strict=True
        )
    ]


def _units(seed: int, m: int, *, crewed: bool = False):
    rng = np.random.default_rng(seed + 1)
    skills = [("response",), ("response", "double-crewed"), ("response", "arv")]
    centres = [(-8.0, 0.0), (0.0, 4.0), (9.0, -3.0)]
    units = []
    for k in range(m):
        x, y = centres[k % 3]  # several units share a position: ties by index matter
        units.append({
            "x": x if k % 2 else float(rng.uniform(-15, 15)),
            "y": y,
            "skills": skills[0 if k % 4 else 1] if k != 5 else skills[2],
            "start": float(rng.choice([0.0, 420.0, 840.0, 1320.0])),
            "hours": float(rng.choice([8.0, 10.0, 24.0])),
            "crew": (2 if k == 5 else int(rng.choice([1, 1, 2, 3]))) if crewed and k % 4 else None,
        })  # fmt: skip
    return units


def _both(monkeypatch, trace, roster, config, seed) -> tuple[RunResult, RunResult]:
    fast = simulate(trace, roster, "status-quo", seed=seed, config=config)
    with monkeypatch.context() as patch:
        patch.setattr(fast_status_quo, "applies", lambda roster: False)
        general = simulate(trace, roster, "status-quo", seed=seed, config=config)
    return fast, general


@pytest.mark.parametrize(
    ("seed", "units", "integer_times", "unknown", "observed", "noise"),
    [
        (1, 12, False, 0.0, 0.0, False),
        (2, 6, True, 0.0, 0.0, False),  # heavy queueing, simultaneous events
        (3, 20, False, 0.2, 0.1, False),  # no position / observed travel for some
        (4, 9, True, 0.1, 0.0, True),  # lognormal travel and on-scene noise
    ],
)
def test_the_fast_loop_matches_the_general_path_field_by_field(
    monkeypatch, make_trace, make_roster, bundled_sim_config,
    seed, units, integer_times, unknown, observed, noise,
):  # fmt: skip
    trace = make_trace(_rows(seed, 400, integer_times=integer_times, unknown=unknown,
                             observed=observed))  # fmt: skip
    roster = make_roster(_units(seed, units))
    config = bundled_sim_config.with_changes(travel_cv=0.3, service_cv=0.5) if noise else (
        bundled_sim_config
    )  # fmt: skip
    assert fast_status_quo.applies(roster)
    fast, general = _both(monkeypatch, trace, roster, config, seed)
    assert (fast.waits > 0).sum() > 10  # queues formed: the comparison is not trivial
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(fast, field), getattr(general, field), field)
    assert (fast.events, fast.end) == (general.events, general.end)


@pytest.mark.parametrize(
    ("seed", "units", "integer_times", "unknown", "observed", "noise"),
    [
        (11, 14, False, 0.0, 0.0, False),
        (12, 8, True, 0.0, 0.0, False),  # heavy queueing, simultaneous events
        (13, 20, False, 0.2, 0.1, True),  # no position / observed travel, noise
    ],
)
def test_the_fast_loop_matches_the_general_path_on_crewed_demand(
    monkeypatch, make_trace, make_roster, bundled_sim_config,
    seed, units, integer_times, unknown, observed, noise,
):  # fmt: skip
    # A third of incidents need 2 or 3 officers; units carry 1, 2 or 3.
    trace = make_trace(_rows(seed, 400, integer_times=integer_times, unknown=unknown,
                             observed=observed, crewed=0.35))  # fmt: skip
    roster = make_roster(_units(seed, units, crewed=True))
    config = bundled_sim_config.with_changes(travel_cv=0.3, service_cv=0.5) if noise else (
        bundled_sim_config
    )  # fmt: skip
    assert fast_status_quo.applies(roster)
    fast, general = _both(monkeypatch, trace, roster, config, seed)
    assert (fast.waits > 0).sum() > 10  # queues formed: the comparison is not trivial
    several = [i for i, crew in general.crews.items() if len(crew) > 1]
    assert len(several) >= 5  # crews of several units were sent: crewing is exercised
    assert any(trace.crew[i] > 1 and len(general.units_of(i)) == 1 for i in range(len(trace)))
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(fast, field), getattr(general, field), field)
    assert fast.crews == general.crews
    assert (fast.events, fast.end) == (general.events, general.end)
