"""In-memory fakes the importer is tested against: import store, audit log, unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Self

from watchkeeper.access.ports import AuditEvent
from watchkeeper.incidents.entries import Corrected
from watchkeeper.incidents.model import Incident, LogEntry
from watchkeeper.persistence.cad_import.sink import ImportedIncident, StoredSource


@dataclass
class _Row:
    incident: Incident
    content_hash: str
    source_fields: dict[str, str]


@dataclass
class FakeImportStore:
    """Rows by (source system, source ref); corrections appended to the stored incident."""

    rows: dict[tuple[str, str], _Row] = field(default_factory=dict)
    lookups: list[list[str]] = field(default_factory=list)

    def existing(self, source_system: str, refs: Sequence[str]) -> dict[str, StoredSource]:
        self.lookups.append(list(refs))
        found = {}
        for ref in refs:
            row = self.rows.get((source_system, ref))
            if row is not None:
                found[ref] = StoredSource(
                    row.incident.incident_id,
                    row.content_hash,
                    dict(row.source_fields),
                    row.incident.version,
                )
        return found

    def add_many(self, batch: Sequence[ImportedIncident]) -> None:
        for item in batch:
            key = (item.source_system, item.source_ref)
            assert key not in self.rows, f"{key} imported twice"
            self.rows[key] = _Row(item.incident, item.content_hash, dict(item.source_fields))

    def append_correction(
        self,
        stored: StoredSource,
        correction: Corrected,
        new_hash: str,
        new_fields: dict[str, str],
        at: datetime,
        author: str,
    ) -> None:
        row = self.rows[(correction.source_system, correction.source_ref)]
        assert row.incident.incident_id == stored.incident_id
        assert row.incident.version == stored.version, "stale version"
        # A closed incident still accepts corrections: the log keeps what the export said.
        seq = len(row.incident.entries) + 1
        row.incident.entries.append(
            LogEntry(row.incident.incident_id, seq, at, at, author, correction)
        )
        row.content_hash, row.source_fields = new_hash, dict(new_fields)

    def incident(self, source_system: str, ref: str) -> Incident:
        return self.rows[(source_system, ref)].incident


@dataclass
class FakeAuditLog:
    """Audit events in order; the unit of work drops those its transaction did not commit."""

    events: list[AuditEvent] = field(default_factory=list)

    def record(self, event: AuditEvent) -> None:
        self.events.append(event)


class FakeImportUnitOfWork:
    """One transaction: leaving without commit undoes what the block wrote."""

    def __init__(self, store: FakeImportStore, audit: FakeAuditLog | None = None) -> None:
        self.imports = store
        self.audit = audit if audit is not None else FakeAuditLog()
        self._audited = len(self.audit.events)
        self.commits = 0
        self._snapshot: dict[tuple[str, str], tuple[int, str, dict[str, str]]] = {}
        self._keys: set[tuple[str, str]] = set()

    def __enter__(self) -> Self:
        self._audited = len(self.audit.events)
        self._keys = set(self.imports.rows)
        self._snapshot = {
            k: (r.incident.version, r.content_hash, r.source_fields)
            for k, r in self.imports.rows.items()
        }
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self.commits += 1
        self._audited = len(self.audit.events)
        self._keys = set(self.imports.rows)
        self._snapshot = {
            k: (r.incident.version, r.content_hash, r.source_fields)
            for k, r in self.imports.rows.items()
        }

    def rollback(self) -> None:
        del self.audit.events[self._audited :]
        for key in set(self.imports.rows) - self._keys:
            del self.imports.rows[key]
        for key, (version, content_hash, fields) in self._snapshot.items():
            row = self.imports.rows[key]
            del row.incident.entries[version:]
            row.content_hash, row.source_fields = content_hash, fields
