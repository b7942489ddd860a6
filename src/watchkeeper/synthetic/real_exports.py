"""Read the real public exports in ``../shared/data`` into plain counts for calibration.

Only counting happens here; turning counts into shares and shapes is ``calibration``'s job.
Each reader states which rows it uses and why any are set aside (never silently).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

SAN_DIEGO_CALLS = "sandiego-pd-cfs/pd_calls_for_service_2023_datasd__2023-01-01_to_2023-01-15.csv"
SLO_GLOB = "slo-pd-call-log/SLOPD_report_*.csv"
REDBRIDGE_GLOB = "uk-met-redbridge-street-crime/police-crime-*.json"

# San Diego address columns, in header order (used to copy realistic block addresses).
SD_ADDRESS_COLUMNS = (
    "address_number_primary",
    "address_dir_primary",
    "address_road_primary",
    "address_sfx_primary",
    "address_dir_intersecting",
    "address_road_intersecting",
    "address_sfx_intersecting",
)


@dataclass
class CallTimes:
    """Calls counted by local hour of day and by date (for a per-weekday daily mean)."""

    by_hour: Counter[int] = field(default_factory=Counter)
    by_date: Counter[date] = field(default_factory=Counter)
    rows: int = 0


@dataclass
class SanDiegoCounts:
    times: CallTimes
    priorities: Counter[str]
    call_type_priority: Counter[tuple[str, str]]
    disposition_by_priority: dict[str, Counter[str]]
    beats: Counter[str]
    addresses: Counter[tuple[str, ...]]
    header: tuple[str, ...]


@dataclass
class SloCounts:
    times: CallTimes
    attendance_minutes: list[tuple[str, int]]  # (type, minutes received -> arrived)
    rows_read: int
    exact_duplicates: int


def _count_time(times: CallTimes, at: datetime) -> None:
    times.by_hour[at.hour] += 1
    times.by_date[at.date()] += 1
    times.rows += 1


def read_san_diego(data_dir: Path) -> SanDiegoCounts:
    """Count San Diego CFS rows: creation hour/date, priority, call type, disposition, beat."""
    path = data_dir / SAN_DIEGO_CALLS
    times = CallTimes()
    counts = SanDiegoCounts(times, Counter(), Counter(), {}, Counter(), Counter(), ())
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        counts.header = tuple(reader.fieldnames or ())
        for row in reader:
            _count_time(times, datetime.strptime(row["date_time"], "%Y-%m-%d %H:%M:%S"))  # noqa: DTZ007 - local wall clock
            priority = row["priority"]
            counts.priorities[priority] += 1
            counts.call_type_priority[(row["call_type"], priority)] += 1
            counts.disposition_by_priority.setdefault(priority, Counter())[row["disposition"]] += 1
            counts.beats[row["beat"]] += 1
            counts.addresses[tuple(row[c] for c in SD_ADDRESS_COLUMNS)] += 1
    return counts


def _clock_minutes(text: str) -> int | None:
    hours, _, minutes = text.partition(":")
    if not (hours.isdecimal() and minutes.isdecimal()):
        return None
    return int(hours) * 60 + int(minutes)


def _slo_rows(data_dir: Path) -> tuple[list[dict[str, str]], int, int]:
    """Rows of every SLO month, exact duplicate rows dropped (the scraper appended some days twice)."""
    seen: set[tuple[str, ...]] = set()
    rows: list[dict[str, str]] = []
    read = 0
    for path in sorted(data_dir.glob(SLO_GLOB)):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                read += 1
                key = tuple(row.values())
                if key not in seen:
                    seen.add(key)
                    rows.append(row)
    return rows, read, read - len(rows)


def read_slo(data_dir: Path) -> SloCounts:
    """Count SLO calls by received hour/date, and received -> arrived minutes by type."""
    rows, read, duplicates = _slo_rows(data_dir)
    counts = SloCounts(CallTimes(), [], read, duplicates)
    for row in rows:
        received = _clock_minutes(row["received"])
        if received is None:
            continue
        day = datetime.strptime(row["date"], "%m/%d/%y")  # noqa: DTZ007 - local wall clock
        _count_time(counts.times, day.replace(hour=received // 60, minute=received % 60))
        arrived = _clock_minutes(row["arrived"])
        if arrived is not None:
            # HH:MM only: an arrival that shows an earlier clock time is after midnight.
            delta = arrived - received if arrived >= received else arrived + 1440 - received
            counts.attendance_minutes.append((row["type"], delta))
    return counts


def read_redbridge(data_dir: Path) -> Counter[str]:
    """Count data.police.uk street-crime records by category slug."""
    categories: Counter[str] = Counter()
    for path in sorted(data_dir.glob(REDBRIDGE_GLOB)):
        for record in json.loads(path.read_text(encoding="utf-8")):
            categories[str(record["category"])] += 1
    return categories
