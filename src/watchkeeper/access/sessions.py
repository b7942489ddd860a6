"""Server-side sessions: random tokens stored only as SHA-256, idle and absolute expiry."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from watchkeeper.access.model import Actor
from watchkeeper.access.ports import StoredSession

TOKEN_BYTES = 32  # 256 bits, as OWASP's session management guidance asks (>= 64 bits)


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long a session lives. Defaults are assumed (OWASP suggests short idle timeouts)."""

    idle: timedelta = timedelta(minutes=30)  # assumed: half an hour without use
    absolute: timedelta = timedelta(hours=12)  # assumed: one control-room shift


@dataclass(frozen=True, slots=True)
class SessionGrant:
    """A signed-in session: the token for the cookie, its CSRF token, who, and until when."""

    token: str
    csrf_token: str
    actor: Actor
    expires_at: datetime


def new_token() -> str:
    """A fresh unguessable token (URL-safe)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, so a stolen table yields no live sessions."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(
    token: str, csrf_token: str, username: str, client: str, *, now: datetime, policy: SessionPolicy
) -> StoredSession:
    """A new stored session for ``username``, created at ``now``."""
    return StoredSession(
        token_hash=token_hash(token),
        username=username,
        csrf_token=csrf_token,
        client=client[:200],
        created_at=now,
        last_used_at=now,
        absolute_expires_at=now + policy.absolute,
    )


def expires_at(session: StoredSession, policy: SessionPolicy) -> datetime:
    """When the session ends if it is not used again."""
    return min(session.last_used_at + policy.idle, session.absolute_expires_at)


def is_live(session: StoredSession, now: datetime, policy: SessionPolicy) -> bool:
    """Not revoked, not idle too long, not past its absolute end."""
    return session.revoked_at is None and now < expires_at(session, policy)


TOUCH_INTERVAL = timedelta(minutes=1)  # how often a used session's idle timer is rewritten


def touched(session: StoredSession, now: datetime) -> StoredSession:
    """The session after a use at ``now`` (its idle timer restarts)."""
    return replace(session, last_used_at=now)


def revoked(session: StoredSession, now: datetime) -> StoredSession:
    return replace(session, revoked_at=now)
