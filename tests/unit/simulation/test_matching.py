"""The Watchkeeper policy's matching picks what the dispatch recommender picks."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np

from watchkeeper.dispatch.config import SkillNeeds, bundled_dispatch_document, parse_dispatch_config
from watchkeeper.dispatch.demand import DispatchDemand
from watchkeeper.dispatch.recommender import recommend
from watchkeeper.dispatch.units import Unit, UnitKind, UnitStatus
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.simulation.matching import match, risk_now
from watchkeeper.simulation.state import RunState

SCALE = 100.0  # planar km encoded as a Point: lat = y / SCALE, lon = x / SCALE


class PlanarEstimator:
    """The simulator's travel model, answering the recommender's port."""

    def __init__(self, per_km: float, turnout: float) -> None:
        self.per_km, self.turnout = per_km, turnout

    def minutes(self, origin: Point, destination: Point, area_class: str) -> float:
        km = math.hypot(
            (destination.lon - origin.lon) * SCALE, (destination.lat - origin.lat) * SCALE
        )
        return self.turnout + km * self.per_km


def _point(z: complex) -> Point:
    return Point(z.imag / SCALE, z.real / SCALE)


def test_matching_agrees_with_the_dispatch_recommender(
    make_trace, make_roster, bundled_sim_config, force_profile: ForceProfile
):
    rng = np.random.default_rng(5)
    rows = [
        {
            "t": float(k),
            "x": float(x),
            "y": float(y),
            "service": 10.0,
            "grade": int(g),
            "risk": float(r),
            "skills": int(s),
        }
        for k, (x, y, g, r, s) in enumerate(
            zip(
                rng.uniform(-8, 8, 12),
                rng.uniform(-8, 8, 12),
                rng.integers(0, 2, 12),
                rng.uniform(0, 60, 12),
                rng.choice([1, 1, 1, 3], 12),
                strict=True,
            )
        )
    ]
    trace = make_trace(rows)
    units = [
        {"x": float(x), "y": float(y), "skills": sk}
        for x, y, sk in zip(
            rng.uniform(-8, 8, 5),
            rng.uniform(-8, 8, 5),
            [
                ("response",),
                ("response", "double-crewed"),
                ("response",),
                ("response",),
                ("response", "double-crewed"),
            ],
            strict=True,
        )
    ]
    roster = make_roster(units)
    config = bundled_sim_config
    state = RunState(trace, roster, config, seed=0)
    now = 40.0
    queued = np.arange(len(trace))
    scores = risk_now(trace, queued, now, config.risk_clock)
    ours = {(u, int(i)) for u, i in match(state, np.arange(len(roster)), queued, scores, now)}

    dispatch = parse_dispatch_config(bundled_dispatch_document())
    per_km = 60.0 / config.speed_urban_kmh * config.circuity
    at = trace.origin + timedelta(minutes=now)
    demands = [
        DispatchDemand(
            IncidentId(f"INC-{i:02d}"),
            float(scores[i]),
            trace.origin + timedelta(minutes=float(trace.received[i] + trace.target[i]))
            if math.isfinite(trace.target[i])
            else None,
            _point(complex(trace.x_km[i], trace.y_km[i])),
            "a",
            "urban",
            "general",
            SkillNeeds(
                frozenset({"response", "double-crewed"} if trace.skills[i] == 3 else {"response"})
            ),
        )
        for i in range(len(trace))
    ]
    fleet = [
        Unit(
            f"u{k}",
            UnitKind.VEHICLE,
            frozenset(u["skills"]),
            UnitStatus.AVAILABLE,
            _point(complex(u["x"], u["y"])),
            None,
            "a",
        )
        for k, u in enumerate(units)
    ]
    picked = recommend(
        demands, fleet, at, dispatch, PlanarEstimator(per_km, config.turnout_minutes)
    )
    theirs = {(int(p.unit[1:]), int(p.incident_id[4:])) for p in picked.picks}
    assert len(ours) == len(fleet)  # every unit is sent: more incidents than units
    assert ours == theirs
