"""Breach forecast: when will a suitable unit reach each open incident, and will it be late?

The model (a queueing approximation, analytic and deterministic; no random numbers):

1. The open demands form one queue ranked by risk (score, then earlier deadline, then id).
   An incident's queue position ``k`` is 1 plus the units wanted by higher-ranked demands
   whose required skills include all of its own: each of those surely takes a unit this
   incident could use. Demands needing fewer skills are assumed to leave rarer units alone.
2. Each suitable unit on duty offers "opportunities" to attend. A free unit offers one at
   its travel time to the incident. A committed unit frees up after an exponential time
   with the configured mean job time of its current category (``forecast.job_minutes``),
   and again after each later job (mean ``default_job_minutes``, the free units likewise
   after their first job), so its freeings form a Poisson process; each is followed by
   its travel time from where it is now (``unknown_travel_minutes`` without a position).
   Nothing frees after the unit's shift ends.
3. The incident is attended at its k-th opportunity. The count of opportunities by time t
   is the deterministic free-unit count plus a Poisson count, so
   P(arrival > t) = P(Poisson(Λ(t)) <= k - 1 - free units arrived by t).
4. P(breach in the next hour) = P(arrival > minutes to deadline) when the deadline falls
   within ``horizon_minutes``, 1 when it has already passed, 0 otherwise.

What it leaves out, knowingly: new incidents arriving (a higher-risk call would jump the
queue, so the forecast is optimistic), units sent to lower-ranked incidents first, and
travel from where a unit will be rather than where it is. It is monotone by construction:
less time to the deadline never lowers the probability, and more units never raise it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from watchkeeper.dispatch.config import DispatchConfig, ForecastConfig
from watchkeeper.dispatch.demand import DispatchDemand
from watchkeeper.dispatch.pairing import BoolArray, IntArray
from watchkeeper.dispatch.travel import FloatArray, StraightLineEstimator, TravelEstimator
from watchkeeper.dispatch.travel import travel_matrix as estimate_matrix
from watchkeeper.dispatch.units import Unit
from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import IncidentId

_GRID_STEP_MINUTES = 1.0


@dataclass(frozen=True, slots=True)
class BreachForecast:
    """One open incident's outlook at the current capacity."""

    incident_id: IncidentId
    queue_position: int
    suitable_free: int
    suitable_committed: int
    minutes_to_deadline: float | None
    expected_free_minutes: float | None  # None: the median wait exceeds the look-ahead
    p_late: float | None  # P(first arrival after the deadline); None without a deadline
    p_breach_next_hour: float
    already_breached: bool


@dataclass(frozen=True, slots=True)
class _Opportunities:
    """When a unit could reach the incident: fixed first times plus Poisson windows."""

    first: FloatArray  # sorted arrival times of free units
    start: FloatArray  # per unit: Poisson opportunities begin this many minutes from now
    window: FloatArray  # ... and last this long
    rate: FloatArray  # per minute

    def counts(self, t: FloatArray) -> tuple[IntArray, FloatArray]:
        """Free units arrived by each t, and the Poisson mean of later opportunities."""
        arrived = np.searchsorted(self.first, t, side="right").astype(np.int64)
        elapsed = np.clip(t[np.newaxis, :] - self.start[:, np.newaxis], 0.0, None)
        mean = (self.rate[:, np.newaxis] * np.minimum(elapsed, self.window[:, np.newaxis])).sum(0)
        return arrived, mean.astype(np.float64)

    def survival(self, k: int, t: FloatArray) -> FloatArray:
        """P(the k-th opportunity comes after t), for each t."""
        return _survival(k, *self.counts(t))


def _survival(k: int, arrived: IntArray, mean: FloatArray) -> FloatArray:
    from scipy.special import pdtr  # lazy: keeps CLI start-up fast

    room = k - 1 - arrived
    out: FloatArray = np.where(room < 0, 0.0, pdtr(np.maximum(room, 0), mean))
    return out


def _rank(demands: Sequence[DispatchDemand]) -> list[DispatchDemand]:
    def key(d: DispatchDemand) -> tuple[float, bool, float, str]:
        due = d.deadline.timestamp() if d.deadline else 0.0
        return (-d.score, d.deadline is None, due, d.incident_id)

    return sorted(demands, key=key)


