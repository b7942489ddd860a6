"""Every (unit, demand) pair at one moment: travel, feasibility, lateness, skills matched.

Only units that could be sent now are candidates: available, positioned and on shift. A
pair is feasible when the unit holds every required skill, the incident has a position,
and the unit arrives before its shift ends. Arrays are (candidate units x demands).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from watchkeeper.dispatch.demand import DispatchDemand
from watchkeeper.dispatch.travel import FloatArray, TravelEstimator, travel_matrix
from watchkeeper.dispatch.units import Unit
from watchkeeper.kernel.geo import Point

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class PairTable:
    """Pairwise facts for candidate units (rows) and demands (columns)."""

    candidates: tuple[Unit, ...]
    demands: tuple[DispatchDemand, ...]
    travel: FloatArray  # minutes; inf where the demand has no position
    feasible: BoolArray
    preferred_matched: IntArray
    minutes_to_deadline: FloatArray  # per demand; inf when no deadline applies
    scores: FloatArray  # per demand

    @property
    def lateness(self) -> FloatArray:
        # No deadline (inf) means never late; no position (inf travel) means inf late.
        late: FloatArray = np.zeros_like(self.travel)
        due = np.isfinite(self.minutes_to_deadline)
        late[:, due] = np.maximum(0.0, self.travel[:, due] - self.minutes_to_deadline[due])
        return late


def is_candidate(unit: Unit, now: datetime) -> bool:
    """Whether a unit could be sent now (available, positioned, on shift)."""
    return unit.is_available and unit.position is not None and unit.on_shift(now)


def _skill_columns(
    candidates: Sequence[Unit], demands: Sequence[DispatchDemand]
) -> tuple[BoolArray, IntArray]:
    """(holds every required skill, preferred skills matched), shape (units, demands)."""
    ok = np.ones((len(candidates), len(demands)), dtype=np.bool_)
    matched = np.zeros((len(candidates), len(demands)), dtype=np.int64)
    vocabulary = sorted({s for d in demands for s in d.needs.required | d.needs.preferred})
    for skill in vocabulary:
        has = np.array([skill in u.skills for u in candidates], dtype=np.bool_)[:, np.newaxis]
        need = np.array([skill in d.needs.required for d in demands], dtype=np.bool_)
        prefer = np.array([skill in d.needs.preferred for d in demands], dtype=np.bool_)
        ok &= has | ~need[np.newaxis, :]
        matched += (has & prefer[np.newaxis, :]).astype(np.int64)
    return ok, matched


def _travel(
    candidates: Sequence[Unit], demands: Sequence[DispatchDemand], estimator: TravelEstimator
) -> FloatArray:
    travel = np.full((len(candidates), len(demands)), np.inf, dtype=np.float64)
    located = [j for j, d in enumerate(demands) if d.location is not None]
    if candidates and located:
        origins = [u.position for u in candidates if u.position is not None]
        destinations: list[Point] = [p for j in located if (p := demands[j].location) is not None]
        classes = [demands[j].area_class for j in located]
        travel[:, located] = travel_matrix(estimator, origins, destinations, classes)
    return travel


def build_pairs(
    demands: Sequence[DispatchDemand],
    units: Sequence[Unit],
    now: datetime,
    estimator: TravelEstimator,
) -> PairTable:
    """The pair table for ``demands`` and the candidates among ``units`` at ``now``."""
    candidates = tuple(u for u in units if is_candidate(u, now))
    travel = _travel(candidates, demands, estimator)
    skills_ok, matched = _skill_columns(candidates, demands)
    shift_left = np.array([u.minutes_left_on_shift(now) for u in candidates], dtype=np.float64)
    feasible = skills_ok & np.isfinite(travel) & (travel <= shift_left.reshape(-1, 1))
    return PairTable(
        candidates=candidates,
        demands=tuple(demands),
        travel=travel,
        feasible=feasible,
        preferred_matched=matched,
        minutes_to_deadline=np.array([d.minutes_to_deadline(now) for d in demands], dtype=float),
        scores=np.array([d.score for d in demands], dtype=np.float64),
    )
