"""Units of work: all or nothing, a stale writer loses cleanly, a locked SQLite says so."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from watchkeeper.incidents.entries import ContactMade, Grade, Graded
from watchkeeper.kernel.errors import ConcurrencyConflict, NotFound
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence.engine import create_engine_for
from watchkeeper.persistence.tables import incident_entries, incidents
from watchkeeper.persistence.uow import SqlImportUnitOfWork, SqlUnitOfWork

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
A = IncidentId("INC-A")


def at(minute):
    return T0 + timedelta(minutes=minute)


def _counts(engine):
    with engine.connect() as connection:
        return tuple(
            connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (incidents, incident_entries)
        )


def test_a_committed_incident_is_there_for_the_next_unit_of_work(engine, make_incident):
    with SqlUnitOfWork(engine) as uow:
        uow.incidents.add(make_incident("A"))
        uow.commit()

    with SqlUnitOfWork(engine) as uow:
        assert uow.incidents.get(A).version == 1


def test_leaving_without_commit_leaves_nothing(engine, make_incident):
    with SqlUnitOfWork(engine) as uow:
        uow.incidents.add(make_incident("A"))

    assert _counts(engine) == (0, 0)


def test_an_error_inside_the_block_leaves_nothing(engine, make_incident):
    with pytest.raises(RuntimeError), SqlUnitOfWork(engine) as uow:
        uow.incidents.add(make_incident("A"))
        raise RuntimeError("the use case failed")

    assert _counts(engine) == (0, 0)


def test_an_explicit_rollback_discards_the_work_and_the_unit_stays_usable(engine, make_incident):
    with SqlUnitOfWork(engine) as uow:
        uow.incidents.add(make_incident("A"))
        uow.rollback()
        with pytest.raises(NotFound):
            uow.incidents.get(A)
        uow.incidents.add(make_incident("B"))
        uow.commit()

    assert _counts(engine) == (1, 1)


def test_a_second_writer_from_the_same_version_gets_a_conflict_and_stores_nothing(
    engine, make_incident
):
    with SqlUnitOfWork(engine) as uow:
        uow.incidents.add(make_incident("A"))
        uow.commit()

    with SqlUnitOfWork(engine) as first, SqlUnitOfWork(engine) as second:
        mine, theirs = first.incidents.get(A), second.incidents.get(A)
        mine.record(ContactMade("caller safe"), at(1), "handler-1", at(1))
        theirs.record(Graded(Grade.EMERGENCY, "P1"), at(2), "handler-2", at(2))
        first.incidents.append(mine, expected_version=1)
        first.commit()
        with pytest.raises(ConcurrencyConflict, match="try again"):
            second.incidents.append(theirs, expected_version=1)
            second.commit()

    with SqlUnitOfWork(engine) as uow:
        kept = uow.incidents.get(A)
    assert [e.payload.kind for e in kept.entries] == ["opened", "contact-made"]
    assert kept.state.grade is None


def test_on_sqlite_a_writer_blocked_by_another_gets_a_conflict_and_nothing_is_lost(
    tmp_path, make_incident
):
    from watchkeeper.persistence import schema

    url = f"sqlite:///{tmp_path / 'locked.db'}"
    schema.upgrade(url)
    impatient = create_engine_for(url, busy_timeout_ms=100)
    holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    try:
        with SqlUnitOfWork(impatient) as uow:
            uow.incidents.add(make_incident("A"))
            uow.commit()
        holder.execute("BEGIN IMMEDIATE")  # the other writer takes the write lock
        holder.execute("UPDATE incidents SET category = 'held' WHERE id = 'INC-A'")

        expected = pytest.raises(ConcurrencyConflict, match="another writer holds the SQLite")
        with expected, SqlUnitOfWork(impatient) as uow:
            uow.incidents.add(make_incident("B"))
            uow.commit()

        holder.execute("COMMIT")
        with SqlUnitOfWork(impatient) as uow:  # the retry the message asks for succeeds
            uow.incidents.add(make_incident("B"))
            uow.commit()
        assert _counts(impatient) == (2, 2)
        with impatient.connect() as connection:
            held = connection.execute(sa.select(incidents.c.category).where(incidents.c.id == A))
            assert held.scalar_one() == "held"
    finally:
        holder.close()
        impatient.dispose()


def test_an_import_batch_lands_only_when_committed(engine, make_incident):
    from watchkeeper.persistence.cad_import.sink import ImportedIncident

    batch = [ImportedIncident(make_incident("A"), "cad", "24-1", "hash", {"category": "x"})]
    with SqlImportUnitOfWork(engine) as uow:
        uow.imports.add_many(batch)
    assert _counts(engine) == (0, 0)

    with SqlImportUnitOfWork(engine) as uow:
        uow.imports.add_many(batch)
        uow.commit()
    assert _counts(engine) == (1, 1)


def test_a_unit_of_work_cannot_commit_outside_its_block(engine):
    with pytest.raises(RuntimeError, match="with"):
        SqlUnitOfWork(engine).commit()


def test_on_sqlite_an_import_batch_holds_the_write_lock_from_its_first_read(tmp_path):
    from watchkeeper.persistence import schema

    url = f"sqlite:///{tmp_path / 'import.db'}"
    schema.upgrade(url)
    engine = create_engine_for(url)
    other = sqlite3.connect(tmp_path / "import.db", isolation_level=None, timeout=0)
    try:
        with SqlImportUnitOfWork(engine) as uow:
            uow.imports.existing("cad", ["24-1"])
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released when the batch ends
        other.execute("ROLLBACK")
    finally:
        other.close()
        engine.dispose()


def test_on_sqlite_reading_in_a_unit_of_work_does_not_block_other_writers(tmp_path):
    from watchkeeper.persistence import schema

    url = f"sqlite:///{tmp_path / 'read.db'}"
    schema.upgrade(url)
    engine = create_engine_for(url)
    other = sqlite3.connect(tmp_path / "read.db", isolation_level=None, timeout=0)
    try:
        with SqlUnitOfWork(engine) as uow:
            assert list(uow.incidents.open_at()) == []
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()
        engine.dispose()


def test_work_after_a_commit_is_rolled_back_unless_committed_again(engine, make_incident):
    with SqlUnitOfWork(engine) as uow:
        uow.incidents.add(make_incident("A"))
        uow.commit()
        uow.incidents.add(make_incident("B"))

    assert _counts(engine) == (1, 1)


def test_on_sqlite_an_import_batch_releases_the_write_lock_once_committed(tmp_path, make_incident):
    from watchkeeper.persistence import schema
    from watchkeeper.persistence.cad_import.sink import ImportedIncident

    url = f"sqlite:///{tmp_path / 'import.db'}"
    schema.upgrade(url)
    engine = create_engine_for(url)
    other = sqlite3.connect(tmp_path / "import.db", isolation_level=None, timeout=0)
    try:
        with SqlImportUnitOfWork(engine) as uow:
            uow.imports.add_many([ImportedIncident(make_incident("A"), "cad", "1", "h", {})])
            uow.commit()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()
        engine.dispose()