def queue_positions(demands: Sequence[DispatchDemand]) -> dict[IncidentId, int]:
    """Each demand's position among those competing for its units (1 = first)."""
    taken: dict[frozenset[str], int] = {}
    out = {}
    for demand in _rank(demands):
        need = demand.needs.required
        out[demand.incident_id] = 1 + sum(n for r, n in taken.items() if need <= r)
        taken[need] = taken.get(need, 0) + demand.needs.crewing
    return out


def _opportunities(
    units: Sequence[Unit], travel: FloatArray, shift_left: FloatArray, config: ForecastConfig
) -> _Opportunities:
    free = np.array([u.is_available for u in units], dtype=np.bool_)
    first = np.where(free, travel, 0.0)
    usable_first = free & (first <= shift_left)
    means = [
        config.default_job_minutes if u.is_available else config.job_minutes_for(u.job_category)
        for u in units
    ]
    window = np.maximum(shift_left - first, 0.0)
    return _Opportunities(
        first=np.sort(first[usable_first]),
        start=first + travel,
        window=window,
        rate=1.0 / np.array(means, dtype=np.float64).reshape(-1),
    )


def _grid(lookahead: float) -> FloatArray:
    return np.arange(0.0, lookahead + _GRID_STEP_MINUTES, _GRID_STEP_MINUTES)


def _expected_free(waits: tuple[IntArray, FloatArray], k: int, grid: FloatArray) -> float | None:
    """Mean minutes to the k-th freeing, truncated at the look-ahead; None past the median."""
    survival = _survival(k, *waits)
    if survival[-1] >= 0.5:
        return None
    return float(np.trapezoid(survival, grid))


def _breach(to_deadline: float, p_late: float, horizon: float) -> float:
    if to_deadline <= 0:
        return 1.0
    return p_late if to_deadline <= horizon else 0.0


def _travel_minutes(
    units: Sequence[Unit],
    demands: Sequence[DispatchDemand],
    config: DispatchConfig,
    estimator: TravelEstimator,
) -> FloatArray:
    """(units x demands) minutes; the configured guess where a position is missing."""
    out = np.full((len(units), len(demands)), config.forecast.unknown_travel_minutes)
    rows = [i for i, u in enumerate(units) if u.position is not None]
    cols = [j for j, d in enumerate(demands) if d.location is not None]
    if rows and cols:
        origins: list[Point] = [p for i in rows if (p := units[i].position) is not None]
        dests: list[Point] = [p for j in cols if (p := demands[j].location) is not None]
        classes = [demands[j].area_class for j in cols]
        out[np.ix_(rows, cols)] = estimate_matrix(estimator, origins, dests, classes)
    return out


@dataclass(frozen=True, slots=True)
class _Pool:
    """The on-duty units holding one set of required skills, as arrays (rows of on_duty)."""

    rows: list[int]
    free: BoolArray  # per unit: available now
    rate: FloatArray  # per unit: freeings per minute
    waits: tuple[IntArray, FloatArray]  # freeing counts over the look-ahead grid
    expected: dict[int, float | None]  # memo: queue position -> expected minutes to free


def _late_probabilities(
    pool: _Pool, travel: FloatArray, shift_left: FloatArray, k: IntArray, t: FloatArray
) -> FloatArray:
    """P(the k-th opportunity comes after t) per demand: _Opportunities.survival, vectorised.

    ``travel`` is (pool units x demands); ``k`` and ``t`` follow the demands.
    """
    free = pool.free[:, np.newaxis]
    left = shift_left[:, np.newaxis]
    first = np.where(free, travel, 0.0)
    usable = free & (first <= left)
    window = np.maximum(left - first, 0.0)
    start = first + travel
    arrived = (usable & (first <= t[np.newaxis, :])).sum(axis=0).astype(np.int64)
    elapsed = np.clip(t[np.newaxis, :] - start, 0.0, None)
    mean = (pool.rate[:, np.newaxis] * np.minimum(elapsed, window)).sum(axis=0)
    return _survival_each(k, arrived, mean.astype(np.float64))


def _survival_each(k: IntArray, arrived: IntArray, mean: FloatArray) -> FloatArray:
    from scipy.special import pdtr  # lazy: keeps CLI start-up fast

    room = k - 1 - arrived
    out: FloatArray = np.where(room < 0, 0.0, pdtr(np.maximum(room, 0), mean))
    return out


