"""Review, retention and disposal (MoPI-style): which records are due for review, and when.

A record's review falls due its group's review period after its last activity; a decision
to retain sets the next review that period after the decision. A decision to delete ends
the record's reviews (the record is disposed of in the same transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from watchkeeper.kernel.errors import ConfigurationError, InputError

DAYS_PER_YEAR = 365.25  # review periods are whole years; leap days averaged


class Decision(StrEnum):
    RETAIN = "retain"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class RecordType:
    """Where a kind of record lives and which group its reviews follow."""

    name: str
    table: str
    id_column: str
    activity_columns: tuple[str, ...]
    group: int
    category_column: str | None = None
    category_groups: Mapping[str, int] = field(default_factory=dict)

    def group_for(self, category: str | None) -> int:
        return self.category_groups.get(category or "", self.group)


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """Groups (number -> review period in years, label) and the record types."""

    review_years: Mapping[int, float]
    labels: Mapping[int, str]
    record_types: Mapping[str, RecordType]

    def period(self, group: int) -> timedelta:
        return timedelta(days=self.review_years[group] * DAYS_PER_YEAR)

    def record_type(self, name: str) -> RecordType:
        found = self.record_types.get(name)
        if found is None:
            known = ", ".join(sorted(self.record_types))
            raise InputError(f"unknown record type {name!r} (known: {known})")
        return found


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """What the review needs of one stored record: no content, only dates and category."""

    record_type: str
    record_id: str
    last_activity: datetime
    category: str | None = None


@dataclass(frozen=True, slots=True)
class LastDecision:
    decision: Decision
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewDue:
    """A record due for review at ``as_of``."""

    record_type: str
    record_id: str
    group: int
    last_activity: datetime
    due_at: datetime
    last_decision: LastDecision | None


def due_at(
    policy: RetentionPolicy, record: StoredRecord, last: LastDecision | None
) -> datetime | None:
    """When the record's next review falls due (None: a delete decision ended its reviews)."""
    if last is not None and last.decision is Decision.DELETE:
        return None
    group = policy.record_type(record.record_type).group_for(record.category)
    start = record.last_activity
    if last is not None:
        start = max(start, last.decided_at)
    return start + policy.period(group)


def reviews_due(
    policy: RetentionPolicy,
    records: Iterable[StoredRecord],
    decisions: Mapping[tuple[str, str], LastDecision],
    as_of: datetime,
) -> list[ReviewDue]:
    """Records whose review is due at ``as_of``, longest overdue first."""
    due: list[ReviewDue] = []
    for record in records:
        last = decisions.get((record.record_type, record.record_id))
        when = due_at(policy, record, last)
        if when is not None and when <= as_of:
            group = policy.record_type(record.record_type).group_for(record.category)
            due.append(
                ReviewDue(
                    record.record_type, record.record_id, group, record.last_activity, when, last
                )
            )
    return sorted(due, key=lambda r: (r.due_at, r.record_type, r.record_id))


def parse_policy(doc: Mapping[str, Any]) -> RetentionPolicy:
    """The policy from its TOML document; ConfigurationError names the key at fault."""
    try:
        groups = {int(k): v for k, v in doc["groups"].items()}
        years = {k: float(v["review_years"]) for k, v in groups.items()}
        labels = {k: str(v.get("label", f"group {k}")) for k, v in groups.items()}
        types = {name: _record_type(name, spec) for name, spec in doc["record_types"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigurationError(f"retention configuration: missing or invalid {exc}") from None
    for key, value in years.items():
        if value <= 0:
            raise ConfigurationError(f"retention groups.{key}.review_years must be positive")
    for record_type in types.values():
        used = {record_type.group, *record_type.category_groups.values()}
        unknown = sorted(used - set(years))
        if unknown:
            raise ConfigurationError(
                f"retention record_types.{record_type.name}: groups {unknown} are not defined"
            )
    return RetentionPolicy(years, labels, types)


def _record_type(name: str, spec: Mapping[str, Any]) -> RecordType:
    return RecordType(
        name=name,
        table=str(spec["table"]),
        id_column=str(spec["id_column"]),
        activity_columns=tuple(str(c) for c in spec["activity_columns"]),
        group=int(spec["group"]),
        category_column=spec.get("category_column"),
        category_groups={str(k): int(v) for k, v in spec.get("category_groups", {}).items()},
    )


def as_instant(value: datetime | date) -> datetime:
    """A date column's value as the start of that day (UTC); instants unchanged."""
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
