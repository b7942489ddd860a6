"""Calibration of the synthetic generator against the real public call logs.

``calibrate(shared_data_dir)`` recomputes every number from ``../shared/data``; the result
is shipped as ``resources/synthetic/calibration.json`` so the generator runs without the
data folder (``python -m watchkeeper.synthetic.calibration ../shared/data > calibration.json``).
A drift test recomputes it and compares.
"""

from __future__ import annotations

import json
import math
import statistics
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from watchkeeper.incidents.entries import Grade
from watchkeeper.synthetic.real_exports import (
    CallTimes,
    SanDiegoCounts,
    read_redbridge,
    read_san_diego,
    read_slo,
)

DIGITS = 6
SLO_TYPE_MIN_ROWS = 30
TOP_ADDRESSES = 300

# Assumption, not a published mapping: San Diego dispatch priority -> canonical UK grade.
SD_PRIORITY_TO_GRADE = {
    "0": Grade.EMERGENCY,
    "1": Grade.EMERGENCY,
    "2": Grade.PRIORITY,
    "3": Grade.SCHEDULED,
    "4": Grade.RESOLUTION_WITHOUT_DEPLOYMENT,
    "9": Grade.RESOLUTION_WITHOUT_DEPLOYMENT,
}

# data.police.uk category slug -> force profile category (force-default.toml).
REDBRIDGE_TO_CATEGORY = {
    "violent-crime": "violence",
    "anti-social-behaviour": "anti-social-behaviour",
    "burglary": "burglary",
    "robbery": "robbery",
    "vehicle-crime": "theft",
    "other-theft": "theft",
    "theft-from-the-person": "theft",
    "shoplifting": "theft",
    "bicycle-theft": "theft",
    "criminal-damage-arson": "criminal-damage",
    "public-order": "public-order",
    "possession-of-weapons": "weapons",
    "drugs": "suspicious",
    "other-crime": "unknown",
}

NOTES = (
    "hourly and weekday profiles: each source normalised on its own, then averaged with equal "
    "weight (San Diego 15 days, San Luis Obispo 123 days), so the larger file does not drown "
    "the longer one; both in America/Los_Angeles local time, applied to the force's local time",
    "weekday shares are mean calls per calendar day of that weekday, Monday first",
    "hour and weekday are assumed separable: rate(t) = daily * 7 * weekday[d] * hourly[h]",
    "grade mix: San Diego priority 0/1 -> emergency, 2 -> priority, 3 -> scheduled, "
    "4/9 -> resolution without deployment; an assumption, not a published mapping",
    "category mix: data.police.uk recorded crimes (Redbridge, Met), not calls for service; "
    "mapped to force categories; drugs -> suspicious and other-crime -> unknown are assumptions",
    "attendance shape: San Luis Obispo received -> arrived minutes, exact duplicate rows "
    "dropped, arrivals within 1 minute of receipt left out (mostly officer-initiated), "
    "midnight wrap corrected; log_sigma = IQR of ln(minutes) / 1.349",
)


@dataclass(frozen=True, slots=True)
class AttendanceShape:
    rows_used: int
    median_minutes: float
    log_sigma: float
    quantiles: dict[str, float]
    median_by_type: dict[str, float]  # SLO call type -> median minutes (types with >= 30 rows)


@dataclass(frozen=True, slots=True)
class ExportCodes:
    """Real San Diego code frequencies, for writing realistic CFS-format exports."""

    header: tuple[str, ...]
    calls_per_day: float
    call_type_priority: tuple[tuple[str, str, int], ...]
    disposition_by_priority: dict[str, tuple[tuple[str, int], ...]]
    beats: tuple[tuple[str, int], ...]
    addresses: tuple[tuple[tuple[str, ...], int], ...]  # the most frequent block addresses


@dataclass(frozen=True, slots=True)
class Calibration:
    hourly: tuple[float, ...]  # 24 shares, local hour 0..23
    weekday: tuple[float, ...]  # 7 shares, Monday..Sunday
    hourly_by_source: dict[str, tuple[float, ...]]
    weekday_by_source: dict[str, tuple[float, ...]]
    grade_mix: dict[str, float]  # Grade value -> share of calls
    grade_counts: dict[str, int]
    category_mix: dict[str, float]  # force category -> share of recorded crime
    crime_counts: dict[str, int]  # data.police.uk slug -> records
    attendance: AttendanceShape
    export: ExportCodes
    notes: tuple[str, ...]


def _shares(values: list[float]) -> tuple[float, ...]:
    total = sum(values)
    return tuple(round(v / total, DIGITS) for v in values)


def _hourly(times: CallTimes) -> tuple[float, ...]:
    return _shares([float(times.by_hour[h]) for h in range(24)])


def _weekday(times: CallTimes) -> tuple[float, ...]:
    """Mean calls per calendar day of each weekday over the covered span."""
    first, last = min(times.by_date), max(times.by_date)
    totals, days = [0.0] * 7, [0] * 7
    day: date = first
    while day <= last:
        totals[day.weekday()] += times.by_date[day]
        days[day.weekday()] += 1
        day += timedelta(days=1)
    return _shares([t / n for t, n in zip(totals, days, strict=True)])


