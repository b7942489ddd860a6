"""Replay real arrivals with fitted durations and capacity, and compare queue delays.

A held-back month's real calls (times and types) become a trace whose travel, on-scene and
call-handling times are drawn from the fit, never from that month. The roster covers the
fitted units on duty by hour with overlapping shifts. Simulated queue delay is call
handling plus the wait for a unit; it is read on the same minute clock as the export (times
truncated to HH:MM), so like is compared with like.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import numpy as np

from watchkeeper.incidents.entries import Grade
from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.calibration import (
    FittedDemand,
    ObservedCall,
    in_window,
    sample_handling,
)
from watchkeeper.simulation.roster import Roster, UnitGroup, build_roster
from watchkeeper.simulation.trace import GRADE_CODES, FloatArray, Trace, build_trace

SKILLS = ("response",)
AREA = "force"
# Resolution without deployment sends nobody; a real call of such a type that did draw a
# unit is replayed as scheduled (lowest grade that attends, no timed target).
_GRADE_CODE = {g: k for k, g in enumerate(GRADE_CODES)} | {
    Grade.RESOLUTION_WITHOUT_DEPLOYMENT: GRADE_CODES.index(Grade.SCHEDULED)
}


@dataclass(frozen=True, slots=True)
class ReplayTrace:
    """A trace plus, per row in trace order, what the comparison needs."""

    trace: Trace
    handling: FloatArray  # minutes from receipt until the call reaches dispatch
    logged: FloatArray  # minutes after origin the call was logged (before handling)
    observed_delay: FloatArray  # real received -> dispatched minutes (NaN: none recorded)


def local_midnight(day: date, tz: object) -> datetime:
    """The UTC instant of local midnight starting ``day`` in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)  # type: ignore[arg-type]


def shift_pattern(on_duty: Sequence[float], shift_hours: int) -> list[tuple[int, int]]:
    """(start hour, units) of the fewest shifts covering round(on_duty[h]) every hour.

    An integer programme over the 24 start hours (SciPy ``milp``): minimise the units
    rostered subject to coverage >= need at every hour, wrapping past midnight. Fewest
    units also means the least over-cover, since each unit covers ``shift_hours`` hours.
    """
    if not 1 <= shift_hours <= 24:
        raise InputError(f"shift_hours must be 1..24, got {shift_hours}")
    need = np.array([max(0, round(x)) for x in on_duty], dtype=float)
    if not need.any():
        return []
    from scipy.optimize import Bounds, LinearConstraint, milp  # lazy: keeps CLI start-up fast

    covers = np.array([[(h - s) % 24 < shift_hours for s in range(24)] for h in range(24)], float)
    solved = milp(
        c=np.ones(24),
        constraints=LinearConstraint(covers, lb=need, ub=np.inf),
        integrality=np.ones(24),
        bounds=Bounds(0, np.inf),
    )
    if not solved.success:  # pragma: no cover - a cover always exists (all starts = max need)
        raise InputError(f"no shift pattern covers the units on duty: {solved.message}")
    starts = np.rint(solved.x).astype(int).tolist()
    return [(h, n) for h, n in enumerate(starts) if n]


def coverage(pattern: Sequence[tuple[int, int]], shift_hours: int) -> tuple[int, ...]:
    """Units on duty each local hour under a shift pattern."""
    return tuple(
        sum(n for start, n in pattern if (hour - start) % 24 < shift_hours) for hour in range(24)
    )


def fitted_roster(fitted: FittedDemand, shift_hours: int, scale: float = 1.0) -> Roster:
    """A roster whose shifts cover the fitted units on duty by hour (× ``scale``)."""
    wanted = [x * scale for x in fitted.on_duty_by_hour]
    pattern = shift_pattern(wanted, shift_hours)
    groups = [
        UnitGroup(AREA, n, SKILLS, shift_start=60.0 * h, shift_hours=shift_hours, name=f"h{h:02d}")
        for h, n in pattern
    ]
    return build_roster(groups, SKILLS, {AREA: (0.0, 0.0)}, where="calibration.roster")


