"""Recommended assignments: units to open incidents, minimising risk-weighted lateness.

The objective, for the demands at ``now``::

    sum over units sent      score x max(0, arrival - minutes to deadline)
  + sum over units not sent  score x max(0, U - minutes to deadline)

where ``U`` is ``recommender.unserved_arrival_minutes`` (a unit left unsent is scored as
if one arrived that late). Small tie-breakers follow: travel minutes, preferred skills
matched, and a bonus for sending any suitable unit. It is solved exactly with
``scipy.optimize.linear_sum_assignment`` on a matrix of candidate units x demand slots
(one slot per unit of crewing) plus one "stay free" column per unit at cost 0, so a
unit is sent only when that lowers the total. Infeasible pairs get a large finite cost
and are dropped if ever picked. :func:`greedy_nearest` is the baseline: each demand in
the order given takes its nearest feasible free unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from watchkeeper.dispatch.config import DispatchConfig, RecommenderWeights
from watchkeeper.dispatch.demand import DispatchDemand
from watchkeeper.dispatch.pairing import IntArray, PairTable, build_pairs
from watchkeeper.dispatch.reasons import (
    NearestOthers,
    Pick,
    Reason,
    Recommendation,
    Shortfall,
    pick_reasons,
    shortfall_reasons,
    unit_gaps,
)
from watchkeeper.dispatch.travel import FloatArray, StraightLineEstimator, TravelEstimator
from watchkeeper.dispatch.units import Unit
from watchkeeper.kernel.clock import ensure_utc

INFEASIBLE_COST = 1e12  # finite, far above any real cost (score x minutes ~ 1e6)


def unserved_lateness(table: PairTable, weights: RecommenderWeights) -> FloatArray:
    """Minutes late per demand if no unit is sent (scored as arriving at ``U``)."""
    late: FloatArray = np.maximum(0.0, weights.unserved_arrival_minutes - table.minutes_to_deadline)
    return late


def _pair_costs(table: PairTable, weights: RecommenderWeights) -> FloatArray:
    """Cost of each pair relative to leaving the demand unserved; large where infeasible."""
    gain = table.scores * unserved_lateness(table, weights)
    travel = np.where(table.feasible, table.travel, 0.0)  # inf travel only where infeasible
    late = np.where(table.feasible, table.lateness, 0.0)
    tie = weights.travel_weight * (
        travel - weights.preferred_skill_travel_minutes * table.preferred_matched
    )
    cost = table.scores * late - gain[np.newaxis, :] + tie - weights.serve_bonus
    out: FloatArray = np.where(table.feasible, cost, INFEASIBLE_COST)
    return out


def _solve(table: PairTable, weights: RecommenderWeights) -> list[tuple[int, int]]:
    """Optimal (candidate row, demand column) pairs; several per column under crewing."""
    rows = np.flatnonzero(table.feasible.any(axis=1))
    cols = np.flatnonzero(table.feasible.any(axis=0))
    if rows.size == 0 or cols.size == 0:
        return []
    crewing = np.array([table.demands[c].needs.crewing for c in cols], dtype=np.int64)
    slot_cols: IntArray = np.repeat(cols, crewing)
    costs = _pair_costs(table, weights)[np.ix_(rows, slot_cols)]
    stay_free = np.zeros((rows.size, rows.size), dtype=np.float64)
    from scipy.optimize import linear_sum_assignment  # lazy: keeps CLI start-up fast

    picked_rows, picked_slots = linear_sum_assignment(np.hstack([costs, stay_free]))
    pairs = []
    for r, s in zip(picked_rows, picked_slots, strict=True):
        if s < slot_cols.size and table.feasible[rows[r], slot_cols[s]]:
            pairs.append((int(rows[r]), int(slot_cols[s])))
    return pairs


def _greedy(table: PairTable) -> list[tuple[int, int]]:
    """Each demand in order takes its nearest feasible free unit, once per unit of crewing."""
    free = np.ones(len(table.candidates), dtype=np.bool_)
    pairs = []
    for col, demand in enumerate(table.demands):
        for _ in range(demand.needs.crewing):
            options = np.where(free & table.feasible[:, col], table.travel[:, col], np.inf)
            row = int(np.argmin(options)) if options.size else 0
            if options.size == 0 or not np.isfinite(options[row]):
                break
            free[row] = False
            pairs.append((row, col))
    return pairs


def _assemble(
    table: PairTable,
    pairs: list[tuple[int, int]],
    units: Sequence[Unit],
    context: tuple[datetime, str, RecommenderWeights],
) -> Recommendation:
    now, method, weights = context
    filled: dict[int, int] = {}
    lateness = table.lateness
    picks = []
    for row, col in sorted(pairs, key=lambda p: (p[1], table.travel[p[0], p[1]], p[0])):
        filled[col] = filled.get(col, 0) + 1
        demand = table.demands[col]
        reasons = pick_reasons(table, row, col, filled[col])
        late = float(lateness[row, col])
        arrival = float(table.travel[row, col])
        picks.append(
            Pick(demand.incident_id, table.candidates[row].call_sign, arrival, late, reasons)
        )
    taken_by = dict(pairs)
    nearest_others = NearestOthers.of(table, taken_by)
    gaps: dict[frozenset[str], list[Reason]] = {}
    unserved = unserved_lateness(table, weights)
    shortfalls, total = [], 0.0
    for col, demand in enumerate(table.demands):
        short = demand.needs.crewing - filled.get(col, 0)
        total += float(table.scores[col] * unserved[col]) * short
        if short > 0:
            required = demand.needs.required
            if required not in gaps:  # once per distinct skill set, not once per incident
                gaps[required] = unit_gaps(required, units, now)
            found = gaps[required]
            why = shortfall_reasons(table, col, found, taken_by, nearest_others)
            shortfalls.append(Shortfall(demand.incident_id, short, demand.needs.crewing, why))
    total += sum(float(table.scores[c] * lateness[r, c]) for r, c in pairs)
    return Recommendation(now, method, tuple(picks), tuple(shortfalls), float(total))


def _inputs(
    demands: Sequence[DispatchDemand],
    units: Sequence[Unit],
    now: datetime,
    config: DispatchConfig,
    estimator: TravelEstimator | None,
) -> tuple[PairTable, datetime]:
    seen: set[str] = set()
    for unit in units:
        if unit.call_sign in seen:
            raise ValueError(f"unit {unit.call_sign} is listed twice")
        seen.add(unit.call_sign)
    now = ensure_utc(now)
    chosen = estimator or StraightLineEstimator(config.travel)
    return build_pairs(demands, units, now, chosen), now


def recommend(
    demands: Sequence[DispatchDemand],
    units: Sequence[Unit],
    now: datetime,
    config: DispatchConfig,
    estimator: TravelEstimator | None = None,
) -> Recommendation:
    """The optimal assignment at ``now``, a reason for every pick and every shortfall.

    ``estimator`` defaults to the straight-line estimator from ``config.travel``.
    Deterministic: the same inputs give the same picks, in the same order.
    """
    table, now = _inputs(demands, units, now, config, estimator)
    pairs = _solve(table, config.weights)
    return _assemble(table, pairs, units, (now, "optimal", config.weights))


def greedy_nearest(
    demands: Sequence[DispatchDemand],
    units: Sequence[Unit],
    now: datetime,
    config: DispatchConfig,
    estimator: TravelEstimator | None = None,
) -> Recommendation:
    """The baseline: demands in the order given each take the nearest feasible free unit."""
    table, now = _inputs(demands, units, now, config, estimator)
    return _assemble(table, _greedy(table), units, (now, "greedy-nearest", config.weights))
