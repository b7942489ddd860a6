"""Accounts, sessions and the audit chain in SQL, over the unit of work's connection."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa

from watchkeeper.access.model import Role
from watchkeeper.access.ports import AuditEvent, AuditRow, ChainHead, StoredSession, StoredUser
from watchkeeper.kernel.errors import InputError
from watchkeeper.persistence.tables import audit_chain_head, audit_log, user_sessions, users

HEAD_ID = 1


class SqlUserStore:
    """The UserStore port."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def add(self, user: StoredUser) -> None:
        if self.get(user.username) is not None:
            raise InputError(f"username {user.username!r} is already taken")
        self._connection.execute(sa.insert(users), [_user_row(user)])

    def get(self, username: str) -> StoredUser | None:
        row = self._connection.execute(sa.select(users).where(users.c.username == username)).first()
        return _user(row._mapping) if row else None

    def update(self, user: StoredUser) -> None:
        values = _user_row(user)
        del values["username"]
        self._connection.execute(
            sa.update(users).where(users.c.username == user.username).values(**values)
        )

    def all(self) -> list[StoredUser]:
        rows = self._connection.execute(sa.select(users).order_by(users.c.username))
        return [_user(row._mapping) for row in rows]

    def count(self) -> int:
        return int(
            self._connection.execute(sa.select(sa.func.count()).select_from(users)).scalar_one()
        )


def _user_row(user: StoredUser) -> dict[str, Any]:
    row = asdict(user)
    row["role"] = user.role.value
    return row


def _user(mapping: Any) -> StoredUser:
    values = dict(mapping)
    values["role"] = Role(values["role"])
    return StoredUser(**values)


class SqlSessionStore:
    """The SessionStore port."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def add(self, session: StoredSession) -> None:
        self._connection.execute(sa.insert(user_sessions), [asdict(session)])

    def get(self, token_hash: str) -> StoredSession | None:
        row = self._connection.execute(
            sa.select(user_sessions).where(user_sessions.c.token_hash == token_hash)
        ).first()
        return StoredSession(**dict(row._mapping)) if row else None

    def update(self, session: StoredSession) -> None:
        values = asdict(session)
        del values["token_hash"]
        self._connection.execute(
            sa.update(user_sessions)
            .where(user_sessions.c.token_hash == session.token_hash)
            .values(**values)
        )


class SqlAuditChainStore:
    """The AuditChainStore port: append-only rows and the locked head row."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def lock_head(self) -> ChainHead:
        return self._head(sa.select(audit_chain_head).with_for_update())

    def head(self) -> ChainHead:
        return self._head(sa.select(audit_chain_head))

    def _head(self, query: sa.Select[Any]) -> ChainHead:
        row = self._connection.execute(query.where(audit_chain_head.c.id == HEAD_ID)).one()
        return ChainHead(row.seq, row.chain_hash)

    def append(self, row: AuditRow) -> None:
        self._connection.execute(
            sa.insert(audit_log),
            [{"seq": row.seq, "chain_hash": row.chain_hash, **asdict(row.event)}],
        )
        self._connection.execute(
            sa.update(audit_chain_head)
            .where(audit_chain_head.c.id == HEAD_ID)
            .values(seq=row.seq, chain_hash=row.chain_hash)
        )

    def rows(self) -> Iterator[AuditRow]:
        result = self._connection.execution_options(yield_per=1000).execute(
            sa.select(audit_log).order_by(audit_log.c.seq)
        )
        for row in result:
            values = dict(row._mapping)
            seq, chain_hash = values.pop("seq"), values.pop("chain_hash")
            yield AuditRow(seq, AuditEvent(**values), chain_hash)
