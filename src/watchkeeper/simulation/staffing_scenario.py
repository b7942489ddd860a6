"""The staffing scenario file a force analyst writes (TOML); errors name the key.

``[demand]`` is either fitted from a real log (``source = "san-luis-obispo"``: the caller
fits it, see ``analytics.slo_calibration``) or written inline (``source = "inline"``:
hourly rates and a table of call types with their durations). ``[staffing]`` holds the
shift pattern, the unit range, the policies and the ``[[staffing.targets]]``.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from watchkeeper.incidents.entries import Grade
from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.calibration import (
    QUANTILES,
    CalibrationConfig,
    FittedDemand,
    LogNormal,
    TypeFit,
)
from watchkeeper.simulation.policies import POLICIES
from watchkeeper.simulation.staffing import AttendanceTarget, StaffingPlan
from watchkeeper.simulation.trace import GRADE_CODES

SOURCES = ("inline", "san-luis-obispo")


@dataclass(frozen=True, slots=True)
class StaffingScenario:
    path: Path
    source: str
    data_dir: Path | None
    fit_window: tuple[date, date]
    inline: FittedDemand | None
    plan: StaffingPlan
    targets: tuple[AttendanceTarget, ...]


def _num(
    doc: dict[str, Any], key: str, where: str, default: float | None = None, minimum: float = 0.0
) -> float:
    if key not in doc:
        if default is None:
            raise InputError(f"{where}{key} is missing")
        return default
    value = doc[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{where}{key} must be a number, got {value!r}")
    if value < minimum:
        raise InputError(f"{where}{key} must be >= {minimum:g}, got {value!r}")
    return float(value)


def _table(doc: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    body = doc.get(key, {})
    if not isinstance(body, dict):
        raise InputError(f"{where}{key} must be a table")
    return body


def _grade(value: Any, where: str) -> Grade:
    names = [g.value for g in GRADE_CODES]
    if value not in names:
        raise InputError(f"{where} must be one of {names}, got {value!r}")
    return Grade(value)


def _targets(staffing: dict[str, Any]) -> tuple[AttendanceTarget, ...]:
    rows = staffing.get("targets", [])
    if not isinstance(rows, list) or not rows:
        raise InputError("staffing.targets must list at least one [[staffing.targets]] table")
    out = []
    for i, row in enumerate(rows):
        where = f"staffing.targets[{i}]."
        if not isinstance(row, dict):
            raise InputError(f"staffing.targets[{i}] must be a table")
        share = _num(row, "share", where)
        if not 0 < share <= 1:
            raise InputError(
                f"{where}share must be in (0, 1] (a fraction, 0.9 = 90%), got {share:g}"
            )
        grade = _grade(row["grade"], f"{where}grade") if "grade" in row else None
        within = _num(row, "within_minutes", where)
        if within <= 0:
            raise InputError(f"{where}within_minutes must be > 0, got {within:g}")
        name = str(row.get("name", f"target {i + 1}"))
        out.append(AttendanceTarget(name, grade, bool(row.get("vulnerable", False)), within, share))
    return tuple(out)


def _plan(staffing: dict[str, Any], scale: float) -> StaffingPlan:
    where = "staffing."
    policies = tuple(staffing.get("policies", ("status-quo", "watchkeeper")))
    for p in policies:
        if p not in POLICIES:
            raise InputError(
                f"staffing.policies: unknown policy {p!r} (known: {', '.join(POLICIES)})"
            )
    starts = staffing.get("shift_starts", [7, 15, 23])
    if not isinstance(starts, list):
        raise InputError("staffing.shift_starts must be a list of hours")
    return StaffingPlan(
        shift_starts=tuple(_num({"h": h}, "h", "staffing.shift_starts value ") for h in starts),
        shift_hours=_num(staffing, "shift_hours", where, 8.0),
        min_units=int(_num(staffing, "min_units", where, 1.0, minimum=1)),
        max_units=int(_num(staffing, "max_units", where, 60.0, minimum=1)),
        days=int(_num(staffing, "days", where, 28.0, minimum=1)),
        demand_scale=scale,
        policies=policies,
    )


def _inline_type(i: int, row: Any, total: float) -> TypeFit:
    where = f"demand.types[{i}]."
    if not isinstance(row, dict) or "name" not in row:
        raise InputError(f"demand.types[{i}] must be a table with a name")
    share = _num(row, "share", where)
    travel = LogNormal(
        _num(row, "travel_median", where, minimum=0.01), _num(row, "travel_sigma", where, 0.5), 0
    )
    scene = LogNormal(
        _num(row, "on_scene_median", where, minimum=0.01),
        _num(row, "on_scene_sigma", where, 0.8),
        0,
    )
    grade = _grade(row.get("grade", "priority"), f"{where}grade")
    # The type's attendance target (minutes), as the force profile would give it; none by default.
    target = _num(row, "target_minutes", where, math.inf)
    return TypeFit(
        str(row["name"]),
        max(1, round(share * total)),
        grade,
        str(row.get("category", "unknown")),
        bool(row.get("vulnerable", False)),
        _num(row, "risk", where, 0.0),
        target if math.isfinite(target) else None,
        travel,
        scene,
        1.0,
    )


def _inline(demand: dict[str, Any]) -> FittedDemand:
    rates = demand.get("calls_per_hour")
    if not isinstance(rates, list) or len(rates) != 24:
        raise InputError("demand.calls_per_hour must list 24 hourly rates (local hour 0 to 23)")
    hourly = tuple(_num({"r": r}, "r", f"demand.calls_per_hour[{h}] ") for h, r in enumerate(rates))
    rows = demand.get("types")
    if not isinstance(rows, list) or not rows:
        raise InputError("demand.types must list at least one [[demand.types]] table")
    types = [_inline_type(i, row, 10_000) for i, row in enumerate(rows)]
    handling = LogNormal(
        _num(demand, "handling_median", "demand.", 3.0, minimum=0.01),
        _num(demand, "handling_sigma", "demand.", 0.5),
        0,
    )
    grid = np.exp(np.log(handling.median) + handling.sigma * _normal_quantiles())
    return FittedDemand(
        window=(date.min, date.min),
        days=1,
        calls=sum(t.calls for t in types),
        hourly_rate=hourly,
        weekday_factor=None,
        weekday_p_value=math.nan,
        types={t.call_type: t for t in types},
        handling_quantiles=tuple(float(x) for x in grid),
        handling_rows=0,
        on_duty_by_hour=(0.0,) * 24,
        active_by_hour=(0.0,) * 24,
        config=CalibrationConfig(timezone=ZoneInfo("UTC")),
    )


def _normal_quantiles() -> np.ndarray:
    from scipy import stats

    p = np.clip(np.array(QUANTILES, dtype=float) / 100, 0.001, 0.999)
    return np.asarray(stats.norm.ppf(p))


def parse_staffing_scenario(doc: dict[str, Any], path: Path) -> StaffingScenario:
    demand = _table(doc, "demand", "")
    source = demand.get("source", "inline")
    if source not in SOURCES:
        raise InputError(f"demand.source must be one of {list(SOURCES)}, got {source!r}")
    scale = _num(demand, "scale", "demand.", 1.0)
    if scale <= 0:
        raise InputError(f"demand.scale must be > 0, got {scale:g}")
    staffing = _table(doc, "staffing", "")
    data_dir = None
    if source != "inline":
        data_dir = (path.parent / str(demand.get("data_dir", "../shared/data"))).resolve()
    try:
        window = (
            date.fromisoformat(str(demand.get("fit_first", "2021-10-01"))),
            date.fromisoformat(str(demand.get("fit_last", "2021-12-31"))),
        )
    except ValueError as exc:
        raise InputError(f"demand.fit_first / fit_last must be dates YYYY-MM-DD ({exc})") from None
    return StaffingScenario(
        path,
        source,
        data_dir,
        window,
        _inline(demand) if source == "inline" else None,
        _plan(staffing, scale),
        _targets(staffing),
    )


def load_staffing_scenario(path: Path) -> StaffingScenario:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such scenario file") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    return parse_staffing_scenario(doc, path)
