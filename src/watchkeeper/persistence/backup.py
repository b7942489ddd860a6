"""Online backup and restore of the whole store, on either engine, through one archive.

Consistency while the system serves:

- SQLite: the online backup API copies the live file page by page into a private snapshot
  (WAL readers and the writer carry on); the archive is dumped from that snapshot.
- PostgreSQL: every table is read in one REPEATABLE READ, READ ONLY transaction, so the
  archive is one snapshot of the database however long the dump takes.

A restore goes into a freshly migrated, empty database only, in one transaction; then
``compare`` re-reads the restored database and checks each table's count and SHA-256
against the manifest, and ``verify_audit_chain`` recomputes the keyed audit chain.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner, Verification, verify_chain
from watchkeeper.kernel.errors import InputError
from watchkeeper.persistence.access_store import SqlAuditChainStore
from watchkeeper.persistence.backup_archive import (
    Manifest,
    TableDump,
    decode_rows,
    digest,
    read_archive,
    table_lines,
    write_archive,
)
from watchkeeper.persistence.engine import SQLITE_BEGIN_IMMEDIATE
from watchkeeper.persistence.tables import metadata

# Rows the migrations themselves create (0002: the audit chain's head; 0003: the log change
# marker). A fresh database holds them, so they do not make it "non-empty"; a restore
# replaces them, and writes them last so the 0003 triggers cannot bump the restored marker.
SEEDED_BY_MIGRATIONS = ("audit_chain_head", "log_change_marker")
INSERT_CHUNK = 1000


def back_up(engine: sa.Engine, out: Path, revision: str, now: datetime) -> Manifest:
    """Write a consistent archive of every table to ``out``; its manifest."""
    with _snapshot(engine, out.parent) as connection:
        tables, members = _dump(connection)
    manifest = Manifest(revision, engine.dialect.name, now.isoformat(), tables)
    write_archive(out, manifest, members)
    return manifest


@contextmanager
def _snapshot(engine: sa.Engine, scratch: Path) -> Iterator[sa.Connection]:
    if engine.dialect.name != "sqlite":
        with engine.connect() as connection:
            repeatable = connection.execution_options(isolation_level="REPEATABLE READ")
            with repeatable.begin():
                repeatable.exec_driver_sql("SET TRANSACTION READ ONLY")
                yield repeatable
        return
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".watchkeeper-backup-") as folder:
        copy = Path(folder) / "snapshot.db"
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(copy)
            try:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            finally:
                target.close()
        finally:
            raw.close()
        snapshot = sa.create_engine(f"sqlite:///{copy}")
        try:
            with snapshot.connect() as connection:
                yield connection
        finally:
            snapshot.dispose()


def _dump(connection: sa.Connection) -> tuple[dict[str, TableDump], dict[str, bytes]]:
    tables: dict[str, TableDump] = {}
    members: dict[str, bytes] = {}
    for table in metadata.sorted_tables:
        data = table_lines(table, connection.execute(sa.select(table)).mappings())
        members[table.name] = data
        tables[table.name] = TableDump(table.name, data.count(b"\n"), digest(data))
    return tables, members


def restore(engine: sa.Engine, archive: Path, revision: str) -> Manifest:
    """Load the archive into this (migrated, empty) database in one transaction."""
    manifest, members = read_archive(archive)
    if manifest.schema_revision != revision:
        raise InputError(
            f"backup archive {archive} is of schema revision {manifest.schema_revision}; this "
            f"release restores revision {revision} only (restore with the release that made "
            "the backup, then run 'watchkeeper db upgrade')"
        )
    known = {table.name: table for table in metadata.sorted_tables}
    if set(known) != set(manifest.tables):
        raise InputError(
            f"backup archive {archive}: its tables differ from this release's "
            f"(missing {sorted(set(known) - set(manifest.tables))}, "
            f"unknown {sorted(set(manifest.tables) - set(known))})"
        )
    with engine.connect() as bare:
        connection = bare.execution_options(**{SQLITE_BEGIN_IMMEDIATE: True})
        with connection.begin():
            refuse_unless_empty(connection)
            for name in SEEDED_BY_MIGRATIONS:
                connection.execute(sa.delete(known[name]))
            ordered = [t for t in known.values() if t.name not in SEEDED_BY_MIGRATIONS]
            for table in [*ordered, *(known[name] for name in SEEDED_BY_MIGRATIONS)]:
                rows = decode_rows(table, members[table.name])
                for start in range(0, len(rows), INSERT_CHUNK):
                    connection.execute(sa.insert(table), rows[start : start + INSERT_CHUNK])
            if connection.dialect.name == "postgresql":
                _advance_sequences(connection)
    return manifest


def refuse_unless_empty(connection: sa.Connection) -> None:
    """InputError naming the tables that hold rows, unless only migration seeds exist."""
    occupied = []
    for table in metadata.sorted_tables:
        if table.name in SEEDED_BY_MIGRATIONS:
            continue
        count = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        if count:
            occupied.append(f"{table.name}: {count}")
    if occupied:
        raise InputError(
            "the target database is not empty ("
            + ", ".join(occupied[:6])
            + "); a restore goes only into a fresh, migrated database"
        )


def _advance_sequences(connection: sa.Connection) -> None:
    """Move each serial key's sequence past the restored rows, so new rows do not collide."""
    for table in metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        column = keys[0]
        sequence = connection.execute(
            sa.select(sa.func.pg_get_serial_sequence(table.name, column.name))
        ).scalar_one()
        if sequence is None:
            continue
        highest = connection.execute(sa.select(sa.func.max(column))).scalar_one()
        connection.execute(sa.select(sa.func.setval(sequence, (highest or 0) + 1, False)))


def compare(engine: sa.Engine, manifest: Manifest) -> list[str]:
    """Differences between the database now and the manifest (counts, checksums); [] if none."""
    with _snapshot_for_reading(engine) as connection:
        tables, _ = _dump(connection)
    problems = []
    for name, expected in manifest.tables.items():
        found = tables.get(name)
        if found is None:
            problems.append(f"table {name} is missing")
        elif found.rows != expected.rows:
            problems.append(f"table {name}: {found.rows} rows, the archive has {expected.rows}")
        elif found.sha256 != expected.sha256:
            problems.append(f"table {name}: contents differ from the archive (SHA-256)")
    return problems


@contextmanager
def _snapshot_for_reading(engine: sa.Engine) -> Iterator[sa.Connection]:
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection, connection.begin():
            yield connection  # one read transaction: a WAL snapshot
        return
    with _snapshot(engine, Path.cwd()) as connection:
        yield connection


def verify_audit_chain(engine: sa.Engine, signer: AuditSigner) -> Verification:
    """Recompute every link of the restored chain with the key; its head must be the last row."""
    with engine.connect() as connection:
        store = SqlAuditChainStore(connection)
        return verify_chain(store.rows(), signer, store.head(), None)


def row_counts(engine: sa.Engine) -> dict[str, Any]:
    """Rows per table (for reports and tests)."""
    with engine.connect() as connection:
        return {
            t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }
