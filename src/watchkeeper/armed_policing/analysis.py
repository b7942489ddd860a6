"""Attendance-time analysis of armed deployments, vectorised with NumPy.

Attendance runs from the call to the first ARV's arrival. Distributions are grouped by area,
hour of day and day of week (the force's local time) and month, each against the configured
expectation (no national standard exists: STANDARDS.md §8). Quantiles use linear interpolation
between order statistics (NumPy's and pandas' default), computed for every group at once from
one sort; outliers are above Q3 + k x IQR (Tukey's fences).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from watchkeeper.armed_policing.config import ArmedPolicy
from watchkeeper.armed_policing.model import ArmedDeployment

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SECONDS_PER_HOUR = 3600
_SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class DeploymentTable:
    """Deployments as columns: epoch seconds (NaN where a stage was not recorded)."""

    deployment_id: npt.NDArray[np.str_]
    incident_ref: npt.NDArray[np.str_]
    area: npt.NDArray[np.str_]
    call_s: FloatArray
    authorised_s: FloatArray
    dispatched_s: FloatArray
    arrived_s: FloatArray

    def __len__(self) -> int:
        return len(self.call_s)


def _seconds(values: Sequence[datetime | None]) -> FloatArray:
    return np.array([np.nan if v is None else v.timestamp() for v in values], dtype=np.float64)


def table_of(deployments: Sequence[ArmedDeployment]) -> DeploymentTable:
    """Columns from validated deployments."""
    return DeploymentTable(
        np.array([d.deployment_id for d in deployments], dtype=np.str_),
        np.array([d.incident_ref for d in deployments], dtype=np.str_),
        np.array([d.area for d in deployments], dtype=np.str_),
        _seconds([d.call_at for d in deployments]),
        _seconds([d.authorised_at for d in deployments]),
        _seconds([d.dispatched_at for d in deployments]),
        _seconds([d.arrived_at for d in deployments]),
    )


@dataclass(frozen=True, slots=True)
class GroupStat:
    key: str
    count: int
    mean: float
    median: float
    p90: float
    within: int  # attended within the expectation

    @property
    def share_within(self) -> float:
        return self.within / self.count if self.count else 0.0


@dataclass(frozen=True, slots=True)
class Outlier:
    deployment_id: str
    incident_ref: str
    area: str
    minutes: float


@dataclass(frozen=True, slots=True)
class ArmedAnalysis:
    deployments: int
    attended: int
    overall: GroupStat | None
    by_area: tuple[GroupStat, ...]
    by_hour: tuple[GroupStat, ...]
    by_day: tuple[GroupStat, ...]
    by_month: tuple[GroupStat, ...]
    slowest_areas: tuple[GroupStat, ...]
    slowest_hours: tuple[GroupStat, ...]
    slowest_days: tuple[GroupStat, ...]
    outlier_threshold: float | None
    outliers: tuple[Outlier, ...]
    stage_medians: dict[str, float | None]  # call->authorisation, call->dispatch, dispatch->arrival


_PROBE = 14 * _SECONDS_PER_DAY  # zones change offset at most once a fortnight


def _offset_at(instant: int, tz: ZoneInfo) -> float:
    offset = datetime.fromtimestamp(instant, UTC).astimezone(tz).utcoffset()
    return 0.0 if offset is None else offset.total_seconds()


def _first_with(lo: int, hi: int, target: float, tz: ZoneInfo) -> int:
    """The first second in (lo, hi] whose offset is ``target`` (the clock change)."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if _offset_at(mid, tz) == target else (mid, hi)
    return hi


def utc_offsets(call_s: FloatArray, tz: ZoneInfo) -> FloatArray:
    """The zone's UTC offset (seconds) at each instant.

    The offset is probed every fortnight across the span and each clock change found by
    bisection to the second, then every row takes the offset in force at its instant.
    """
    if len(call_s) == 0:
        return np.zeros(0, dtype=np.float64)
    lo, hi = int(np.floor(call_s.min())), int(np.ceil(call_s.max()))
    probes = list(range(lo, hi + _PROBE, _PROBE))
    values = [_offset_at(x, tz) for x in probes]
    starts, offsets = [lo], [values[0]]
    for (a, va), (b, vb) in zip(zip(probes, values, strict=True),
                                zip(probes[1:], values[1:], strict=True), strict=False):  # fmt: skip
        if va != vb:
            starts.append(_first_with(a, b, vb, tz))
            offsets.append(vb)
    index = np.searchsorted(np.array(starts, dtype=np.float64), call_s, side="right") - 1
    result: FloatArray = np.array(offsets, dtype=np.float64)[index]
    return result


