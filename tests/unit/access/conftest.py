"""Fakes for the access services: an in-memory store with real commit/rollback, a fast hasher."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from watchkeeper.access.accounts import Accounts
from watchkeeper.access.model import Role
from watchkeeper.access.ports import AuditEvent, StoredSession, StoredUser
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import InputError

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
PASSWORD = "correct-horse-battery"


class FakeHasher:
    """Not a hash at all: fast, and enough to test the service's logic."""

    def hash(self, password):
        return f"fake${password}"

    def verify(self, password_hash, password):
        return password_hash == f"fake${password}"


@dataclass
class FakeDatabase:
    users: dict[str, StoredUser] = field(default_factory=dict)
    sessions: dict[str, StoredSession] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)


class _Users:
    def __init__(self, data):
        self._data = data

    def add(self, user):
        if user.username in self._data:
            raise InputError("taken")
        self._data[user.username] = user

    def get(self, username):
        return self._data.get(username)

    def update(self, user):
        self._data[user.username] = user

    def all(self):
        return [self._data[k] for k in sorted(self._data)]

    def count(self):
        return len(self._data)


class _Sessions:
    def __init__(self, data):
        self._data = data

    def add(self, session):
        self._data[session.token_hash] = session

    def get(self, token_hash):
        return self._data.get(token_hash)

    def update(self, session):
        self._data[session.token_hash] = session


class _Audit:
    def __init__(self, rows):
        self._rows = rows

    def record(self, event):
        self._rows.append(event)


class FakeUnitOfWork:
    """Works on copies; ``commit`` publishes them to the database, anything else discards."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def __enter__(self):
        self._users, self._sessions = dict(self._db.users), dict(self._db.sessions)
        self._audit = list(self._db.audit)
        self.users, self.sessions = _Users(self._users), _Sessions(self._sessions)
        self.audit = _Audit(self._audit)
        return self

    def __exit__(self, *exc):
        return None

    def commit(self):
        self._db.users, self._db.sessions = dict(self._users), dict(self._sessions)
        self._db.audit = list(self._audit)


@pytest.fixture
def clock():
    return FixedClock(T0)


@pytest.fixture
def db():
    return FakeDatabase()


@pytest.fixture
def accounts(db, clock):
    counter = itertools.count(1)
    service = Accounts(
        lambda: FakeUnitOfWork(db), clock, FakeHasher(), new_token=lambda: f"tok-{next(counter)}"
    )
    service.create_user(None, "admin", "Admin", Role.ADMINISTRATOR, PASSWORD)
    return service
