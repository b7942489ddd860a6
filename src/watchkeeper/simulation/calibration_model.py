"""The calibration's data: observed calls, how the export is read, and the fitted model.

Every default in :class:`CalibrationConfig` is an assumption about the export, listed in
:data:`ASSUMPTIONS`; the fitting itself is in :mod:`watchkeeper.simulation.calibration`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from watchkeeper.incidents.entries import Grade
from watchkeeper.kernel.errors import InputError

QUANTILES = tuple(range(101))
IQR_TO_SIGMA = 1.349  # IQR of a standard normal: sigma = IQR / 1.349 (robust to outliers)


@dataclass(frozen=True, slots=True)
class ObservedCall:
    """One call from a real log, times aware UTC; grade and markers from the import profile."""

    reference: str
    received: datetime
    dispatched: datetime | None
    arrived: datetime | None
    call_type: str
    grade: Grade
    category: str
    area: str
    vulnerable: bool
    risk: float  # the risk engine's points at receipt (harm + markers)
    target_minutes: float | None  # the force profile's attendance target for grade and area
    units: tuple[str, ...]
    urban: bool = True  # the force profile's class of the call's area


@dataclass(frozen=True, slots=True)
class CalibrationConfig:
    """How the export is read; each default is an assumption (see ``ASSUMPTIONS``)."""

    timezone: ZoneInfo
    response_unit_pattern: str = r"^(\d+|S\d+|\d*K\d+)$"
    service_gap_cap: float = 60.0
    free_unit_gap: float = 60.0
    duty_session_gap_hours: float = 4.0
    duty_tail_minutes: float = 30.0
    officer_initiated_minutes: float = 1.0
    min_rows_per_type: int = 30
    weekday_alpha: float = 0.05
    handling_by_grade: bool = True  # a call-handling grid per grade with enough rows
    workload: str = "per-unit"  # one unit's on-scene time, or "per-call" (× units per call)

    def __post_init__(self) -> None:
        for name in ("service_gap_cap", "free_unit_gap", "duty_session_gap_hours"):
            if getattr(self, name) <= 0:
                raise InputError(f"calibration: '{name}' must be > 0, got {getattr(self, name)}")
        if self.workload not in ("per-call", "per-unit"):
            raise InputError(
                f"calibration: 'workload' must be per-call or per-unit, got {self.workload!r}"
            )
        try:
            re.compile(self.response_unit_pattern)
        except re.error as exc:
            raise InputError(
                f"calibration: 'response_unit_pattern' is not a regex ({exc})"
            ) from None

    def response_units(self, call: ObservedCall) -> tuple[str, ...]:
        pattern = _pattern(self.response_unit_pattern)
        return tuple(u for u in call.units if pattern.match(u))

    def needs_attendance(self, call: ObservedCall) -> bool:
        """A response unit was sent or arrived: the call used capacity."""
        has_time = call.dispatched is not None or call.arrived is not None
        return has_time and bool(self.response_units(call))

    def officer_initiated(self, call: ObservedCall) -> bool:
        """No dispatch and on scene within a minute of logging: found by the officer."""
        if call.dispatched is not None or call.arrived is None:
            return False
        return minutes_between(call.received, call.arrived) <= self.officer_initiated_minutes


ASSUMPTIONS = (
    "grade, category and vulnerability come from the import profile's call-type mapping "
    "(the log has no priority or vulnerability field): an assumption, not a published mapping",
    "response units are unit ids matching the configured pattern (numbered patrol units, "
    "S sergeants, K9); COM (communications), other agencies and blanks are not capacity",
    "on-scene time is bounded by the gap from a unit's arrival to its next dispatch, kept "
    "when at most the cap: the export's cleared column is empty",
    "call handling is received -> dispatched on calls whose first unit had been idle for the "
    "free-unit gap: the delay that is not waiting for a unit; fitted per grade (emergency "
    "calls are handled faster) where a grade has enough rows, else pooled",
    "units on duty: a unit is on duty from its first to its last activity in a session "
    "(sessions split by the session gap) plus a tail; units that took no call are not seen",
    "one simulated unit per call carrying one unit's on-scene time (workload per-unit); the "
    "gap cap (60 min), shift length and workload were chosen on Oct-Dec 2021 (in-sample), "
    "never on the held-back month",
)


@dataclass(frozen=True, slots=True)
class LogNormal:
    """A lognormal by its median and log-sd, fitted robustly (median, IQR of the logs)."""

    median: float
    sigma: float
    rows: int

    @classmethod
    def fit(cls, minutes: Sequence[float], floor: float = 0.5) -> LogNormal:
        logs = np.log(np.maximum(np.asarray(minutes, dtype=float), floor))
        q1, q2, q3 = np.percentile(logs, [25, 50, 75])
        return cls(
            round(float(math.exp(q2)), 4), round(float((q3 - q1) / IQR_TO_SIGMA), 4), len(logs)
        )

    @property
    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.lognormal(math.log(self.median), self.sigma, size)


@dataclass(frozen=True, slots=True)
class TypeFit:
    """What one call type looks like in the fit window."""

    call_type: str
    calls: int
    grade: Grade
    category: str
    vulnerable: bool
    risk: float
    target_minutes: float | None
    travel: LogNormal
    on_scene: LogNormal
    units_per_call: float

    def service_mean(self, workload: str) -> float:
        scale = self.units_per_call if workload == "per-call" else 1.0
        return self.on_scene.mean * scale


@dataclass(frozen=True, slots=True)
class FittedDemand:
    """The fitted model: demand, durations, handling and capacity by local hour."""

    window: tuple[date, date]
    days: int
    calls: int
    hourly_rate: tuple[float, ...]  # calls needing attendance per local hour of day
    weekday_factor: tuple[float, ...] | None  # Monday first; None when not supported
    weekday_p_value: float
    types: dict[str, TypeFit]
    handling_quantiles: tuple[float, ...]  # minutes at 0, 1, ..., 100 %
    handling_rows: int
    on_duty_by_hour: tuple[float, ...]  # duty sessions covering the hour (the roster's basis)
    active_by_hour: tuple[float, ...]  # distinct units seen working a call in the hour
    config: CalibrationConfig
    notes: tuple[str, ...] = field(default=ASSUMPTIONS)
    handling_by_grade: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def handling_grid(self, grade: Grade) -> tuple[float, ...]:
        """The grade's call-handling quantiles, or the pooled ones when it had too few rows."""
        return self.handling_by_grade.get(grade.value, self.handling_quantiles)

    @property
    def calls_per_day(self) -> float:
        return self.calls / self.days

    def type_shares(self) -> dict[str, float]:
        return {t: f.calls / self.calls for t, f in self.types.items()}

    def mean_service(self) -> float:
        """Mean unit occupancy per call (travel + on-scene), weighted by the type mix."""
        w = self.config.workload
        return sum(
            s * (f.travel.mean + f.service_mean(w))
            for s, f in zip(self.type_shares().values(), self.types.values(), strict=True)
        )


def minutes_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60.0


@lru_cache(maxsize=16)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)
