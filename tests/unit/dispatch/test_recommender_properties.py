"""Properties of the recommender on random instances (Hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.dispatch.config import SkillNeeds, bundled_dispatch_document, parse_dispatch_config
from watchkeeper.dispatch.demand import DispatchDemand
from watchkeeper.dispatch.recommender import greedy_nearest, recommend
from watchkeeper.dispatch.travel import StraightLineEstimator
from watchkeeper.dispatch.units import Unit, UnitKind, UnitStatus
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import IncidentId

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
CONFIG = parse_dispatch_config(bundled_dispatch_document())
PURE = dataclasses.replace(
    CONFIG,
    weights=dataclasses.replace(
        CONFIG.weights, travel_weight=0.0, serve_bonus=0.0, preferred_skill_travel_minutes=0.0
    ),
)
ESTIMATOR = StraightLineEstimator(CONFIG.travel)
SKILL_SETS = [("response",), ("response", "arv"), ("response", "da-trained"), ("arv",)]

points = st.builds(
    Point, st.floats(52.35, 52.60, allow_nan=False), st.floats(-2.05, -1.70, allow_nan=False)
)


@st.composite
def units(draw):
    n = draw(st.integers(0, 6))
    out = []
    for i in range(n):
        status = draw(st.sampled_from([UnitStatus.AVAILABLE] * 3 + list(UnitStatus)))
        shift = draw(st.one_of(st.none(), st.integers(1, 120)))
        out.append(
            Unit(
                f"U{i}",
                UnitKind.VEHICLE,
                frozenset(draw(st.sampled_from(SKILL_SETS))),
                status,
                draw(st.one_of(st.none(), points, points, points)),
                None if shift is None else NOW + timedelta(minutes=shift),
                "north",
            )
        )
    return out


@st.composite
def demands(draw):
    n = draw(st.integers(0, 7))
    out = []
    for i in range(n):
        required = frozenset(draw(st.sampled_from([("response",), ("response", "arv")])))
        preferred = frozenset(draw(st.sampled_from([(), ("da-trained",)])))
        minutes = draw(st.one_of(st.none(), st.integers(-30, 90)))
        out.append(
            DispatchDemand(
                IncidentId(f"INC-{i}"),
                draw(st.floats(0, 100, allow_nan=False)),
                None if minutes is None else NOW + timedelta(minutes=minutes),
                draw(st.one_of(st.none(), points, points, points)),
                "north",
                draw(st.sampled_from(["urban", "rural"])),
                "violence",
                SkillNeeds(required, preferred, draw(st.integers(1, 2))),
            )
        )
    return sorted(out, key=lambda d: -d.score)  # greedy takes them in risk order


@settings(max_examples=150, deadline=None)
@given(demands(), units())
def test_the_recommender_is_never_worse_than_greedy_nearest_unit(ds, us):
    best = recommend(ds, us, NOW, PURE, ESTIMATOR)
    greedy = greedy_nearest(ds, us, NOW, PURE, ESTIMATOR)
    assert best.weighted_lateness <= greedy.weighted_lateness + 1e-6 * (
        1 + greedy.weighted_lateness
    )


@settings(max_examples=100, deadline=None)
@given(demands(), units())
def test_with_tie_breakers_the_recommender_is_worse_than_greedy_by_at_most_their_weight(ds, us):
    # The tie-breakers (travel, preferred skills, serve bonus) can trade lateness only up
    # to their own total size; the bound below is that size for both solutions.
    best = recommend(ds, us, NOW, CONFIG, ESTIMATOR)
    greedy = greedy_nearest(ds, us, NOW, CONFIG, ESTIMATOR)
    w = CONFIG.weights
    per_pick = w.travel_weight * (2 * w.preferred_skill_travel_minutes) + w.serve_bonus
    travel = sum(p.arrival_minutes for p in (*best.picks, *greedy.picks))
    bound = w.travel_weight * travel + per_pick * (len(best.picks) + len(greedy.picks))
    assert best.weighted_lateness <= greedy.weighted_lateness + bound + 1e-6


@settings(max_examples=150, deadline=None)
@given(demands(), units())
def test_no_unit_is_sent_twice_and_no_pick_is_infeasible(ds, us):
    result = recommend(ds, us, NOW, CONFIG, ESTIMATOR)
    sent = [p.unit for p in result.picks]
    assert len(sent) == len(set(sent))
    by_sign = {u.call_sign: u for u in us}
    by_id = {d.incident_id: d for d in ds}
    for pick in result.picks:
        unit, demand = by_sign[pick.unit], by_id[pick.incident_id]
        assert unit.status is UnitStatus.AVAILABLE and unit.position is not None
        assert demand.location is not None
        assert demand.needs.required <= unit.skills
        assert pick.arrival_minutes <= unit.minutes_left_on_shift(NOW)
    for d in ds:
        assert len(result.picks_for(d.incident_id)) <= d.needs.crewing


@settings(max_examples=150, deadline=None)
@given(demands(), units())
def test_every_pick_and_every_shortfall_carries_reasons(ds, us):
    result = recommend(ds, us, NOW, CONFIG, ESTIMATOR)
    for pick in result.picks:
        assert {"risk", "travel-estimate", "skill-match"} <= set(pick.codes)
        assert {"on-time", "late-by", "no-deadline"} & set(pick.codes)
    short = {s.incident_id: s for s in result.shortfalls}
    for d in ds:
        missing = d.needs.crewing - len(result.picks_for(d.incident_id))
        if missing:
            assert short[d.incident_id].units_short == missing
            assert short[d.incident_id].reasons
        else:
            assert d.incident_id not in short


@settings(max_examples=60, deadline=None)
@given(demands(), units())
def test_the_same_inputs_give_the_same_recommendation(ds, us):
    assert recommend(ds, us, NOW, CONFIG, ESTIMATOR) == recommend(ds, us, NOW, CONFIG, ESTIMATOR)
