"""What a run means: attendance within target, delays, lateness, backlog, utilisation.

An incident never dispatched before the run ended counts as not attended within target,
and its delay is censored at the end of the run (a lower bound), never dropped.
Replications become a mean and a 95 % t-interval per measure (:func:`estimate`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from watchkeeper.simulation.engine import RunResult
from watchkeeper.simulation.trace import GRADE_CODES, BoolArray, FloatArray, Trace

# Measures a scenario may set a target share for (``[targets]``).
TARGETABLE = (
    "attended_within_target.all",
    "attended_within_target.emergency",
    "attended_within_target.priority",
    "attended_within_target.vulnerable",
    "attended_within_target.not-vulnerable",
    "dispatched_share",
)
QUANTILES = np.linspace(0.0, 100.0, 101)
CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class RunSummary:
    """The measures of one replication, with what the plots need."""

    policy: str
    seed: int
    measures: dict[str, float]
    attendance_quantiles: dict[str, FloatArray]  # by grade: percentiles 0..100, minutes
    backlog_times: FloatArray  # minutes after the origin
    backlog: FloatArray  # incidents waiting without a unit at each time


@dataclass(frozen=True, slots=True)
class Estimate:
    """Mean over replications and the half-width of its 95 % t-interval (NaN for n < 2)."""

    mean: float
    half_width: float
    n: int

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width


def estimate(values: Sequence[float]) -> Estimate:
    """Mean and 95 % t-interval half-width of replication values (NaN values ignored)."""
    data = np.asarray([v for v in values if not math.isnan(v)], dtype=np.float64)
    if data.size == 0:
        return Estimate(math.nan, math.nan, 0)
    if data.size == 1:
        return Estimate(float(data[0]), math.nan, 1)
    from scipy import stats  # lazy: keeps CLI start-up fast

    sem = float(data.std(ddof=1)) / math.sqrt(data.size)
    t = float(stats.t.ppf(0.5 + CONFIDENCE / 2, data.size - 1))
    return Estimate(float(data.mean()), t * sem, int(data.size))


def _share(hit: BoolArray, among: BoolArray) -> float:
    count = int(among.sum())
    return float((hit & among).sum() / count) if count else math.nan


def backlog_series(result: RunResult, step: float) -> tuple[FloatArray, FloatArray]:
    """Incidents received and not yet dispatched, sampled every ``step`` minutes."""
    times = np.arange(0.0, max(result.end, step) + step, step)
    received = np.searchsorted(result.received, times, side="right")
    sent = np.sort(result.dispatched[np.isfinite(result.dispatched)])
    dispatched = np.searchsorted(sent, times, side="right")
    backlog: FloatArray = (received - dispatched).astype(np.float64)
    return times, backlog


def _within_target(trace: Trace, result: RunResult) -> dict[str, float]:
    attendance = np.where(np.isnan(result.arrived), np.inf, result.attendance)
    timed = np.isfinite(trace.target)
    hit = attendance <= trace.target
    out = {"attended_within_target.all": _share(hit, timed)}
    for code, grade in enumerate(GRADE_CODES):
        among = timed & (trace.grade == code)
        if among.any():
            out[f"attended_within_target.{grade.value}"] = _share(hit, among)
    out["attended_within_target.vulnerable"] = _share(hit, timed & trace.vulnerable)
    out["attended_within_target.not-vulnerable"] = _share(hit, timed & ~trace.vulnerable)
    return out


def _censored(result: RunResult, times: FloatArray) -> FloatArray:
    out: FloatArray = np.where(np.isnan(times), result.end, times) - result.received
    return out


def summarise(trace: Trace, result: RunResult, backlog_step: float = 60.0) -> RunSummary:
    """The headline measures of one run (shares in 0..1, times in minutes)."""
    waits = _censored(result, result.dispatched)
    attendance = _censored(result, result.arrived)
    late = np.maximum(0.0, np.where(np.isfinite(trace.target), attendance - trace.target, 0.0))
    measures = _within_target(trace, result)
    if waits.size:
        p50, p90, p95 = np.percentile(waits, [50, 90, 95])
        measures |= {
            "queue_delay.mean": float(waits.mean()),
            "queue_delay.p50": float(p50),
            "queue_delay.p90": float(p90),
            "queue_delay.p95": float(p95),
        }
        measures["risk_weighted_lateness"] = float((trace.risk * late).mean())
    times, backlog = backlog_series(result, backlog_step)
    measures["backlog.mean"] = float(backlog.mean())
    measures["backlog.max"] = float(backlog.max())
    duty = result.duty_minutes
    measures["utilisation"] = float(result.busy_minutes.sum() / duty.sum()) if duty.sum() else 0.0
    measures["dispatched_share"] = (
        float(np.isfinite(result.dispatched).mean()) if result.dispatched.size else 1.0
    )
    quantiles = {
        grade.value: np.percentile(attendance[trace.grade == code], QUANTILES)
        for code, grade in enumerate(GRADE_CODES)
        if (trace.grade == code).any()
    }
    return RunSummary(result.policy, result.seed, measures, quantiles, times, backlog)
