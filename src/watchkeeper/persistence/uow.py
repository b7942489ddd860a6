"""Units of work: one connection, one transaction; only ``commit()`` makes it durable.

``with uow: ...; uow.commit()`` — leaving the block without committing rolls back.
Work after a commit or rollback in the same block begins a fresh transaction (SQLAlchemy's
autobegin), which is again rolled back unless committed.

On SQLite a transaction that read before another writer committed cannot then write (its
snapshot is stale); that surfaces as ConcurrencyConflict, like a failed version check.
"""

from __future__ import annotations

import threading
import weakref
from types import TracebackType
from typing import Self

import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner, AuditUnavailable, ChainedAuditLog
from watchkeeper.access.ports import AuditChainStore, AuditLog, SessionStore, UserStore
from watchkeeper.dispatch.ports import UnitRegister
from watchkeeper.incidents.ports import IncidentRepository
from watchkeeper.kernel.faults import fault_point
from watchkeeper.persistence.access_store import (
    SqlAuditChainStore,
    SqlSessionStore,
    SqlUserStore,
)
from watchkeeper.persistence.cad_import.sink import ImportStore
from watchkeeper.persistence.duty_store import SqlDutyStore
from watchkeeper.persistence.engine import SQLITE_BEGIN_IMMEDIATE, lock_conflicts_raised
from watchkeeper.persistence.import_store import SqlImportStore
from watchkeeper.persistence.offender_store import SqlOffenderStore
from watchkeeper.persistence.people_store import SqlPeopleStore
from watchkeeper.persistence.repository import SqlIncidentRepository
from watchkeeper.persistence.safeguarding_store import SqlDomesticAbuseStore, SqlMissingStore
from watchkeeper.persistence.unit_store import SqlUnitStore
from watchkeeper.safeguarding.ports import (
    DomesticAbuseStore,
    DutyStore,
    MissingStore,
    OffenderStore,
    PeopleStore,
)

# One lock per SQLite engine, taken by units that begin with the write lock. SQLite lets one
# writer in at a time and makes the others sleep and retry (its busy handler backs off for up
# to tens of milliseconds a try); queueing this process's writers on a lock instead keeps a
# board polled by fifty screens, each read writing its audit row, from stalling in back-off.
_WRITER_LOCKS: weakref.WeakKeyDictionary[sa.Engine, threading.RLock] = weakref.WeakKeyDictionary()
_WRITER_LOCKS_GUARD = threading.Lock()


def _writer_lock(engine: sa.Engine) -> threading.RLock | None:
    if engine.dialect.name != "sqlite":
        return None  # PostgreSQL queues writers on row locks without sleeping
    with _WRITER_LOCKS_GUARD:
        return _WRITER_LOCKS.setdefault(engine, threading.RLock())


class _SqlTransaction:
    """What both units of work share: the connection and its transaction."""

    # Deferred by default: read-only work (the board) never holds SQLite's write lock.
    _begin_immediate = False

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._connection: sa.Connection | None = None
        self._held: threading.RLock | None = None

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already in use; make a new one")
        lock = _writer_lock(self._engine) if self._begin_immediate else None
        if lock is not None:
            lock.acquire()
            self._held = lock
        try:
            self._connection = self._engine.connect().execution_options(
                **{SQLITE_BEGIN_IMMEDIATE: self._begin_immediate}
            )
            self._connection.begin()
        except BaseException:
            self._release()
            raise
        self._bind(self._connection)
        return self

    def _release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.release()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if connection.in_transaction():
                connection.rollback()
        finally:
            connection.close()
            self._release()

    def _bind(self, connection: sa.Connection) -> None:
        """Give the stores this transaction's connection."""

    def commit(self) -> None:
        """Make everything done since the transaction began durable."""
        fault_point("uow.before-commit")
        with lock_conflicts_raised():
            self._active().commit()
        fault_point("uow.after-commit")

    def rollback(self) -> None:
        """Discard everything done since the transaction began."""
        self._active().rollback()

    def _active(self) -> sa.Connection:
        if self._connection is None:
            raise RuntimeError("use the unit of work in a 'with' block")
        return self._connection


class SqlUnitOfWork(_SqlTransaction):
    """The incidents and accounts UnitOfWork ports over SQL; stores are valid in the block.

    ``audit`` appends to the keyed chain in this same transaction, so an audit row commits
    or rolls back with the change it describes. Built without a signer, ``audit`` refuses
    to record (stores used outside the services, e.g. in storage tests, need no key).
    ``immediate=True`` takes SQLite's write lock when the transaction begins: for units that
    read and then write (sign-in, audit-only appends), so a concurrent writer cannot leave
    their snapshot stale.
    """

    incidents: IncidentRepository
    users: UserStore
    sessions: SessionStore
    audit: AuditLog
    audit_chain: AuditChainStore
    units: UnitRegister  # issue 4: the dispatch unit register
    # issue 5: the nominal index, the safeguarding registers and duties (SafeguardingUnitOfWork)
    people: PeopleStore
    domestic_abuse: DomesticAbuseStore
    missing: MissingStore
    offenders: OffenderStore
    duties: DutyStore

    def __init__(
        self, engine: sa.Engine, signer: AuditSigner | None = None, *, immediate: bool = False
    ) -> None:
        super().__init__(engine)
        self._signer = signer
        self._begin_immediate = immediate

    def _bind(self, connection: sa.Connection) -> None:
        self.incidents = SqlIncidentRepository(connection)
        self.users = SqlUserStore(connection)
        self.sessions = SqlSessionStore(connection)
        self.audit_chain = SqlAuditChainStore(connection)
        self.units = SqlUnitStore(connection)
        self.people = SqlPeopleStore(connection)
        self.domestic_abuse = SqlDomesticAbuseStore(connection)
        self.missing = SqlMissingStore(connection)
        self.offenders = SqlOffenderStore(connection)
        self.duties = SqlDutyStore(connection)
        self.audit = (
            ChainedAuditLog(self.audit_chain, self._signer)
            if self._signer is not None
            else AuditUnavailable()
        )


class SqlImportUnitOfWork(_SqlTransaction):
    """The CAD importer's ImportUnitOfWork over SQL: one batch, one transaction.

    Every batch writes, so on SQLite it takes the write lock up front: no other writer can
    commit between the batch's existence check and its inserts (which would fail the whole
    batch on a stale snapshot); they wait their turn, up to the busy timeout, so keep
    batches short (a few thousand rows).

    ``audit`` appends to the keyed chain in the batch's own transaction, so a batch's audit
    row commits or rolls back with the batch. Built without a signer (the import benchmark),
    ``audit`` refuses to record, as in SqlUnitOfWork.
    """

    _begin_immediate = True

    imports: ImportStore
    audit: AuditLog

    def __init__(self, engine: sa.Engine, signer: AuditSigner | None = None) -> None:
        super().__init__(engine)
        self._signer = signer

    def _bind(self, connection: sa.Connection) -> None:
        self.imports = SqlImportStore(connection)
        self.audit = (
            ChainedAuditLog(SqlAuditChainStore(connection), self._signer)
            if self._signer is not None
            else AuditUnavailable()
        )
