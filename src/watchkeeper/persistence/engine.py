"""Engines for the two supported stores: SQLite (embedded default) and PostgreSQL.

Built only when asked (by ``bootstrap``, migrations or a test); nothing at import time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext, make_url
from sqlalchemy.exc import OperationalError

from watchkeeper.kernel.errors import ConcurrencyConflict

DEFAULT_BUSY_TIMEOUT_MS = 5000

# Execution option: on SQLite, take the write lock when the transaction begins rather than
# at its first write, so a read-then-write transaction cannot find its snapshot stale.
SQLITE_BEGIN_IMMEDIATE = "watchkeeper_sqlite_begin_immediate"

# "postgresql://" and "postgres://" name no driver; psycopg 3 is the one we ship.
_POSTGRES_ALIASES = {"postgresql", "postgres"}
_LOCKED_MESSAGES = ("database is locked", "database table is locked")


def create_engine_for(url: str, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Engine:
    """An engine for ``url``; SQLite is set up for crash safety and concurrent readers."""
    parsed = make_url(url)
    if parsed.drivername in _POSTGRES_ALIASES:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, busy_timeout_ms)
    # The web server runs up to 40 request threads (the ASGI threadpool) and each request
    # takes a few short transactions; a pool smaller than that makes readers queue for a
    # connection. PostgreSQL's default max_connections is 100.
    return sa.create_engine(parsed, pool_pre_ping=True, pool_size=20, max_overflow=20)


def _sqlite_engine(url: sa.URL, busy_timeout_ms: int) -> Engine:
    if url.database in (None, "", ":memory:"):
        engine = sa.create_engine(url)  # one in-memory database: SQLAlchemy's own pool
    else:  # a file: a pool as large as the request threadpool, as for PostgreSQL
        engine = sa.create_engine(url, pool_size=20, max_overflow=20)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling starts transactions late and ignores DDL;
        # SQLAlchemy's documented recipe: switch it off and emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
            cursor.execute("PRAGMA synchronous = FULL")  # no acknowledged commit is lost
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get(SQLITE_BEGIN_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "handle_error")
    def _translate(context: ExceptionContext) -> None:
        conflict = lock_conflict(context.sqlalchemy_exception)
        if conflict is not None:
            raise conflict from context.original_exception

    return engine


def lock_conflict(exc: BaseException | None) -> ConcurrencyConflict | None:
    """The conflict a SQLite lock timeout means, or None when ``exc`` is something else."""
    if not isinstance(exc, OperationalError):
        return None
    text = str(exc.orig)
    if not any(message in text for message in _LOCKED_MESSAGES):
        return None
    return ConcurrencyConflict(
        "another writer holds the SQLite database (or changed it since this transaction "
        f"began), so this change was not saved; try again ({text})"
    )


@contextmanager
def lock_conflicts_raised() -> Iterator[None]:
    """Turn a SQLite 'database is locked' error inside the block into ConcurrencyConflict."""
    try:
        yield
    except OperationalError as exc:
        conflict = lock_conflict(exc)
        if conflict is None:
            raise
        raise conflict from exc
