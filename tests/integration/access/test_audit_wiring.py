"""The wired application audits every read and write, and ``verify`` catches tampering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import build
from watchkeeper.incidents.entries import CallSource, ContactMade, Location
from watchkeeper.incidents.services import NewIncident
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import PermissionDenied
from watchkeeper.persistence import schema
from watchkeeper.persistence.tables import audit_chain_head, audit_log
from watchkeeper.settings import Settings

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
HANDLER = Actor("handler", Role.CALL_HANDLER, "web")
SUPERVISOR = Actor("supervisor", Role.SUPERVISOR, "cli")
AUDITOR = Actor("auditor", Role.AUDITOR, "cli")
ANALYST = Actor("analyst", Role.ANALYST, "web")


class FastHasher:
    def hash(self, password):
        return f"fake${password}"

    def verify(self, password_hash, password):
        return password_hash == f"fake${password}"


def _settings(url, tmp_path, key="audit.key"):
    return Settings(
        database_url=url,
        force_profile_path=None,
        audit_key_file=tmp_path / key,
        audit_head_file=tmp_path / "audit.head",
    )


@pytest.fixture
def app_factory(database_url, tmp_path):
    schema.upgrade(database_url)
    built = []

    def make(key="audit.key"):
        application = build(
            _settings(database_url, tmp_path, key), FixedClock(T0), hasher=FastHasher()
        )
        built.append(application)
        return application

    yield make
    for application in built:
        application.close()


@pytest.fixture
def application(app_factory):
    return app_factory()


def _log(application):
    request = NewIncident(
        CallSource.EMERGENCY_999, Location("1 High Street", "central"), "domestic-abuse", "P1"
    )
    return application.incidents.log_incident(HANDLER, request)


def _rows(application):
    with application.engine.connect() as connection:
        return connection.execute(sa.select(audit_log).order_by(audit_log.c.seq)).all()


def _execute(application, statement):
    with application.engine.begin() as connection:
        connection.execute(statement)


def test_logging_recording_and_reading_an_incident_each_leave_one_audit_row(application):
    incident_id = _log(application)
    application.incidents.record(HANDLER, incident_id, ContactMade("call-back", "spoke to caller"))
    application.incidents.show(SUPERVISOR, incident_id, reason="backlog review")

    rows = [
        (r.username, r.channel, r.action, r.record_id, r.outcome, r.reason)
        for r in _rows(application)
    ]
    assert rows == [
        ("handler", "web", "incident.log", incident_id, "ok", None),
        ("handler", "web", "incident.append.contact-made", incident_id, "ok", None),
        ("supervisor", "cli", "incident.read", incident_id, "ok", "backlog review"),
    ]


def test_reading_the_backlog_is_one_audit_row_however_many_incidents_it_shows(application):
    for _ in range(3):
        _log(application)
    before = len(_rows(application))

    board = application.backlog.current(SUPERVISOR)
    application.backlog.trend(SUPERVISOR, T0 - timedelta(hours=2), T0, timedelta(minutes=30))

    assert len(board.rows) == 3
    assert [(r.action, r.record_id) for r in _rows(application)[before:]] == [
        ("backlog.read", "live"),
        ("backlog.trend", "trend"),
    ]


def test_a_refused_read_is_audited_even_though_nothing_was_read(application):
    incident_id = _log(application)

    with pytest.raises(PermissionDenied):
        application.incidents.show(ANALYST, incident_id)

    last = _rows(application)[-1]
    assert (last.username, last.action, last.outcome) == ("analyst", "incident.read", "refused")


def test_verify_passes_on_an_honest_chain_and_exports_its_head(application):
    _log(application)
    head = application.audit.export_head(AUDITOR)

    result = application.audit.verify(AUDITOR)

    assert result.ok and result.checked == head.seq == 1
    assert application.audit.verify(AUDITOR).ok  # the verify itself was audited, still sound


def test_verify_reports_an_edited_row(application):
    _log(application)
    _log(application)
    _execute(application, sa.update(audit_log).where(audit_log.c.seq == 1).values(username="x"))

    result = application.audit.verify(AUDITOR)

    assert not result.ok
    assert result.problems[0].startswith("row 1 does not match its chain hash")


def test_verify_reports_a_deleted_row(application):
    for _ in range(3):
        _log(application)
    _execute(application, sa.delete(audit_log).where(audit_log.c.seq == 2))

    assert application.audit.verify(AUDITOR).problems[0].startswith("row 2 is missing")


def test_verify_catches_a_truncated_chain_through_the_exported_head(application):
    for _ in range(3):
        _log(application)
    application.audit.export_head()
    kept = _rows(application)[0]
    _execute(application, sa.delete(audit_log).where(audit_log.c.seq > 1))
    _execute(application, sa.update(audit_chain_head).values(seq=1, chain_hash=kept.chain_hash))

    result = application.audit.verify(AUDITOR)

    assert any("does not contain the last exported head (row 3)" in p for p in result.problems)


def test_verify_catches_a_chain_rewritten_with_another_key(app_factory):
    forger = app_factory("forged.key")
    _log(forger)

    result = app_factory().audit.verify(AUDITOR)

    assert result.problems[0].startswith("row 1 does not match")


def test_only_auditors_and_administrators_may_verify(application):
    with pytest.raises(PermissionDenied):
        application.audit.verify(SUPERVISOR)
    assert _rows(application)[-1].outcome == "refused"
