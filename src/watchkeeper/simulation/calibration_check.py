"""The validation: does the status quo replayed on a held-back month reproduce its delays?

Observed and simulated queue delay (received -> dispatched) are compared at the median and
the 90th percentile on the same calls (those with a recorded dispatch). The simulated
figures are means over seeded replications with a 95 % t-interval. The target (within
``tolerance`` of each, 20 % by default: issue 4, part 5) is reported met or missed, never
adjusted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.calibration import FittedDemand, ObservedCall
from watchkeeper.simulation.calibration_replay import on_export_clock, replay_trace
from watchkeeper.simulation.config import SimConfig
from watchkeeper.simulation.engine import simulate
from watchkeeper.simulation.roster import Roster

DEFAULT_TOLERANCE = 0.20  # issue 4, part 5: "within 20% of each"


@dataclass(frozen=True, slots=True)
class Interval:
    """A mean over replications and the half-width of its 95 % t-interval."""

    mean: float
    half_width: float
    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float]) -> Interval:
        data = np.asarray(values, dtype=float)
        if data.size < 2:
            return cls(float(data.mean()), math.nan, tuple(data.tolist()))
        from scipy import stats  # lazy: keeps CLI start-up fast

        half = float(stats.t.ppf(0.975, data.size - 1) * data.std(ddof=1) / math.sqrt(data.size))
        return cls(float(data.mean()), half, tuple(data.tolist()))


@dataclass(frozen=True, slots=True)
class DelayCheck:
    """One statistic: observed, simulated, and whether it is within tolerance."""

    name: str
    observed: float
    simulated: Interval
    tolerance: float

    @property
    def relative_error(self) -> float:
        if self.observed == 0:
            return math.inf if self.simulated.mean else 0.0
        return (self.simulated.mean - self.observed) / self.observed

    @property
    def within(self) -> bool:
        return abs(self.relative_error) <= self.tolerance


@dataclass(frozen=True, slots=True)
class CalibrationCheck:
    """The held-back comparison, with what it was computed on."""

    window: tuple[date, date]
    policy: str
    replications: int
    calls_replayed: int
    calls_compared: int  # with a recorded dispatch
    unseen_types: int  # calls left out: their type never appeared in the fit window
    never_dispatched: Interval  # compared calls the simulation never sent a unit to
    utilisation: Interval
    median: DelayCheck
    p90: DelayCheck

    @property
    def met(self) -> bool:
        return self.median.within and self.p90.within


def _delays(delays: np.ndarray) -> tuple[float, float]:
    # A call never dispatched waited past the run's end: it counts as the longest delay.
    filled = np.where(np.isnan(delays), np.inf, delays)
    median, p90 = np.percentile(filled, [50, 90], method="lower")
    return float(median), float(p90)


def check_calibration(
    calls: Sequence[ObservedCall],
    fitted: FittedDemand,
    window: tuple[date, date],
    *,
    roster: Roster,
    config: SimConfig,
    replications: int,
    seed: int,
    policy: str = "status-quo",
    tolerance: float = DEFAULT_TOLERANCE,
    progress: Callable[[], None] | None = None,
) -> CalibrationCheck:
    """Replay ``window`` ``replications`` times and compare queue delays with the record."""
    if replications < 1:
        raise InputError(f"replications must be >= 1, got {replications}")
    medians, p90s, lost, used = [], [], [], []
    observed = np.array([])
    replayed = unseen = 0
    for i, stream in enumerate(np.random.SeedSequence(seed).spawn(replications)):
        draw, clock = (np.random.default_rng(s) for s in stream.spawn(2))
        replay, unseen = replay_trace(calls, fitted, window[0], window[1], draw)
        result = simulate(replay.trace, roster, policy, seed=seed + i, config=config)
        compared = np.isfinite(replay.observed_delay)
        observed = replay.observed_delay[compared]
        simulated = on_export_clock(replay, result.dispatched, clock)[compared]
        median, p90 = _delays(simulated)
        medians.append(median)
        p90s.append(p90)
        lost.append(float(np.isnan(simulated).sum()))
        used.append(float(result.busy_minutes.sum() / max(result.duty_minutes.sum(), 1e-9)))
        replayed = len(replay.trace)
        if progress is not None:
            progress()
    obs_median, obs_p90 = (float(q) for q in np.percentile(observed, [50, 90], method="lower"))
    return CalibrationCheck(
        window=window,
        policy=policy,
        replications=replications,
        calls_replayed=replayed,
        calls_compared=int(observed.size),
        unseen_types=unseen,
        never_dispatched=Interval.of(lost),
        utilisation=Interval.of(used),
        median=DelayCheck("median", obs_median, Interval.of(medians), tolerance),
        p90=DelayCheck("90th percentile", obs_p90, Interval.of(p90s), tolerance),
    )
