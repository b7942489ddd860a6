"""Ports the access services need: stores for users, sessions and the audit chain.

Adapters (``persistence.access_store``) implement them; ``bootstrap`` wires them. Every
store works inside a unit of work's transaction; only the use case commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from watchkeeper.access.model import Role


@dataclass(frozen=True, slots=True)
class StoredUser:
    """A local account as stored: the argon2 hash, never the password."""

    username: str
    display_name: str
    role: Role
    password_hash: str
    enabled: bool = True
    failed_count: int = 0  # failures in the current lock-out window
    first_failure_at: datetime | None = None  # when the current window opened
    locked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A server-side session, stored under the SHA-256 of its token (never the token)."""

    token_hash: str
    username: str
    csrf_token: str
    client: str
    created_at: datetime
    last_used_at: datetime
    absolute_expires_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """Who did what to which record, when, why, and whether it was allowed."""

    at: datetime
    username: str
    role: str
    channel: str
    action: str  # e.g. "incident.read", "backlog.read", "account.sign-in"
    record_type: str
    record_id: str
    outcome: str  # "ok" | "refused"
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last link of the audit chain: its sequence number and keyed hash."""

    seq: int
    chain_hash: str


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One stored link: the event, its position, and HMAC(key, previous hash || event)."""

    seq: int
    event: AuditEvent
    chain_hash: str


class UserStore(Protocol):
    """Local accounts."""

    def add(self, user: StoredUser) -> None:
        """Store a new account; InputError if the username is taken."""

    def get(self, username: str) -> StoredUser | None:
        """The account with this username, if any."""

    def update(self, user: StoredUser) -> None:
        """Store the account's new state (lock-out counters, enabled flag, hash)."""

    def all(self) -> list[StoredUser]:
        """Every account, by username."""

    def count(self) -> int:
        """How many accounts exist."""


class SessionStore(Protocol):
    """Server-side sessions, keyed by the SHA-256 of the token."""

    def add(self, session: StoredSession) -> None: ...

    def get(self, token_hash: str) -> StoredSession | None: ...

    def update(self, session: StoredSession) -> None: ...


class AuditLog(Protocol):
    """Where use cases record audit events, in their own transaction."""

    def record(self, event: AuditEvent) -> None:
        """Append one event to the chain (serialised with every other appender)."""


class AuditChainStore(Protocol):
    """The stored chain: append-only rows plus a head row that serialises appenders."""

    def lock_head(self) -> ChainHead:
        """The current head, locked until the transaction ends (FOR UPDATE on PostgreSQL)."""

    def head(self) -> ChainHead:
        """The current head, unlocked (for verification)."""

    def append(self, row: AuditRow) -> None:
        """Insert the row and move the head to it."""

    def rows(self) -> Iterator[AuditRow]:
        """Every row in sequence order."""


class _Transaction(Protocol):
    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...


class AuditUnitOfWork(_Transaction, Protocol):
    """A transaction that can record audit events."""

    audit: AuditLog


class ChainUnitOfWork(_Transaction, Protocol):
    """A transaction over the stored chain, for verification and head export."""

    audit_chain: AuditChainStore


class AccountsUnitOfWork(_Transaction, Protocol):
    """A transaction over accounts and sessions, recording audit events as it goes."""

    users: UserStore
    sessions: SessionStore
    audit: AuditLog
