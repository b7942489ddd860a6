"""One source record -> an imported incident log, or a rejection naming field and reason.

Unknown codes are not rejected: they import as the profile's unknown grade / category and
are counted, so nothing is dropped silently and a person can grade them later.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from watchkeeper.incidents.entries import (
    Arrived,
    CallSource,
    Closed,
    EntryPayload,
    Graded,
    Location,
    Opened,
    ResourceAssigned,
    VulnerabilityMarked,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.kernel.errors import DomainRuleViolation
from watchkeeper.kernel.ids import new_incident_id
from watchkeeper.persistence.cad_import.profile import ImportProfile, TypeRule
from watchkeeper.persistence.cad_import.reader import SourceRecord
from watchkeeper.persistence.cad_import.sink import ImportedIncident
from watchkeeper.persistence.cad_import.timestamps import UnusableValue, event_time, received_time

EVENTS = ("dispatched", "arrived", "cleared")
UNRECORDED_UNIT = "unrecorded"


@dataclass(frozen=True, slots=True)
class Rejection:
    file: str
    record_number: int
    line: int
    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class Mapped:
    imported: ImportedIncident
    unknown_codes: tuple[str, ...]  # "column=value" for each code the profile did not know


@dataclass(frozen=True, slots=True)
class ImportRun:
    """What every row of one run shares: the profile, who imports, and when."""

    profile: ImportProfile
    author: str
    imported_at: datetime


# --- codes -----------------------------------------------------------------------------


def _call_type(profile: ImportProfile, row: dict[str, str]) -> tuple[TypeRule | None, str, str]:
    values = [(c, row[c].strip()) for c in profile.type_columns]
    for pattern in profile.type_patterns:
        for column, value in values:
            if pattern.pattern.search(value):
                return pattern.rule, column, value
    for column, value in values:
        if value in profile.types:
            return profile.types[value], column, value
    column, value = next(((c, v) for c, v in values if v), values[0])
    return None, column, value


def _grade(
    profile: ImportProfile, row: dict[str, str], rule: TypeRule | None, type_code: str
) -> tuple[Graded, str | None]:
    if profile.priority is not None:
        column, value = profile.priority.column, row[profile.priority.column].strip()
        label = profile.priority.mapping.get(value)
    else:
        column, value = profile.type_columns[0], type_code
        label = rule.grade_label if rule is not None and rule.grade_label else None
    if label is not None:
        reason = f"imported: {column}={value} (profile assumption)"
        return Graded(profile.grades[label], label, reason), None
    label = profile.unknown_grade_label
    reason = (
        f"imported: {column}={value!r} is not in the profile; unknown grade (profile assumption)"
    )
    unknown = f"{column}={value}" if profile.priority is not None else None
    return Graded(profile.grades[label], label, reason), unknown


def _source(
    profile: ImportProfile, row: dict[str, str], rule: TypeRule | None, unknown: list[str]
) -> CallSource:
    column = profile.source.column
    value = row[column].strip() if column else ""
    if value in profile.source.mapping:
        return CallSource(profile.source.mapping[value])
    if value:
        unknown.append(f"{column}={value}")
    if rule is not None and rule.source is not None:
        return rule.source
    return CallSource(profile.source.default)


def _coordinate(row: dict[str, str], column: str, limit: float) -> float | None:
    value = row[column].strip() if column else ""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise UnusableValue(column, f"unparseable coordinate {value!r}") from None
    if not -limit <= number <= limit:
        raise UnusableValue(column, f"coordinate {value!r} is out of range")
    return number


def _location(profile: ImportProfile, row: dict[str, str], unknown: list[str]) -> Location:
    parts = []
    for group in profile.location_parts:
        words = [row[c].strip() for c in group]
        text = " ".join(w for w in words if w and w not in profile.location_ignore)
        if text:
            parts.append(text)
    area_value = row[profile.area.column].strip()
    area = profile.area.mapping.get(area_value)
    if area is None and area_value:
        unknown.append(f"{profile.area.column}={area_value}")
    lat = _coordinate(row, profile.lat_column, 90.0)
    lon = _coordinate(row, profile.lon_column, 180.0)
    return Location(profile.location_separator.join(parts), area or profile.area.default, lat, lon)


def _closing(profile: ImportProfile, row: dict[str, str], unknown: list[str]) -> str | None:
    """The closing category, or None when the profile's still-open rule says it is open."""
    column = profile.still_open_column
    if column and row[column].strip() in profile.still_open_values:
        return None
    value = row[profile.closing.column].strip() if profile.closing.column else ""
    if value and value not in profile.closing.mapping:
        unknown.append(f"{profile.closing.column}={value}")
    return profile.closing.mapping.get(value, profile.closing.default)


# --- the incident ----------------------------------------------------------------------


