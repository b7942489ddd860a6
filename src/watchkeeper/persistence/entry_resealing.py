"""Re-encrypting stored incident log entries: ``keys rotate`` (and ``keys reseal``).

Seals legacy clear entries and moves sealed ones to the newest field key, in batches of
``RESEAL_BATCH`` entries, each batch one transaction with its own audit row. Only the entry
documents change, and only in how they are stored: every entry reads back exactly as before
(same payload, seq, version); the incident projection, the log change marker and the audit
chain (which never hashes entry documents) are untouched. Stopping half way is safe: every
entry reads under any key still in the key file, and a second run finishes the rest.
"""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner, audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.kernel.clock import Clock
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.persistence.entry_sealing import FIELD_SEALER, SEALED_FIELDS, EntrySealer
from watchkeeper.persistence.information_uow import InformationUnitOfWork
from watchkeeper.persistence.tables import incident_entries
from watchkeeper.persistence.uow import SqlUnitOfWork

RESEAL_BATCH = 2000  # entries per transaction


class EntryResealing:
    """Seal legacy clear entries and move sealed ones to the newest key (``keys rotate``)."""

    def __init__(self, engine: sa.Engine, signer: AuditSigner, clock: Clock) -> None:
        sealer = engine.get_execution_options().get(FIELD_SEALER)
        if not isinstance(sealer, EntrySealer):
            raise ConfigurationError("this store was opened without the field key file")
        self._engine = engine
        self._sealer = sealer
        self._uow = partial(InformationUnitOfWork, engine, signer)
        self._trail = AuditTrail(partial(SqlUnitOfWork, engine, signer, immediate=True), clock)
        self._clock = clock

    def reseal(self, actor: Actor, batch: int = RESEAL_BATCH) -> tuple[str, int]:
        """(newest key id, entries rewritten); one transaction and one audit row per batch.

        Safe to stop and run again: every entry reads back under any key in the file, and
        a second run rewrites only what the first did not reach.
        """
        self._trail.authorise(actor, Permission.KEYS_ROTATE, ("keys", "incident-entries"))
        self._sealer.reload()
        current = self._sealer.current_key_id
        e = incident_entries.c
        after: tuple[str, int] = ("", -1)
        total = 0
        while True:
            with self._uow() as uow:
                rows = uow.connection.execute(
                    sa.select(e.incident_id, e.seq, e.kind, e.document)
                    .where(e.kind.in_(sorted(SEALED_FIELDS)))
                    .where(sa.tuple_(e.incident_id, e.seq) > sa.tuple_(*after))
                    .order_by(e.incident_id, e.seq)
                    .limit(batch)
                ).all()
                if not rows:
                    break
                after = (rows[-1].incident_id, rows[-1].seq)
                changed = 0
                for row in rows:
                    document = self._sealer.reseal(row.incident_id, row.seq, row.kind, row.document)
                    if document is None:
                        continue
                    uow.connection.execute(
                        sa.update(incident_entries)
                        .where(e.incident_id == row.incident_id)
                        .where(e.seq == row.seq)
                        .values(document=document)
                    )
                    changed += 1
                if changed:
                    reason = f"{changed} incident log entries sealed under key {current}"
                    uow.audit.record(
                        audit_event(
                            actor, self._clock.now(), "keys.reseal-entries",
                            ("keys", "incident-entries"), reason=reason,
                        )
                    )  # fmt: skip
                    uow.commit()
                total += changed
        return current, total
