"""A demand trace: one row per incident needing attendance, as column arrays.

Times are float minutes after ``origin``; positions are planar kilometres in a local frame
(see :func:`planar_km`). The trace is validated once when built, so the engine can trust
it: every problem is refused with the record index and the column named.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from watchkeeper.incidents.entries import Grade
from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import InputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
MaskArray = npt.NDArray[np.uint32]

# Grades that send a unit, in priority order; resolution without deployment sends nobody.
GRADE_CODES: tuple[Grade, ...] = (Grade.EMERGENCY, Grade.PRIORITY, Grade.SCHEDULED)
MAX_SKILLS = 32  # skills are a uint32 bit mask
KM_PER_DEGREE_LAT = 111.32


@dataclass(frozen=True, slots=True)
class Trace:
    """Demand columns, sorted by ``received``; see the package docstring for each column."""

    origin: datetime
    received: FloatArray
    x_km: FloatArray
    y_km: FloatArray
    area: IntArray
    urban: BoolArray
    grade: IntArray
    target: FloatArray
    category: IntArray
    vulnerable: BoolArray
    risk: FloatArray
    skills: MaskArray
    service: FloatArray
    travel: FloatArray
    crew: IntArray
    areas: tuple[str, ...]
    categories: tuple[str, ...]
    skill_names: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.received.size)

    @property
    def horizon(self) -> float:
        """Minutes from the origin to the last receipt (0 for an empty trace)."""
        return float(self.received[-1]) if self.received.size else 0.0

    def skill_mask(self, names: Sequence[str]) -> int:
        """The bit mask of ``names`` over this trace's skill vocabulary."""
        return mask_of(names, self.skill_names, "skills")

    def head(self, n: int) -> Trace:
        """The first ``n`` incidents (for benchmarks and quick runs)."""
        cut = {name: getattr(self, name)[:n] for name in _COLUMNS}
        return Trace(
            self.origin,
            **cut,
            areas=self.areas,
            categories=self.categories,
            skill_names=self.skill_names,
        )


_COLUMNS = (
    "received",
    "x_km",
    "y_km",
    "area",
    "urban",
    "grade",
    "target",
    "category",
    "vulnerable",
    "risk",
    "skills",
    "service",
    "travel",
    "crew",
)


def mask_of(names: Sequence[str], vocabulary: Sequence[str], field: str) -> int:
    """Bit mask of skill ``names``; an unknown name is refused naming ``field``."""
    mask = 0
    for name in names:
        if name not in vocabulary:
            raise InputError(f"{field}: unknown skill {name!r} (known: {', '.join(vocabulary)})")
        mask |= 1 << vocabulary.index(name)
    return mask


def names_of(mask: int, vocabulary: Sequence[str]) -> tuple[str, ...]:
    """The skill names in a bit mask."""
    return tuple(name for i, name in enumerate(vocabulary) if mask >> i & 1)


def planar_km(lat: float, lon: float, centre: tuple[float, float]) -> tuple[float, float]:
    """Equirectangular projection around ``centre`` (lat, lon): good within a force area."""
    km_per_lon = KM_PER_DEGREE_LAT * math.cos(math.radians(centre[0]))
    return (lon - centre[1]) * km_per_lon, (lat - centre[0]) * KM_PER_DEGREE_LAT


def _first_bad(bad: BoolArray, column: str, why: str) -> None:
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise InputError(f"trace record {index}: '{column}' {why} ({int(bad.sum())} record(s))")


def _check_codes(values: IntArray, column: str, count: int) -> None:
    _first_bad((values < 0) | (values >= count), column, f"must be a code in 0..{count - 1}")


def _validate(trace: Trace) -> None:
    n = len(trace)
    for name in _COLUMNS:
        if getattr(trace, name).shape != (n,):
            raise InputError(
                f"trace: column '{name}' has {getattr(trace, name).size} rows, not {n}"
            )
    if len(trace.skill_names) > MAX_SKILLS:
        raise InputError(f"trace: at most {MAX_SKILLS} skills, got {len(trace.skill_names)}")
    _first_bad(~np.isfinite(trace.received), "received", "must be a finite time")
    _first_bad(trace.received < 0, "received", "is before the trace origin")
    if n > 1:
        back = np.concatenate([[False], np.diff(trace.received) < 0])
        _first_bad(back, "received", "is earlier than the record before it (out of order)")
    _first_bad(~np.isfinite(trace.service) | (trace.service < 0), "service", "must be >= 0 min")
    _first_bad(trace.travel < 0, "travel", "must be >= 0 min (or NaN to estimate)")
    _first_bad(trace.crew < 1, "crew", "must be at least 1 officer")
    _first_bad(np.isnan(trace.target) | (trace.target <= 0), "target", "must be > 0 (inf: none)")
    _first_bad(~np.isfinite(trace.risk) | (trace.risk < 0), "risk", "must be a score >= 0")
    _first_bad(np.isnan(trace.x_km) != np.isnan(trace.y_km), "x_km", "is known without y_km")
    _check_codes(trace.grade, "grade", len(GRADE_CODES))
    _check_codes(trace.area, "area", max(len(trace.areas), 1))
    _check_codes(trace.category, "category", max(len(trace.categories), 1))
    if len(trace.skill_names) < MAX_SKILLS:
        too_high = trace.skills.astype(np.int64) >= 1 << len(trace.skill_names)
        _first_bad(too_high, "skills", "names a skill bit outside the vocabulary")


def build_trace(
    origin: datetime,
    received: npt.ArrayLike,
    *,
    x_km: npt.ArrayLike,
    y_km: npt.ArrayLike,
    area: npt.ArrayLike,
    urban: npt.ArrayLike,
    grade: npt.ArrayLike,
    target: npt.ArrayLike,
    category: npt.ArrayLike,
    vulnerable: npt.ArrayLike,
    risk: npt.ArrayLike,
    skills: npt.ArrayLike,
    service: npt.ArrayLike,
    travel: npt.ArrayLike | None = None,
    crew: npt.ArrayLike | None = None,
    areas: Sequence[str],
    categories: Sequence[str],
    skill_names: Sequence[str],
) -> Trace:
    """A validated trace; raises ``InputError`` naming the first bad record and column."""
    times = np.asarray(received, dtype=np.float64)
    trace = Trace(
        origin=ensure_utc(origin),
        received=times,
        x_km=np.asarray(x_km, dtype=np.float64),
        y_km=np.asarray(y_km, dtype=np.float64),
        area=np.asarray(area, dtype=np.int64),
        urban=np.asarray(urban, dtype=np.bool_),
        grade=np.asarray(grade, dtype=np.int64),
        target=np.asarray(target, dtype=np.float64),
        category=np.asarray(category, dtype=np.int64),
        vulnerable=np.asarray(vulnerable, dtype=np.bool_),
        risk=np.asarray(risk, dtype=np.float64),
        skills=np.asarray(skills, dtype=np.uint32),
        service=np.asarray(service, dtype=np.float64),
        travel=np.full(times.shape, np.nan) if travel is None else np.asarray(travel, float),
        crew=np.ones(times.shape, np.int64) if crew is None else np.asarray(crew, np.int64),
        areas=tuple(areas),
        categories=tuple(categories),
        skill_names=tuple(skill_names),
    )
    _validate(trace)
    return trace
