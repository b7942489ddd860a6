"""The contract between the CAD importer and the store it writes to.

The importer works batch by batch: ``with uow_factory() as uow: ...; uow.commit()``.
A batch either lands whole or not at all, so an interrupted import resumes idempotently.
The import service audits each batch in that same transaction (``AuditedImportUnitOfWork``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from watchkeeper.access.ports import AuditLog
from watchkeeper.incidents.entries import Corrected
from watchkeeper.incidents.model import Incident
from watchkeeper.kernel.ids import IncidentId


@dataclass(frozen=True, slots=True)
class ImportedIncident:
    """A mapped incident plus what identifies the source row it came from."""

    incident: Incident
    source_system: str
    source_ref: str
    content_hash: str  # sha256 of the source row's normalised values
    source_fields: dict[str, str]  # the mapped values compared when a row changes


@dataclass(frozen=True, slots=True)
class StoredSource:
    """What the store already holds for a source reference."""

    incident_id: IncidentId
    content_hash: str
    source_fields: dict[str, str]
    version: int


class ImportStore(Protocol):
    def existing(self, source_system: str, refs: Sequence[str]) -> dict[str, StoredSource]:
        """Stored rows among ``refs`` for this source system, by source reference."""

    def add_many(self, batch: Sequence[ImportedIncident]) -> None:
        """Insert new incidents (and all their entries) in bulk."""

    def append_correction(  # noqa: PLR0917 - the store's bulk path passes these positionally
        self,
        stored: StoredSource,
        correction: Corrected,
        new_hash: str,
        new_fields: dict[str, str],
        at: datetime,
        author: str,
    ) -> None:
        """Append a 'corrected' entry to a stored incident and remember the new content."""


class ImportUnitOfWork(Protocol):
    imports: ImportStore

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class AuditedImportUnitOfWork(ImportUnitOfWork, Protocol):
    """An import transaction that can also append to the audit chain (the import service's)."""

    audit: AuditLog
