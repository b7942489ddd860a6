"""Engines: SQLite set up for crash safety and concurrency; PostgreSQL through psycopg."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from watchkeeper.kernel.errors import ConcurrencyConflict
from watchkeeper.persistence.engine import create_engine_for, lock_conflict, lock_conflicts_raised


def _pragma(engine, name):
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar_one()


def test_sqlite_runs_in_wal_mode_with_full_sync_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = create_engine_for(f"sqlite:///{tmp_path / 'wk.db'}")
    try:
        assert _pragma(engine, "journal_mode") == "wal"
        assert _pragma(engine, "synchronous") == 2  # FULL: an acknowledged commit survives
        assert _pragma(engine, "foreign_keys") == 1
        assert _pragma(engine, "busy_timeout") == 5000
    finally:
        engine.dispose()


def test_a_bare_postgresql_url_is_served_by_psycopg():
    for url in ("postgresql://postgres@127.0.0.1:5432/test", "postgres://u@h/db"):
        engine = create_engine_for(url)
        assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
        engine.dispose()


def test_each_engine_answers_a_query_in_a_transaction(database_url):
    engine = create_engine_for(database_url)
    try:
        with engine.begin() as connection:
            assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
            assert connection.in_transaction()
    finally:
        engine.dispose()


def test_a_write_while_another_connection_holds_the_lock_is_a_conflict(tmp_path):
    path = tmp_path / "wk.db"
    engine = create_engine_for(f"sqlite:///{path}", busy_timeout_ms=50)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(ConcurrencyConflict, match="try again"), engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
    finally:
        holder.close()
        engine.dispose()


def test_other_operational_errors_are_not_mistaken_for_lock_conflicts():
    error = OperationalError("SELECT * FROM t", {}, sqlite3.OperationalError("no such table: t"))

    assert lock_conflict(error) is None
    with pytest.raises(OperationalError), lock_conflicts_raised():
        raise error


def test_a_locked_database_error_raised_directly_is_translated():
    error = OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))

    expected = pytest.raises(ConcurrencyConflict, match="another writer holds the SQLite database")
    with expected, lock_conflicts_raised():
        raise error
