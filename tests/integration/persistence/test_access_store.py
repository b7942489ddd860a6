"""Accounts, sessions and the audit chain in SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner, audit_event, verify_chain
from watchkeeper.access.model import Actor, Role
from watchkeeper.access.ports import StoredSession, StoredUser
from watchkeeper.kernel.errors import InputError
from watchkeeper.persistence.tables import audit_log
from watchkeeper.persistence.uow import SqlUnitOfWork

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
SIGNER = AuditSigner(b"k" * 32)
ACTOR = Actor("handler", Role.CALL_HANDLER, "web")
USER = StoredUser("handler", "Call Handler", Role.CALL_HANDLER, "$argon2id$fake")


def _event(record_id="INC-1"):
    return audit_event(ACTOR, T0, "incident.read", ("incident", record_id))


def _audit_rows(engine):
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one()


def test_a_stored_account_reads_back_with_its_lock_out_state(engine):
    with SqlUnitOfWork(engine) as uow:
        uow.users.add(USER)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        stored = uow.users.get("handler")
        assert stored == USER
        uow.users.update(StoredUser(**{**_fields(USER), "failed_count": 2, "locked_until": T0}))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.users.get("handler").locked_until == T0
        assert uow.users.count() == 1 and [u.username for u in uow.users.all()] == ["handler"]
        assert uow.users.get("nobody") is None


def _fields(user):
    return {name: getattr(user, name) for name in user.__dataclass_fields__}


def test_a_taken_username_is_refused(engine):
    with SqlUnitOfWork(engine) as uow:
        uow.users.add(USER)
        with pytest.raises(InputError, match="already taken"):
            uow.users.add(USER)


def test_a_session_reads_back_and_can_be_revoked(engine):
    session = StoredSession(
        "h" * 64, "handler", "csrf", "10.0.0.1", T0, T0, T0 + timedelta(hours=12)
    )
    with SqlUnitOfWork(engine) as uow:
        uow.users.add(USER)
        uow.sessions.add(session)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.sessions.get("h" * 64) == session
        uow.sessions.update(StoredSession(**{**_fields(session), "revoked_at": T0}))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.sessions.get("h" * 64).revoked_at == T0


def test_audit_rows_are_chained_and_the_head_follows_them(engine):
    with SqlUnitOfWork(engine, SIGNER) as uow:
        for n in range(3):
            uow.audit.record(_event(f"INC-{n}"))
        uow.commit()

    with SqlUnitOfWork(engine) as uow:
        rows = list(uow.audit_chain.rows())
        head = uow.audit_chain.head()
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].event == _event("INC-0")
    assert head.seq == 3 and head.chain_hash == rows[-1].chain_hash
    assert verify_chain(rows, SIGNER, head, None).ok


def test_a_rolled_back_write_leaves_no_audit_row(engine, make_incident):
    with SqlUnitOfWork(engine, SIGNER) as uow:
        uow.incidents.add(make_incident("A"))
        uow.audit.record(_event("INC-A"))
        # no commit: leaving the block rolls back the incident and its audit row together

    assert _audit_rows(engine) == 0
    with SqlUnitOfWork(engine) as uow:
        assert uow.incidents.count() == 0
        assert uow.audit_chain.head().seq == 0


def test_a_unit_of_work_without_a_key_refuses_to_audit(engine):
    with SqlUnitOfWork(engine) as uow, pytest.raises(RuntimeError, match="without an audit key"):
        uow.audit.record(_event())


def test_concurrent_appenders_never_fork_the_chain(engine):
    errors = []

    def append_many(name):
        try:
            for n in range(10):
                with SqlUnitOfWork(engine, SIGNER, immediate=True) as uow:
                    uow.audit.record(_event(f"{name}-{n}"))
                    uow.commit()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=append_many, args=(f"T{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with SqlUnitOfWork(engine) as uow:
        rows = list(uow.audit_chain.rows())
        assert verify_chain(rows, SIGNER, uow.audit_chain.head(), None).ok
    assert len(rows) == 30