def _mean_profile(*profiles: tuple[float, ...]) -> tuple[float, ...]:
    return _shares([statistics.fmean(values) for values in zip(*profiles, strict=True)])


def _grades(priorities: Counter[str]) -> dict[str, int]:
    counts = dict.fromkeys((g.value for g in Grade), 0)
    for priority, n in priorities.items():
        grade = SD_PRIORITY_TO_GRADE.get(priority)
        if grade is not None:
            counts[grade.value] += n
    return counts


def _categories(crimes: Counter[str]) -> dict[str, float]:
    mapped: Counter[str] = Counter()
    for slug, n in crimes.items():
        mapped[REDBRIDGE_TO_CATEGORY.get(slug, "unknown")] += n
    names = sorted(mapped)
    return dict(zip(names, _shares([float(mapped[c]) for c in names]), strict=True))


def _attendance(minutes_by_type: list[tuple[str, int]]) -> AttendanceShape:
    kept = [(t, m) for t, m in minutes_by_type if m > 1]
    minutes = sorted(m for _, m in kept)
    cuts = statistics.quantiles(minutes, n=20, method="inclusive")  # 5% steps
    quantiles = {f"p{5 * (i + 1)}": round(c, DIGITS) for i, c in enumerate(cuts)}
    iqr = math.log(quantiles["p75"]) - math.log(quantiles["p25"])
    by_type: dict[str, list[int]] = {}
    for kind, m in kept:
        by_type.setdefault(kind, []).append(m)
    return AttendanceShape(
        rows_used=len(kept),
        median_minutes=round(float(statistics.median(minutes)), DIGITS),
        log_sigma=round(iqr / 1.349, DIGITS),
        quantiles=quantiles,
        median_by_type={
            k: round(float(statistics.median(v)), DIGITS)
            for k, v in sorted(by_type.items())
            if len(v) >= SLO_TYPE_MIN_ROWS
        },
    )


def _export_codes(sd: SanDiegoCounts) -> ExportCodes:
    days = len(sd.times.by_date)
    return ExportCodes(
        header=sd.header,
        calls_per_day=round(sd.times.rows / days, DIGITS),
        call_type_priority=tuple(
            (t, p, n) for (t, p), n in sorted(sd.call_type_priority.items(), key=_by_count)
        ),
        disposition_by_priority={
            p: tuple(sorted(c.items(), key=_by_count))
            for p, c in sorted(sd.disposition_by_priority.items())
        },
        beats=tuple(sorted(sd.beats.items(), key=_by_count)),
        addresses=tuple(sorted(sd.addresses.items(), key=_by_count)[:TOP_ADDRESSES]),
    )


def _by_count(item: tuple[Any, int]) -> tuple[int, str]:
    return (-item[1], repr(item[0]))


def calibrate(shared_data_dir: Path) -> Calibration:
    """Recompute the calibration from the real exports in ``shared_data_dir``."""
    sd = read_san_diego(shared_data_dir)
    slo = read_slo(shared_data_dir)
    crimes = read_redbridge(shared_data_dir)
    hourly = {"san-diego": _hourly(sd.times), "san-luis-obispo": _hourly(slo.times)}
    weekday = {"san-diego": _weekday(sd.times), "san-luis-obispo": _weekday(slo.times)}
    grade_counts = _grades(sd.priorities)
    return Calibration(
        hourly=_mean_profile(*hourly.values()),
        weekday=_mean_profile(*weekday.values()),
        hourly_by_source=hourly,
        weekday_by_source=weekday,
        grade_mix=dict(
            zip(grade_counts, _shares([float(n) for n in grade_counts.values()]), strict=True)
        ),
        grade_counts=grade_counts,
        category_mix=_categories(crimes),
        crime_counts=dict(sorted(crimes.items())),
        attendance=_attendance(slo.attendance_minutes),
        export=_export_codes(sd),
        notes=NOTES,
    )


# --- JSON ----------------------------------------------------------------------------


def calibration_to_json(calibration: Calibration) -> str:
    """Stable JSON text (sorted keys, LF, trailing newline)."""
    return json.dumps(asdict(calibration), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def calibration_from_json(text: str) -> Calibration:
    """Rebuild a Calibration from its JSON text."""
    doc = _tuples(json.loads(text))
    return Calibration(
        **{
            **doc,
            "attendance": AttendanceShape(**doc["attendance"]),
            "export": ExportCodes(**doc["export"]),
        }
    )


def load_calibration(path: Path | None = None) -> Calibration:
    """The shipped calibration (``resources/synthetic/calibration.json``) or one at ``path``."""
    if path is not None:
        return calibration_from_json(path.read_text(encoding="utf-8"))
    resource = resources.files("watchkeeper.resources.synthetic").joinpath("calibration.json")
    return calibration_from_json(resource.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    """Write the calibration computed from the data folder given as the one argument."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m watchkeeper.synthetic.calibration SHARED_DATA_DIR\n")
        return 2
    sys.stdout.write(calibration_to_json(calibrate(Path(args[0]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