def content_hash(raw: tuple[str, ...]) -> str:
    """sha256 over the record's values in header order, each stripped of edge whitespace."""
    text = json.dumps([v.strip() for v in raw], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _units(profile: ImportProfile, row: dict[str, str]) -> tuple[str, ...]:
    if not profile.units_column:
        return ()
    return tuple(u.strip() for u in row[profile.units_column].split(",") if u.strip())


def _build(
    run: ImportRun,
    ref: str,
    opened: Opened,
    received: datetime,
    later: list[tuple[datetime, EntryPayload]],
) -> Incident:
    seed = int(hashlib.sha256(f"{run.profile.source_system}|{ref}".encode()).hexdigest()[:10], 16)
    incident = Incident.open(
        new_incident_id(received, entropy=seed),
        opened,
        at=received,
        author=run.author,
        recorded_at=run.imported_at,
    )
    for at, payload in later:
        incident.record(payload, at=at, author=run.author, recorded_at=run.imported_at)
    return incident


def _timeline(
    run: ImportRun, row: dict[str, str], received: datetime, day: date
) -> dict[str, datetime | None]:
    profile = run.profile
    return {
        event: event_time(row, profile.events[event], profile.timezone, received, day)
        if event in profile.events
        else None
        for event in EVENTS
    }


def _later_entries(
    profile: ImportProfile,
    received: datetime,
    times: dict[str, datetime | None],
    units: tuple[str, ...],
    closing: str | None,
) -> list[tuple[datetime, EntryPayload]]:
    unit = units[0] if units else UNRECORDED_UNIT
    later: list[tuple[datetime, EntryPayload]] = []
    if (dispatched := times["dispatched"]) is not None:
        later.append((dispatched, ResourceAssigned(unit, reason="imported dispatch")))
    if (arrived := times["arrived"]) is not None:
        later.append((arrived, Arrived(unit)))
    later.sort(key=lambda pair: pair[0])
    if closing is not None:
        horizon = received + timedelta(hours=profile.closing_horizon_hours)
        closed_at = times["cleared"] or times["arrived"] or horizon
        closed_at = max([closed_at, *(at for at, _ in later)])
        later.append((closed_at, Closed(closing, note="imported")))
    return later


def _fields(
    row: dict[str, str],
    profile: ImportProfile,
    received: datetime,
    opened: Opened,
    units: tuple[str, ...],
) -> dict[str, str]:
    """The mapped values a later export is compared on, as text."""
    priority = row[profile.priority.column].strip() if profile.priority else ""
    closing = profile.closing.column
    return {
        "received": received.isoformat(),
        "type": " / ".join(row[c].strip() for c in profile.type_columns),
        "priority": priority,
        "location": opened.location.text,
        "units": ",".join(units),
        "disposition": row[closing].strip() if closing else "",
    }


def map_record(
    run: ImportRun, record: SourceRecord, file: str, after: datetime | None = None
) -> Mapped | Rejection:
    """Map one record; ``after`` (the previous record's received time) settles DST folds."""
    try:
        return _map(run, record.values, record.raw, after)
    except UnusableValue as reject:
        return Rejection(file, record.record_number, record.line, reject.field, reject.reason)
    except DomainRuleViolation as exc:
        return Rejection(file, record.record_number, record.line, "", exc.message)
    except OverflowError:  # a date at the edge of the calendar, e.g. year 9999 + a wrap
        return Rejection(file, record.record_number, record.line, "", "a time is out of range")


def _opened(
    profile: ImportProfile, row: dict[str, str], ref: str, unknown: list[str]
) -> tuple[Opened, TypeRule | None, str]:
    rule, type_column, type_code = _call_type(profile, row)
    if rule is None:
        unknown.append(f"{type_column}={type_code}")
    opened = Opened(
        source=_source(profile, row, rule, unknown),
        location=_location(profile, row, unknown),
        category=rule.category if rule else profile.unknown_category,
        summary=(rule.name if rule and rule.name else type_code) or "(no call type)",
        source_system=profile.source_system,
        source_ref=ref,
    )
    return opened, rule, type_code


def _map(
    run: ImportRun, row: dict[str, str], raw: tuple[str, ...], after: datetime | None
) -> Mapped:
    profile = run.profile
    ref = row[profile.reference_column].strip()
    if not ref:
        raise UnusableValue(profile.reference_column, "missing source reference")
    received, day = received_time(row, profile.received, profile.timezone, after)
    times = _timeline(run, row, received, day)
    unknown: list[str] = []
    opened, rule, type_code = _opened(profile, row, ref, unknown)
    graded, unknown_grade = _grade(profile, row, rule, type_code)
    unknown.extend([unknown_grade] if unknown_grade else [])
    units = _units(profile, row)
    marked = [
        VulnerabilityMarked(m, note="imported (profile assumption)")
        for m in (rule.markers if rule else ())
    ]
    closing = _closing(profile, row, unknown)
    later = [
        (received, graded),
        *((received, m) for m in marked),
        *_later_entries(profile, received, times, units, closing),
    ]
    fields = _fields(row, profile, received, opened, units) | {
        k: v.isoformat() if v is not None else "" for k, v in times.items()
    }
    incident = _build(run, ref, opened, received, later)
    imported = ImportedIncident(incident, profile.source_system, ref, content_hash(raw), fields)
    return Mapped(imported, tuple(unknown))
