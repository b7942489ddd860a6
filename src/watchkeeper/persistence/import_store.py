"""The CAD importer's store: set-based reads and bulk inserts, on the million-row path.

Core ``executemany`` inserts only: no ORM objects and no round-trip per row. Entry
documents are sealed like the repository's (``entry_sealing``): the personal fields under
the field keys, once per batch; content hashes and source fields are unaffected.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from watchkeeper.incidents.entries import Corrected
from watchkeeper.incidents.model import LogEntry
from watchkeeper.kernel.errors import ConcurrencyConflict
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence.cad_import.sink import ImportedIncident, StoredSource
from watchkeeper.persistence.entry_sealing import sealer_for
from watchkeeper.persistence.repository import IN_CHUNK, chunked, entry_rows, incident_row
from watchkeeper.persistence.tables import incident_entries, incidents


class SqlImportStore:
    """The ImportStore port over one connection (the import unit of work's transaction)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._sealer = sealer_for(connection)  # None: an engine without field keys

    def existing(self, source_system: str, refs: Sequence[str]) -> dict[str, StoredSource]:
        """Stored rows among ``refs`` for this source system, by source reference."""
        found: dict[str, StoredSource] = {}
        columns = (
            incidents.c.id,
            incidents.c.source_ref,
            incidents.c.content_hash,
            incidents.c.source_fields,
            incidents.c.version,
        )
        for chunk in chunked(list(dict.fromkeys(refs)), IN_CHUNK):
            rows = self._connection.execute(
                sa.select(*columns)
                .where(incidents.c.source_ref.in_(chunk))
                .where(incidents.c.source_system == source_system)
            )
            for row in rows:
                found[row.source_ref] = StoredSource(
                    incident_id=IncidentId(row.id),
                    content_hash=row.content_hash or "",
                    source_fields=dict(row.source_fields or {}),
                    version=row.version,
                )
        return found

    def add_many(self, batch: Sequence[ImportedIncident]) -> None:
        """Insert new incidents and all their entries: two executemany statements."""
        if not batch:
            return
        incident_rows = [
            incident_row(
                item.incident,
                source=(item.source_system, item.source_ref),
                content_hash=item.content_hash,
                source_fields=item.source_fields,
            )
            for item in batch
        ]
        entries = [entry for item in batch for entry in item.incident.entries]
        self._connection.execute(sa.insert(incidents), incident_rows)
        self._connection.execute(sa.insert(incident_entries), entry_rows(entries, self._sealer))

    def append_correction(  # noqa: PLR0917 - the signature is the ImportStore port's
        self,
        stored: StoredSource,
        correction: Corrected,
        new_hash: str,
        new_fields: dict[str, str],
        at: datetime,
        author: str,
    ) -> None:
        """Append a 'corrected' entry at the next version and remember the new content.

        Deliberately outside ``check_entry_allowed``: a later export may correct a closed
        incident, and the correction is recorded, never applied silently over the old values.
        """
        version = stored.version + 1
        claimed = self._connection.execute(
            sa.update(incidents)
            .where(incidents.c.id == stored.incident_id)
            .where(incidents.c.version == stored.version)
            .values(version=version, content_hash=new_hash, source_fields=new_fields, updated_at=at)
        )
        if claimed.rowcount != 1:
            raise ConcurrencyConflict(
                f"incident {stored.incident_id} is no longer at version {stored.version}: "
                "it changed during the import; run the import again to pick up the change"
            )
        entry = LogEntry(stored.incident_id, version, at, at, author, correction)
        self._connection.execute(sa.insert(incident_entries), entry_rows([entry], self._sealer))
