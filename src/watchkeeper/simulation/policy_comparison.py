"""Same demand, same units, two policies: late attendance for emergency and vulnerable calls.

Each replication draws one replay trace and runs every policy on it (paired), so the
difference between policies is measured on identical demand. Attendance is measured from
logging (call handling + wait + travel) against each incident's attendance target;
incidents without a timed target are not counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from watchkeeper.incidents.entries import Grade
from watchkeeper.simulation.calibration_check import Interval
from watchkeeper.simulation.calibration_replay import ReplayTrace
from watchkeeper.simulation.config import SimConfig
from watchkeeper.simulation.engine import simulate
from watchkeeper.simulation.roster import Roster
from watchkeeper.simulation.trace import GRADE_CODES

GROUPS = ("emergency", "vulnerable")


@dataclass(frozen=True, slots=True)
class LateShares:
    """Per policy and group: share attended late, mean minutes late, incidents counted."""

    policy: str
    late_share: dict[str, Interval]
    minutes_late: dict[str, Interval]
    counted: dict[str, float]
    mean_wait: Interval


@dataclass(frozen=True, slots=True)
class PolicyComparison:
    replications: int
    seed: int
    results: tuple[LateShares, ...]
    difference: dict[str, Interval]  # late share: last policy minus first, paired


def _group_masks(replay: ReplayTrace) -> dict[str, np.ndarray]:
    timed = np.isfinite(replay.trace.target)
    emergency = replay.trace.grade == GRADE_CODES.index(Grade.EMERGENCY)
    return {"emergency": timed & emergency, "vulnerable": timed & replay.trace.vulnerable}


def _late(replay: ReplayTrace, arrived: np.ndarray) -> np.ndarray:
    """Minutes past the target (<= 0 on time; inf when never attended)."""
    attendance = replay.handling + arrived - replay.trace.received
    attendance = np.where(np.isnan(attendance), np.inf, attendance)
    target = replay.trace.target
    # No timed target: never late (and inf - inf is not computed).
    late: np.ndarray = np.where(
        np.isfinite(target), attendance - np.where(np.isfinite(target), target, 0.0), -np.inf
    )
    return late


def compare_policies(
    draw: Callable[[np.random.Generator], ReplayTrace],
    roster: Roster,
    policies: Sequence[str],
    *,
    config: SimConfig,
    replications: int,
    seed: int,
    progress: Callable[[], None] | None = None,
) -> PolicyComparison:
    """Run every policy on the same ``replications`` drawn traces; late shares with CIs."""
    shares: dict[str, dict[str, list[float]]] = {p: {g: [] for g in GROUPS} for p in policies}
    minutes: dict[str, dict[str, list[float]]] = {p: {g: [] for g in GROUPS} for p in policies}
    counts: dict[str, list[float]] = {g: [] for g in GROUPS}
    waits: dict[str, list[float]] = {p: [] for p in policies}
    for i, stream in enumerate(np.random.SeedSequence(seed).spawn(replications)):
        replay = draw(np.random.default_rng(stream))
        masks = _group_masks(replay)
        for g in GROUPS:
            counts[g].append(float(masks[g].sum()))
        for policy in policies:
            result = simulate(replay.trace, roster, policy, seed=seed + i, config=config)
            late = _late(replay, result.arrived)
            waits[policy].append(float(np.nanmean(result.waits)))
            for g in GROUPS:
                chosen = late[masks[g]]
                shares[policy][g].append(float(np.mean(chosen > 0)) if chosen.size else 0.0)
                over = np.clip(chosen, 0, None)
                minutes[policy][g].append(
                    float(np.mean(np.minimum(over, 1e6))) if chosen.size else 0.0
                )
        if progress is not None:
            progress()
    results = tuple(
        LateShares(
            p,
            {g: Interval.of(shares[p][g]) for g in GROUPS},
            {g: Interval.of(minutes[p][g]) for g in GROUPS},
            {g: float(np.mean(counts[g])) for g in GROUPS},
            Interval.of(waits[p]),
        )
        for p in policies
    )
    first, last = policies[0], policies[-1]
    difference = {
        g: Interval.of(np.subtract(shares[last][g], shares[first][g]).tolist()) for g in GROUPS
    }
    return PolicyComparison(replications, seed, results, difference)
