"""Subject access: one person's records across every register, third parties redacted.

Every table on the metadata that has a subject column (``person_ref``, ``victim_ref``,
``perpetrator_ref``) is searched, so a register added later (safeguarding, organised crime)
is covered as soon as its tables are registered; incidents are searched by caller and by
the nominal index's links, and shown with their log. The redaction rules are in
``information.subject_access``.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.incidents.entries import to_document
from watchkeeper.information.subject_access import (
    OFFICER,
    SUBJECT_COLUMNS,
    THIRD_PARTY,
    WITHHELD,
    redact_entry_document,
    redact_row,
)
from watchkeeper.kernel.clock import Clock
from watchkeeper.kernel.errors import InputError
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence.backup_archive import encode_value
from watchkeeper.persistence.repository import SqlIncidentRepository
from watchkeeper.persistence.tables import incidents, metadata
from watchkeeper.persistence.uow import SqlUnitOfWork

# Searched separately (incidents) or never personal data of the public (accounts, audit).
NOT_REGISTERS = frozenset({"incidents", "users", "user_sessions", "audit_log"})


class SubjectAccess:
    """Export everything held about one person, redacted, as one JSON-ready document."""

    def __init__(self, engine: sa.Engine, signer: AuditSigner, clock: Clock) -> None:
        self._engine = engine
        self._trail = AuditTrail(partial(SqlUnitOfWork, engine, signer, immediate=True), clock)
        self._clock = clock

    def export(self, actor: Actor, person_ref: str, reason: str | None = None) -> dict[str, Any]:
        """The subject's records; audited as a read of the person's data."""
        if not person_ref.strip():
            raise InputError("a subject-access export needs the person's reference")
        record = ("person", person_ref)
        self._trail.authorise(actor, Permission.SUBJECT_ACCESS, record)
        now = self._clock.now()
        with self._engine.connect() as connection, connection.begin():
            registers = _registers(connection, person_ref)
            logs = _incidents(connection, person_ref)
        self._trail.read(actor, "subject-access.export", record, reason)
        return {
            "subject": person_ref,
            "generated_at": now.isoformat(),
            "redaction": {"third_party": THIRD_PARTY, "officer": OFFICER, "free_text": WITHHELD},
            "incidents": logs,
            "registers": registers,
        }


def _registers(connection: sa.Connection, subject: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for table in metadata.sorted_tables:
        columns = [table.c[name] for name in SUBJECT_COLUMNS if name in table.c]
        if table.name in NOT_REGISTERS or not columns:
            continue
        free = frozenset(c.name for c in table.columns if isinstance(c.type, sa.Text | sa.JSON))
        rows = connection.execute(sa.select(table).where(sa.or_(*(c == subject for c in columns))))
        shown = [
            redact_row(table.name, {k: encode_value(v) for k, v in row.items()}, subject, free)
            for row in rows.mappings()
        ]
        if shown:
            found[table.name] = shown
    return found


def _incidents(connection: sa.Connection, subject: str) -> list[dict[str, Any]]:
    ids = set(
        connection.execute(sa.select(incidents.c.id).where(incidents.c.person_ref == subject))
        .scalars()
        .all()
    )
    links = metadata.tables.get("record_links")
    if links is not None:
        linked = sa.select(links.c.incident_id).where(links.c.person_ref == subject)
        ids |= {i for i in connection.execute(linked).scalars() if i}
    logs = SqlIncidentRepository(connection).load_many(IncidentId(i) for i in ids)
    return [
        {
            "incident_id": log.incident_id,
            "category": log.state.opened.category,
            "status": log.state.status.value,
            "logged_at": _iso(log.state.logged_at),
            "closed_at": _iso(log.state.closed_at),
            "entries": [
                {
                    "seq": entry.seq,
                    "at": entry.at.isoformat(),
                    "kind": entry.payload.kind,
                    "author": OFFICER,
                    "detail": redact_entry_document(
                        entry.payload.kind, to_document(entry.payload), subject
                    ),
                }
                for entry in log.entries
            ],
        }
        for log in logs
    ]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
