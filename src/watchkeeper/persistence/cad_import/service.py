"""The CAD import use case: authorised, and audited batch by batch in each batch's transaction.

``watchkeeper import`` calls :meth:`CadImports.run` and nothing else. The actor needs
``import.run``; a refusal is recorded as refused before anything is read. Every committed
batch appends one ``import.batch`` audit row in the batch's own transaction, so the chain
holds a row for a batch exactly when the batch landed (DESIGN.md: "every read and write is
authorised by role and audited"; issue 3: "audit entries are written in the same
transaction as the change they describe").

The audit record id names the run and the batch, never a person:
``<profile>:<run started, UTC>:batch-<n>:<first>..<last>``, where first and last are the
lowest and highest CAD references the batch looked up (``-`` when it held only rejected rows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from watchkeeper.access.audit import audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.access.ports import AuditEvent, AuditLog, AuditUnitOfWork
from watchkeeper.incidents.entries import Corrected
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.kernel.clock import Clock
from watchkeeper.persistence.cad_import.importer import ImportSummary, import_files
from watchkeeper.persistence.cad_import.profile import load_profile
from watchkeeper.persistence.cad_import.sink import (
    AuditedImportUnitOfWork,
    ImportedIncident,
    ImportStore,
    StoredSource,
)

BATCH_ACTION = "import.batch"
RECORD_TYPE = "import"
# Record ids hold 128 characters: 32 (profile) + 17 (run) + 13 (batch) + 2 × 24 (refs) + 6.
_PROFILE_PART, _REF_PART, _RECORD_ID = 32, 24, 128


@dataclass(frozen=True, slots=True)
class ImportRequest:
    """What the operator asked to import, and how."""

    profile: str  # a bundled profile name or a profile file
    files: Sequence[Path]
    rejects_dir: Path = Path("rejects")
    batch_size: int = 2000


class CadImports:
    """The CAD import's use case, wired by bootstrap."""

    def __init__(
        self,
        uow_factory: Callable[[], AuditedImportUnitOfWork],
        clock: Clock,
        force: ForceProfile,
        audit_uow_factory: Callable[[], AuditUnitOfWork],
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._force = force
        self._trail = AuditTrail(audit_uow_factory, clock)

    def run(
        self,
        actor: Actor,
        request: ImportRequest,
        on_progress: Callable[[int], None] | None = None,
    ) -> ImportSummary:
        """Import ``request.files`` through the profile; one transaction and audit row a batch.

        Refuses (and audits the refusal) unless ``actor`` holds ``import.run``. Raises
        ConfigurationError for an unknown or broken profile and InputError for a file
        lacking a column the profile reads, before anything is written. ``on_progress``
        receives the bytes consumed so far after each committed batch.
        """
        label = Path(request.profile).stem[:_PROFILE_PART]  # a profile file's name, not its folders
        self._trail.authorise(actor, Permission.IMPORT_RUN, (RECORD_TYPE, label))
        profile = load_profile(request.profile, self._force)
        ledger = _BatchLedger(actor, profile.name, self._clock)
        return import_files(
            profile,
            request.files,
            lambda: _AuditedBatch(self._uow(), ledger),
            self._clock,
            f"import:{actor.username}",
            request.rejects_dir,
            batch_size=request.batch_size,
            on_progress=on_progress,
        )


class _BatchLedger:
    """Numbers one run's batches and writes the audit event for each."""

    def __init__(self, actor: Actor, profile: str, clock: Clock) -> None:
        self._actor = actor
        self._clock = clock
        started = clock.now().astimezone(UTC)
        self._run = f"{profile[:_PROFILE_PART]}:{started:%Y%m%dT%H%M%SZ}"
        self._count = 0

    def event(self, refs: Sequence[str]) -> AuditEvent:
        self._count += 1
        span = f"{min(refs)[:_REF_PART]}..{max(refs)[:_REF_PART]}" if refs else "-"
        record = (RECORD_TYPE, f"{self._run}:batch-{self._count}:{span}"[:_RECORD_ID])
        return audit_event(self._actor, self._clock.now(), BATCH_ACTION, record)


class _WatchedStore:
    """The import store, noting which CAD references the batch looked up."""

    def __init__(self, store: ImportStore) -> None:
        self._store = store
        self.refs: list[str] = []

    def existing(self, source_system: str, refs: Sequence[str]) -> dict[str, StoredSource]:
        self.refs.extend(refs)
        return self._store.existing(source_system, refs)

    def add_many(self, batch: Sequence[ImportedIncident]) -> None:
        self._store.add_many(batch)

    def append_correction(  # noqa: PLR0917 - the signature is the ImportStore port's
        self,
        stored: StoredSource,
        correction: Corrected,
        new_hash: str,
        new_fields: dict[str, str],
        at: datetime,
        author: str,
    ) -> None:
        self._store.append_correction(stored, correction, new_hash, new_fields, at, author)


class _AuditedBatch:
    """One batch's unit of work: committing first appends the batch's audit row to it."""

    imports: ImportStore
    audit: AuditLog

    def __init__(self, uow: AuditedImportUnitOfWork, ledger: _BatchLedger) -> None:
        self._uow = uow
        self._ledger = ledger

    def __enter__(self) -> Self:
        self._uow.__enter__()
        self._watched = _WatchedStore(self._uow.imports)
        self.imports = self._watched
        self.audit = self._uow.audit
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._uow.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        self.audit.record(self._ledger.event(self._watched.refs))
        self._uow.commit()
        self._watched.refs.clear()  # work after a commit is a new transaction, a new batch

    def rollback(self) -> None:
        self._uow.rollback()
        self._watched.refs.clear()
