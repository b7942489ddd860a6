"""Units seen in a call log: each unit's calls in order, its duty sessions, units on duty."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np

if TYPE_CHECKING:
    from watchkeeper.simulation.calibration_model import CalibrationConfig, ObservedCall


def unit_calls(
    calls: Sequence[ObservedCall], units_of: Callable[[ObservedCall], tuple[str, ...]]
) -> dict[str, list[ObservedCall]]:
    """Each unit's calls, in order of receipt."""
    out: dict[str, list[ObservedCall]] = defaultdict(list)
    for call in sorted(calls, key=lambda c: (c.received, c.reference)):
        for unit in dict.fromkeys(units_of(call)):
            out[unit].append(call)
    return dict(out)


def _activity(call: ObservedCall) -> tuple[datetime, datetime]:
    times = [t for t in (call.received, call.dispatched, call.arrived) if t is not None]
    return call.received, max(times)


def duty_sessions(
    calls: Sequence[ObservedCall], config: CalibrationConfig
) -> list[tuple[datetime, datetime]]:
    """Spans a unit was evidently on duty: its activity, split where it was idle too long."""
    gap = timedelta(hours=config.duty_session_gap_hours)
    tail = timedelta(minutes=config.duty_tail_minutes)
    sessions: list[tuple[datetime, datetime]] = []
    for history in unit_calls(calls, config.response_units).values():
        start, end = _activity(history[0])
        for call in history[1:]:
            begin, finish = _activity(call)
            if begin - end > gap:
                sessions.append((start, end + tail))
                start, end = begin, finish
            else:
                end = max(end, finish)
        sessions.append((start, end + tail))
    return sessions


def on_duty_by_hour(
    sessions: Sequence[tuple[datetime, datetime]], first: date, last: date, tz: ZoneInfo
) -> tuple[float, ...]:
    """Mean number of sessions covering the middle of each local hour, hour 0 to 23."""
    begin = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    hours = int((end - begin).total_seconds() // 3600)
    mids = [begin + timedelta(minutes=30 + 60 * k) for k in range(hours)]
    mid_s = np.array([m.timestamp() for m in mids])
    starts = np.array([s.timestamp() for s, _ in sessions])
    ends = np.array([e.timestamp() for _, e in sessions])
    covering = ((starts[None, :] <= mid_s[:, None]) & (ends[None, :] > mid_s[:, None])).sum(axis=1)
    totals, counts = np.zeros(24), np.zeros(24)
    for mid, n in zip(mids, covering.tolist(), strict=True):
        hour = mid.astimezone(tz).hour
        totals[hour] += n
        counts[hour] += 1
    return tuple(round(float(t / max(c, 1)), 4) for t, c in zip(totals, counts, strict=True))


def active_by_hour(
    calls: Sequence[ObservedCall], config: CalibrationConfig, first: date, last: date
) -> tuple[float, ...]:
    """Mean number of distinct response units working a call during each local hour.

    This is the "units seen active" count; it undercounts units on duty (a free unit is not
    seen), which is why the roster uses :func:`duty_sessions` instead.
    """
    tz = config.timezone
    begin = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    hours = int((end - begin).total_seconds() // 3600)
    seen: list[set[str]] = [set() for _ in range(hours)]
    for call in calls:
        start, finish = _activity(call)
        lo = max(0, int((start - begin).total_seconds() // 3600))
        hi = min(hours - 1, int((finish - begin).total_seconds() // 3600))
        for slot in range(lo, hi + 1):
            seen[slot].update(config.response_units(call))
    totals, counts = np.zeros(24), np.zeros(24)
    for slot, units in enumerate(seen):
        hour = (begin + timedelta(hours=slot, minutes=30)).astimezone(tz).hour
        totals[hour] += len(units)
        counts[hour] += 1
    return tuple(round(float(t / max(c, 1)), 4) for t, c in zip(totals, counts, strict=True))