def _expected_for(pool: _Pool, k: int, grid: FloatArray) -> float | None:
    """Expected minutes to the k-th freeing (memoised: it depends on the pool and k only)."""
    if k not in pool.expected:
        pool.expected[k] = _expected_free(pool.waits, k, grid)
    return pool.expected[k]


def _pool_forecasts(
    pool: _Pool,
    demands: Sequence[DispatchDemand],
    cols: list[int],
    arrays: tuple[FloatArray, FloatArray],
    context: tuple[datetime, ForecastConfig, dict[IncidentId, int]],
) -> list[tuple[int, BreachForecast]]:
    """The forecasts of the demands at ``cols`` (all needing this pool's skills)."""
    travel, shift_left = arrays
    now, config, positions = context
    chosen = [demands[j] for j in cols]
    to_deadline = np.array([d.minutes_to_deadline(now) for d in chosen], dtype=np.float64)
    ks = np.array([positions[d.incident_id] for d in chosen], dtype=np.int64)
    due = np.isfinite(to_deadline)
    t = np.where(due, np.maximum(to_deadline, 0.0), 0.0)
    late = _late_probabilities(pool, travel[np.ix_(pool.rows, cols)], shift_left[pool.rows], ks, t)
    free = int(pool.free.sum())
    grid = _grid(config.lookahead_minutes)
    arrived_end, mean_end = pool.waits[0][-1], pool.waits[1][-1]
    beyond = _survival_each(ks, np.full_like(ks, arrived_end), np.full(ks.shape, mean_end)) >= 0.5
    out = []
    for n, (j, demand) in enumerate(zip(cols, chosen, strict=True)):
        minutes, has_deadline = float(to_deadline[n]), bool(due[n])
        p_late = float(late[n]) if has_deadline else None
        forecast = BreachForecast(
            incident_id=demand.incident_id,
            queue_position=int(ks[n]),
            suitable_free=free,
            suitable_committed=len(pool.rows) - free,
            minutes_to_deadline=minutes if has_deadline else None,
            expected_free_minutes=None if beyond[n] else _expected_for(pool, int(ks[n]), grid),
            p_late=1.0 if has_deadline and minutes <= 0 else p_late,
            p_breach_next_hour=_breach(minutes, p_late or 0.0, config.horizon_minutes),
            already_breached=has_deadline and minutes <= 0,
        )
        out.append((j, forecast))
    return out


def forecast_breaches(
    demands: Sequence[DispatchDemand],
    units: Sequence[Unit],
    now: datetime,
    config: DispatchConfig,
    estimator: TravelEstimator | None = None,
) -> tuple[BreachForecast, ...]:
    """The outlook for every demand at current capacity, in risk order (see module doc).

    Vectorised per pool of suitable units (one pool per distinct set of required skills),
    so thousands of open incidents cost a few array operations, not a loop over units.
    """
    now = ensure_utc(now)
    on_duty = [u for u in units if u.on_shift(now)]
    ranked = _rank(demands)
    positions = queue_positions(ranked)
    travel = _travel_minutes(
        on_duty, ranked, config, estimator or StraightLineEstimator(config.travel)
    )
    shift_left = np.array([u.minutes_left_on_shift(now) for u in on_duty], dtype=np.float64)
    by_need: dict[frozenset[str], list[int]] = {}
    for j, demand in enumerate(ranked):
        by_need.setdefault(demand.needs.required, []).append(j)
    found: dict[int, BreachForecast] = {}
    for need, cols in by_need.items():
        pool = _pool(on_duty, need, shift_left, config.forecast)
        context = (now, config.forecast, positions)
        found.update(_pool_forecasts(pool, ranked, cols, (travel, shift_left), context))
    return tuple(found[j] for j in range(len(ranked)))


def _pool(
    on_duty: Sequence[Unit], need: frozenset[str], shift_left: FloatArray, config: ForecastConfig
) -> _Pool:
    """The units holding ``need``, and their freeing counts over the look-ahead."""
    rows = [i for i, u in enumerate(on_duty) if u.has_skills(need)]
    units = [on_duty[i] for i in rows]
    no_travel = np.zeros(len(rows), dtype=np.float64)
    opps = _opportunities(units, no_travel, shift_left[rows], config)
    free = np.array([u.is_available for u in units], dtype=np.bool_)
    return _Pool(rows, free, opps.rate, opps.counts(_grid(config.lookahead_minutes)), {})