def _durations(
    calls: Sequence[ObservedCall], fitted: FittedDemand, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Travel, on-scene and handling minutes drawn from the fit for each call."""
    config = fitted.config
    n = len(calls)
    travel, service = np.empty(n), np.empty(n)
    for k, call in enumerate(calls):
        fit = fitted.types.get(call.call_type)
        if fit is None:
            raise InputError(
                f"call {call.reference}: type {call.call_type!r} was never seen in the fit window"
            )
        travel[k] = fit.travel.sample(rng, 1)[0]
        scale = fit.units_per_call if config.workload == "per-call" else 1.0
        service[k] = fit.on_scene.sample(rng, 1)[0] * scale
    handling = sample_handling(fitted, rng, [c.grade for c in calls])
    found = np.array([config.officer_initiated(c) for c in calls], dtype=bool)
    travel[found] = 0.0
    handling[found] = 0.0
    return travel, service, handling


def _unseen_types(calls: Sequence[ObservedCall], fitted: FittedDemand) -> list[ObservedCall]:
    return [c for c in calls if c.call_type not in fitted.types]


def replay_trace(
    calls: Sequence[ObservedCall],
    fitted: FittedDemand,
    first: date,
    last: date,
    rng: np.random.Generator,
) -> tuple[ReplayTrace, int]:
    """The held-back days' calls needing attendance as a trace; also how many were left out.

    Calls of a type the fit never saw are left out (counted), since nothing was fitted for
    them; every other duration comes from the fit, not from the replayed days.
    """
    config = fitted.config
    window = [
        c for c in in_window(calls, first, last, config.timezone) if config.needs_attendance(c)
    ]
    unseen = _unseen_types(window, fitted)
    window = [c for c in window if c.call_type in fitted.types]
    if not window:
        raise InputError(f"calibration: no call needing attendance between {first} and {last}")
    return trace_of(window, fitted, local_midnight(first, config.timezone), rng), len(unseen)


def trace_of(
    calls: Sequence[ObservedCall], fitted: FittedDemand, origin: datetime, rng: np.random.Generator
) -> ReplayTrace:
    """Calls (received at or after ``origin``) as a trace with durations drawn from the fit."""
    n = len(calls)
    logged = np.array([(c.received - origin).total_seconds() / 60.0 for c in calls])
    travel, service, handling = _durations(calls, fitted, rng)
    order = np.argsort(logged + handling, kind="stable")
    observed = np.array(
        [
            math.nan if c.dispatched is None else (c.dispatched - c.received).total_seconds() / 60
            for c in calls
        ]
    )
    categories = tuple(sorted({c.category for c in calls}))
    trace = build_trace(
        origin,
        (logged + handling)[order],
        x_km=np.full(n, np.nan),
        y_km=np.full(n, np.nan),
        area=np.zeros(n, dtype=np.int64),
        urban=np.array([c.urban for c in calls], dtype=bool)[order],
        grade=np.array([_GRADE_CODE[c.grade] for c in calls], dtype=np.int64)[order],
        target=np.array([c.target_minutes or math.inf for c in calls])[order],
        category=np.array([categories.index(c.category) for c in calls], dtype=np.int64)[order],
        vulnerable=np.array([c.vulnerable for c in calls], dtype=bool)[order],
        risk=np.array([c.risk for c in calls])[order],
        skills=np.zeros(n, dtype=np.uint32),
        service=service[order],
        travel=travel[order],
        areas=(AREA,),
        categories=categories,
        skill_names=SKILLS,
    )
    return ReplayTrace(trace, handling[order], logged[order], observed[order])


def on_export_clock(
    replay: ReplayTrace, dispatched: FloatArray, rng: np.random.Generator
) -> FloatArray:
    """Simulated received -> dispatched minutes as the export would print them (HH:MM).

    The real receipt fell somewhere within its logged minute; both times are truncated to
    the minute, as the export does.
    """
    received = replay.logged + rng.uniform(0.0, 1.0, replay.logged.size)
    sent = received + replay.handling + (dispatched - replay.trace.received)
    out: FloatArray = np.floor(sent) - np.floor(received)
    return out