def local_calendar(call_s: FloatArray, tz: ZoneInfo) -> tuple[IntArray, IntArray, IntArray]:
    """Local hour (0-23), weekday (Mon=0) and month index (months since 1970-01) of each call."""
    offsets = utc_offsets(call_s, tz)
    local = call_s + offsets
    days = np.floor(local / _SECONDS_PER_DAY).astype(np.int64)
    hour = ((local - days * _SECONDS_PER_DAY) // _SECONDS_PER_HOUR).astype(np.int64)
    weekday = (days + 3) % 7  # 1 January 1970 was a Thursday (Mon=0)
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return hour, weekday, month


def _quantile(values: FloatArray, starts: IntArray, counts: IntArray, q: float) -> FloatArray:
    pos = (counts - 1) * q
    lo = np.floor(pos).astype(np.int64)
    hi = np.ceil(pos).astype(np.int64)
    low, high = values[starts + lo], values[starts + hi]
    result: FloatArray = low + (high - low) * (pos - lo)
    return result


def grouped(keys: IntArray, minutes: FloatArray, within: npt.NDArray[np.bool_],
            labels: Sequence[str]) -> tuple[GroupStat, ...]:  # fmt: skip
    """Count, mean, median, 90th percentile and within-expectation count per key (sorted)."""
    if len(keys) == 0:
        return ()
    order = np.lexsort((minutes, keys))
    k, v, w = keys[order], minutes[order], within[order]
    uniq, starts, counts = np.unique(k, return_index=True, return_counts=True)
    means = np.add.reduceat(v, starts) / counts
    med, p90 = _quantile(v, starts, counts, 0.5), _quantile(v, starts, counts, 0.9)
    inside = np.add.reduceat(w.astype(np.int64), starts)
    return tuple(
        GroupStat(labels[int(key)], int(c), float(m), float(md), float(p), int(i))
        for key, c, m, md, p, i in zip(uniq, counts, means, med, p90, inside, strict=True)
    )


def _slowest(stats: tuple[GroupStat, ...], policy: ArmedPolicy) -> tuple[GroupStat, ...]:
    ranked = sorted((s for s in stats if s.count >= policy.min_group_size),
                    key=lambda s: (-s.median, s.key))  # fmt: skip
    return tuple(ranked[: policy.slowest_count])


def _month_labels(months: IntArray) -> list[str]:
    if len(months) == 0:
        return []
    top = int(months.max()) + 1
    return [f"{1970 + m // 12:04d}-{m % 12 + 1:02d}" for m in range(top)]


def _stage_median(start: FloatArray, end: FloatArray) -> float | None:
    gap = (end - start) / 60.0
    gap = gap[~np.isnan(gap)]
    return float(np.median(gap)) if len(gap) else None


def analyse(table: DeploymentTable, policy: ArmedPolicy) -> ArmedAnalysis:
    """The full attendance analysis of the deployments in ``table``."""
    stages = {
        "call_to_authorisation": _stage_median(table.call_s, table.authorised_s),
        "call_to_dispatch": _stage_median(table.call_s, table.dispatched_s),
        "dispatch_to_arrival": _stage_median(table.dispatched_s, table.arrived_s),
    }
    arrived = ~np.isnan(table.arrived_s)
    minutes = (table.arrived_s[arrived] - table.call_s[arrived]) / 60.0
    areas, area_code = np.unique(table.area[arrived], return_inverse=True)
    area_names = [str(a) for a in areas]
    expected = np.array([policy.expected_minutes(a) for a in area_names], dtype=np.float64)
    within = minutes <= expected[area_code] if len(minutes) else np.zeros(0, dtype=np.bool_)
    hour, weekday, month = local_calendar(table.call_s[arrived], policy.timezone)
    by_area = grouped(area_code.astype(np.int64), minutes, within, area_names)
    by_hour = grouped(hour, minutes, within, [f"{h:02d}:00" for h in range(24)])
    by_day = grouped(weekday, minutes, within, DAYS)
    first_month = int(month.min()) if len(month) else 0
    labels = _month_labels(month)[first_month:]
    by_month = grouped(month - first_month, minutes, within, labels)
    overall = grouped(np.zeros(len(minutes), dtype=np.int64), minutes, within, ["all"])
    threshold, outliers = _outliers(table, arrived, minutes, policy)
    return ArmedAnalysis(
        len(table), int(arrived.sum()), overall[0] if overall else None,
        by_area, by_hour, by_day, by_month,
        _slowest(by_area, policy), _slowest(by_hour, policy), _slowest(by_day, policy),
        threshold, outliers, stages,
    )  # fmt: skip


def _outliers(table: DeploymentTable, arrived: npt.NDArray[np.bool_], minutes: FloatArray,
              policy: ArmedPolicy) -> tuple[float | None, tuple[Outlier, ...]]:  # fmt: skip
    if len(minutes) == 0:
        return None, ()
    q1, q3 = np.percentile(minutes, [25.0, 75.0])
    threshold = float(q3 + policy.outlier_iqr_factor * (q3 - q1))
    hits = np.flatnonzero(minutes > threshold)
    hits = hits[np.argsort(-minutes[hits], kind="stable")]
    ids, refs, areas = (table.deployment_id[arrived], table.incident_ref[arrived],
                        table.area[arrived])  # fmt: skip
    return threshold, tuple(
        Outlier(str(ids[i]), str(refs[i]), str(areas[i]), float(minutes[i])) for i in hits
    )
