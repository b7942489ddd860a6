"""The log change marker moves with every write to an incident log, on both engines, and
the live board's cache notices a write made through another engine on the same database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import Application, build
from watchkeeper.incidents.entries import ContactMade, Corrected
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.persistence.cad_import.sink import ImportedIncident, StoredSource
from watchkeeper.persistence.engine import create_engine_for
from watchkeeper.persistence.uow import SqlImportUnitOfWork, SqlUnitOfWork
from watchkeeper.settings import settings_from_env

from .conftest import at

SUPERVISOR = Actor("supervisor", Role.SUPERVISOR, channel="cli")


def _marker(engine: sa.Engine) -> int:
    with SqlUnitOfWork(engine) as uow:
        return uow.incidents.change_marker()


def test_adding_and_appending_each_move_the_marker_and_a_rollback_does_not(engine, make_incident):
    incident = make_incident("A")
    start = _marker(engine)
    with SqlUnitOfWork(engine) as uow:
        uow.incidents.add(make_incident("B"))  # never committed
    assert _marker(engine) == start

    with SqlUnitOfWork(engine) as uow:
        uow.incidents.add(incident)
        uow.commit()
    added = _marker(engine)
    incident.record(ContactMade("spoke to caller"), at(5), "handler-1", at(5))
    with SqlUnitOfWork(engine) as uow:
        uow.incidents.append(incident, expected_version=1)
        uow.commit()

    assert start < added < _marker(engine)


def test_an_imported_batch_and_an_import_correction_each_move_the_marker(engine, make_incident):
    incident = make_incident("C", ref=("cad", "7"))
    imported = ImportedIncident(incident, "cad", "7", "hash-1", {"area": "central"})
    start = _marker(engine)
    with SqlImportUnitOfWork(engine) as uow:
        uow.imports.add_many([imported])
        uow.commit()
    after_batch = _marker(engine)
    stored = StoredSource(incident.incident_id, "hash-1", {"area": "central"}, version=1)
    correction = Corrected("cad", "7", {"area": ["central", "north"]})
    with SqlImportUnitOfWork(engine) as uow:
        uow.imports.append_correction(stored, correction, "hash-2", {}, at(9), "importer")
        uow.commit()

    assert start < after_batch < _marker(engine)


def _application(url: str, directory: Path, clock: FixedClock) -> Application:
    env = {
        "WATCHKEEPER_DATABASE_URL": url,
        "WATCHKEEPER_AUDIT_KEY_FILE": str(directory / "audit.key"),
        "WATCHKEEPER_AUDIT_HEAD_FILE": str(directory / "audit-head.jsonl"),
    }
    return build(settings_from_env(env), clock=clock)


def test_the_cached_board_sees_a_write_made_through_another_engine(
    migrated_url, tmp_path, make_incident
):
    clock = FixedClock(at(30))
    board, writer = _application(migrated_url, tmp_path, clock), create_engine_for(migrated_url)
    try:
        first = board.backlog.current(SUPERVISOR)
        incident = make_incident("D", minute=10)
        with SqlUnitOfWork(writer) as uow:  # another engine: another process, as far as we know
            uow.incidents.add(incident)
            uow.commit()
        clock.advance(timedelta(seconds=1))
        second = board.backlog.current(SUPERVISOR)
        clock.advance(timedelta(seconds=1))
        incident.record(ContactMade("spoke to caller"), clock.now(), "handler-1", clock.now())
        with SqlUnitOfWork(writer) as uow:
            uow.incidents.append(incident, expected_version=1)
            uow.commit()
        clock.advance(timedelta(seconds=1))
        third = board.backlog.current(SUPERVISOR)
    finally:
        board.close()
        writer.dispose()

    assert [r.incident_id for r in first.rows] == []
    assert [(r.incident_id, r.has_contact) for r in second.rows] == [("INC-D", False)]
    assert [(r.incident_id, r.has_contact) for r in third.rows] == [("INC-D", True)]
