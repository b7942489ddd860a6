"""The Watchkeeper policy's decision: risk now, and the recommender's exact matching.

The objective is the dispatch recommender's (``dispatch/recommender.py``): for each pair
``score x max(0, travel - minutes to deadline)`` relative to leaving the incident unserved
(scored as a unit arriving ``recommender.unserved_arrival_minutes`` from now), plus the
travel tie-breaker and minus the bonus for sending any suitable unit; every ready unit may
also stay free at cost 0. It is solved with ``scipy.optimize.linear_sum_assignment``.
Array-level here because the simulator calls it hundreds of thousands of times; a unit
test checks it picks what ``dispatch.recommender.recommend`` picks. Preferred skills are
not modelled by the simulator. Crewing: a pair is feasible only when the unit alone
carries the officers the incident needs; incidents needing several units are crewed after
the matching (``policies.Watchkeeper``).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from watchkeeper.simulation.config import RiskClock, SimConfig
from watchkeeper.simulation.state import RunState
from watchkeeper.simulation.trace import BoolArray, FloatArray, IntArray, Trace

INFEASIBLE_COST = 1e12  # as dispatch.recommender: finite, far above any real cost


def risk_now(trace: Trace, queued: IntArray, t: float, clock: RiskClock) -> FloatArray:
    """Risk score of queued incidents at ``t`` (``incidents.risk.score_features``' formula)."""
    waited = t - trace.received[queued]
    target = trace.target[queued]
    waiting = np.minimum(
        np.maximum(waited, 0.0) / target * clock.waiting_points_at_target,
        clock.waiting_points_cap,
    )
    scores: FloatArray = trace.risk[queued] + waiting
    scores += np.where(waited > target, clock.breach_points, 0.0)
    scores += np.where(waited > clock.no_contact_after_minutes, clock.no_contact_points, 0.0)
    return scores


def travel_estimates(state: RunState, units: IntArray, queued: IntArray) -> FloatArray:
    """Estimated minutes for every (ready unit, queued incident) pair."""
    trace, config = state.trace, state.config
    here = state.unit_positions()[units]
    distance: FloatArray = np.abs(here[:, None] - state.positions[queued][None, :])
    travel = config.turnout_minutes + distance * state.minutes_per_km[queued][None, :]
    travel = np.where(np.isnan(distance), config.unknown_travel_minutes, travel)
    observed = trace.travel[queued][None, :]
    estimates: FloatArray = np.where(np.isnan(observed), travel, observed)
    return estimates


def pair_costs(
    travel: FloatArray,
    feasible: BoolArray,
    scores: FloatArray,
    minutes_to_deadline: FloatArray,
    config: SimConfig,
) -> FloatArray:
    """Cost of each pair against leaving the incident unserved; large where infeasible."""
    w = config.weights
    late = np.maximum(0.0, travel - minutes_to_deadline[None, :])
    unserved = np.maximum(0.0, w.unserved_arrival_minutes - minutes_to_deadline)
    cost = scores * late - (scores * unserved)[None, :] + w.travel_weight * travel - w.serve_bonus
    out: FloatArray = np.where(feasible, cost, INFEASIBLE_COST)
    return out


def single_cost(
    travel: float, score: float, minutes_to_deadline: float, config: SimConfig
) -> float:
    """:func:`pair_costs` for one feasible pair, in scalars."""
    w = config.weights
    late = max(0.0, travel - minutes_to_deadline)
    unserved = max(0.0, w.unserved_arrival_minutes - minutes_to_deadline)
    return score * late - score * unserved + w.travel_weight * travel - w.serve_bonus


def _solve(cost: FloatArray, feasible: BoolArray) -> list[tuple[int, int]]:
    """Optimal (row, column) pairs where each row may also stay free at cost 0."""
    rows, cols = cost.shape
    if rows == 1:
        c = int(cost[0].argmin())
        return [(0, c)] if feasible[0, c] and cost[0, c] < 0 else []
    if cols == 1:
        r = int(cost[:, 0].argmin())
        return [(r, 0)] if feasible[r, 0] and cost[r, 0] < 0 else []
    picked_rows, picked_cols = linear_sum_assignment(np.hstack([cost, np.zeros((rows, rows))]))
    return [
        (int(r), int(c))
        for r, c in zip(picked_rows, picked_cols, strict=True)
        if c < cols and feasible[r, c] and cost[r, c] < 0
    ]


def match(
    state: RunState, units: IntArray, queued: IntArray, scores: FloatArray, t: float
) -> list[tuple[int, int]]:
    """(unit, position in ``queued``) pairs to send now."""
    trace = state.trace
    need = trace.skills[queued]
    feasible = (state.roster.skills[units][:, None] & need[None, :]) == need[None, :]
    feasible &= state.roster.officers[units][:, None] >= trace.crew[queued][None, :]
    rows = np.flatnonzero(feasible.any(axis=1))
    cols = np.flatnonzero(feasible.any(axis=0))
    if rows.size == 0 or cols.size == 0:
        return []
    units, queued, scores = units[rows], queued[cols], scores[cols]
    feasible = feasible[np.ix_(rows, cols)]
    travel = travel_estimates(state, units, queued)
    to_deadline = trace.target[queued] - (t - trace.received[queued])
    cost = pair_costs(travel, feasible, scores, to_deadline, state.config)
    return [(int(units[r]), int(cols[c])) for r, c in _solve(cost, feasible)]
