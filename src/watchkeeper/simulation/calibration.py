"""Fit the simulator's demand and capacity to a real call log, on a chosen window only.

Input is a list of :class:`ObservedCall` (the analytics layer reads the export through the
CAD import profile; this module never touches files). What is fitted, and how:

- arrivals: calls needing attendance per local hour of day; a weekday factor only when the
  daily counts differ by weekday (Kruskal-Wallis, p < ``weekday_alpha``);
- travel: dispatched -> arrived minutes, lognormal by call type;
- on-scene (service) time: the export has no cleared time, so it is bounded by the gap from
  a unit's arrival at one call to its next dispatch (kept when <= ``service_gap_cap``);
- call handling: received -> dispatched on calls whose first unit was evidently free
  (no activity for ``free_unit_gap`` minutes before the call), as an empirical quantile grid,
  one per grade with enough rows (emergencies are handled faster) and one pooled;
- units on duty: a unit's duty session spans its activity, split by gaps over
  ``duty_session_gap_hours``; the mean count of sessions covering each local hour.

Every constant here is an assumption about the export, labelled so in
:data:`ASSUMPTIONS`, and every one can be changed through :class:`CalibrationConfig`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from watchkeeper.incidents.entries import Grade
from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.calibration_model import (
    ASSUMPTIONS,
    QUANTILES,
    CalibrationConfig,
    FittedDemand,
    LogNormal,
    ObservedCall,
    TypeFit,
)
from watchkeeper.simulation.calibration_model import minutes_between as _minutes
from watchkeeper.simulation.calibration_units import (
    active_by_hour,
    duty_sessions,
    on_duty_by_hour,
    unit_calls,
)

__all__ = [
    "ASSUMPTIONS",
    "QUANTILES",
    "CalibrationConfig",
    "FittedDemand",
    "LogNormal",
    "ObservedCall",
    "TypeFit",
    "fit_demand",
    "in_window",
    "sample_handling",
]


def in_window(
    calls: Iterable[ObservedCall], first: date, last: date, tz: ZoneInfo
) -> list[ObservedCall]:
    """Calls received on local dates first..last inclusive."""
    return [c for c in calls if first <= c.received.astimezone(tz).date() <= last]


def _weekday_fit(
    daily: dict[date, int], first: date, last: date, alpha: float
) -> tuple[tuple[float, ...] | None, float]:
    by_day: list[list[int]] = [[] for _ in range(7)]
    day = first
    while day <= last:
        by_day[day.weekday()].append(daily.get(day, 0))
        day += timedelta(days=1)
    if any(len(v) < 2 for v in by_day):
        return None, math.nan
    flat = len({n for v in by_day for n in v}) == 1  # identical days: no weekday effect
    from scipy import stats  # lazy: keeps CLI start-up fast

    p_value = 1.0 if flat else float(stats.kruskal(*by_day).pvalue)
    overall = sum(sum(v) for v in by_day) / sum(len(v) for v in by_day)
    factors = tuple(round(float(np.mean(v)) / overall, 4) for v in by_day)
    return (factors if p_value < alpha else None), round(p_value, 6)


def _durations(
    calls: Sequence[ObservedCall], config: CalibrationConfig
) -> tuple[dict[str, list[float]], dict[str, list[float]], list[tuple[Grade, float]]]:
    """Travel and on-scene minutes by call type, and free-unit handling (grade, minutes)."""
    travel: dict[str, list[float]] = defaultdict(list)
    for call in calls:
        if call.dispatched is not None and call.arrived is not None:
            travel[call.call_type].append(_minutes(call.dispatched, call.arrived))
    on_scene: dict[str, list[float]] = defaultdict(list)
    handling: list[tuple[Grade, float]] = []
    for unit, history in unit_calls(calls, config.response_units).items():
        for before, call in zip([None, *history[:-1]], history, strict=True):
            start = call.dispatched or call.arrived or call.received
            if before is not None and before.arrived is not None:
                gap = _minutes(before.arrived, start)
                if 0 <= gap <= config.service_gap_cap:
                    on_scene[before.call_type].append(gap)
            first = config.response_units(call)[:1]
            if call.dispatched is not None and first == (unit,) and _was_free(before, call, config):
                handling.append((call.grade, _minutes(call.received, call.dispatched)))
    return travel, on_scene, handling


def _was_free(before: ObservedCall | None, call: ObservedCall, config: CalibrationConfig) -> bool:
    """The unit had no activity for the free-unit gap before this call was received."""
    if before is None:
        return True
    last = max(t for t in (before.received, before.dispatched, before.arrived) if t is not None)
    return _minutes(last, call.received) >= config.free_unit_gap


def _type_fits(calls: Sequence[ObservedCall], config: CalibrationConfig) -> dict[str, TypeFit]:
    travel, on_scene, _ = _durations(calls, config)
    pooled_travel = LogNormal.fit([m for v in travel.values() for m in v] or [1.0])
    pooled_scene = LogNormal.fit([m for v in on_scene.values() for m in v] or [1.0])
    by_type: dict[str, list[ObservedCall]] = defaultdict(list)
    for call in calls:
        by_type[call.call_type].append(call)
    fits = {}
    for name, group in sorted(by_type.items()):
        t, s = travel.get(name, []), on_scene.get(name, [])
        first = group[0]
        fits[name] = TypeFit(
            name,
            len(group),
            first.grade,
            first.category,
            first.vulnerable,
            first.risk,
            first.target_minutes,
            LogNormal.fit(t) if len(t) >= config.min_rows_per_type else pooled_travel,
            LogNormal.fit(s) if len(s) >= config.min_rows_per_type else pooled_scene,
            round(float(np.mean([len(config.response_units(c)) for c in group])), 4),
        )
    return fits


def fit_demand(
    calls: Sequence[ObservedCall], first: date, last: date, config: CalibrationConfig
) -> FittedDemand:
    """Fit arrivals, durations, handling and units on duty on local dates first..last only."""
    if last < first:
        raise InputError(f"calibration: window ends ({last}) before it starts ({first})")
    window = in_window(calls, first, last, config.timezone)
    attended = [c for c in window if config.needs_attendance(c)]
    if not attended:
        raise InputError(f"calibration: no call needing attendance between {first} and {last}")
    days = (last - first).days + 1
    hourly = [0] * 24
    daily: dict[date, int] = defaultdict(int)
    for call in attended:
        local = call.received.astimezone(config.timezone)
        hourly[local.hour] += 1
        daily[local.date()] += 1
    weekday, p_value = _weekday_fit(daily, first, last, config.weekday_alpha)
    _, _, handling = _durations(window, config)
    if not handling:
        raise InputError("calibration: no dispatched call with a free unit to fit call handling")
    sessions = duty_sessions(window, config)
    return FittedDemand(
        window=(first, last),
        days=days,
        calls=len(attended),
        hourly_rate=tuple(round(n / days, 4) for n in hourly),
        weekday_factor=weekday,
        weekday_p_value=p_value,
        types=_type_fits(attended, config),
        handling_quantiles=_grid([m for _, m in handling]),
        handling_rows=len(handling),
        on_duty_by_hour=on_duty_by_hour(sessions, first, last, config.timezone),
        active_by_hour=active_by_hour(window, config, first, last),
        handling_by_grade=_handling_by_grade(handling, config),
        config=config,
    )


def _grid(minutes: Sequence[float]) -> tuple[float, ...]:
    return tuple(round(float(q), 3) for q in np.percentile(minutes, QUANTILES))


def _handling_by_grade(
    handling: Sequence[tuple[Grade, float]], config: CalibrationConfig
) -> dict[str, tuple[float, ...]]:
    if not config.handling_by_grade:
        return {}
    by_grade: dict[Grade, list[float]] = defaultdict(list)
    for grade, minutes in handling:
        by_grade[grade].append(minutes)
    return {g.value: _grid(v) for g, v in by_grade.items() if len(v) >= config.min_rows_per_type}


def sample_handling(
    fitted: FittedDemand, rng: np.random.Generator, grades: Sequence[Grade]
) -> np.ndarray:
    """Call-handling minutes for calls of ``grades``, by inverse-CDF sampling of the grids."""
    u = rng.uniform(0, 100, len(grades))
    out = np.empty(len(grades))
    for grade in set(grades):
        rows = np.array([g is grade for g in grades])
        out[rows] = np.interp(u[rows], QUANTILES, fitted.handling_grid(grade))
    return out
