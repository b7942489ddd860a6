"""Local accounts: creation, listing, sign-in with lock-out, server-side sessions.

Every sign-in failure answers with one generic message, whatever the cause (unknown user,
wrong password, locked or disabled account), so the answer tells an attacker nothing; the
cause is kept in the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from watchkeeper.access import lockout, sessions
from watchkeeper.access.audit import REFUSED, audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.lockout import LockoutPolicy
from watchkeeper.access.model import Actor, Permission, Role
from watchkeeper.access.passwords import PasswordHasher, check_password_policy
from watchkeeper.access.ports import AccountsUnitOfWork, StoredUser
from watchkeeper.access.sessions import SessionGrant, SessionPolicy
from watchkeeper.kernel.clock import Clock
from watchkeeper.kernel.errors import InputError, PermissionDenied, Unauthenticated

SIGN_IN_REFUSED = "sign-in failed: check the username and password, or ask an administrator"
SESSION_REFUSED = "not signed in, or the session has expired: sign in again"
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class UserSummary:
    """An account as administrators and auditors see it (no hash)."""

    username: str
    display_name: str
    role: Role
    enabled: bool
    locked_until: datetime | None


class Accounts:
    """Account and session use cases, wired by bootstrap."""

    def __init__(  # noqa: PLR0917 - the composition root passes these by keyword
        self,
        uow_factory: Callable[[], AccountsUnitOfWork],
        clock: Clock,
        hasher: PasswordHasher,
        lockout_policy: LockoutPolicy | None = None,
        session_policy: SessionPolicy | None = None,
        new_token: Callable[[], str] = sessions.new_token,
        read_uow_factory: Callable[[], AccountsUnitOfWork] | None = None,
    ) -> None:
        """``read_uow_factory``: units for look-ups that usually write nothing (a session
        check on every request); on SQLite they must not take the write lock up front."""
        self._uow = uow_factory
        self._read_uow = read_uow_factory or uow_factory
        self._clock = clock
        self._hasher = hasher
        self._lockout = lockout_policy or LockoutPolicy()
        self._sessions = session_policy or SessionPolicy()
        self._new_token = new_token
        self._trail = AuditTrail(uow_factory, clock)
        self._dummy_hash: str | None = None

    def create_user(
        self, actor: Actor | None, username: str, display_name: str, role: Role, password: str
    ) -> None:
        """Create a local account. ``actor`` None is allowed only while no account exists."""
        record = ("user", username)
        if actor is not None:
            self._trail.authorise(actor, Permission.USERS_MANAGE, record)
        _check_username(username)
        if not display_name.strip():
            raise InputError("a display name is required")
        check_password_policy(password)
        user = StoredUser(username, display_name.strip(), role, self._hasher.hash(password))
        with self._uow() as uow:
            if actor is None and uow.users.count() > 0:
                raise PermissionDenied("accounts exist: sign in as an administrator to add one")
            if uow.users.get(username) is not None:
                raise InputError(f"username {username!r} is already taken")
            uow.users.add(user)
            uow.audit.record(audit_event(actor, self._clock.now(), "user.create", record))
            uow.commit()

    def list_users(self, actor: Actor) -> list[UserSummary]:
        """Every account, by username (a read of personal data: audited)."""
        self._trail.authorise(actor, Permission.USERS_READ, ("user", ""))
        with self._uow() as uow:
            users = uow.users.all()
        self._trail.read(actor, "user.list", ("user", ""))
        return [
            UserSummary(u.username, u.display_name, u.role, u.enabled, u.locked_until)
            for u in users
        ]

    def any_users(self) -> bool:
        """Whether any account exists (a fresh store has none)."""
        with self._uow() as uow:
            return uow.users.count() > 0

    def operator(self, username: str, channel: str = "cli") -> Actor:
        """The actor for a named operator: a stored, enabled account (CLI and services)."""
        with self._uow() as uow:
            user = uow.users.get(username)
        if user is None or not user.enabled:
            raise Unauthenticated(
                f"operator {username!r} is not a stored, enabled account "
                "(create one with 'watchkeeper users add', or run 'watchkeeper demo')"
            )
        return Actor(user.username, user.role, channel)

    def sign_in(self, username: str, password: str, client: str) -> SessionGrant:
        """Check the password and open a new session (a new token every time).

        Raises Unauthenticated with one generic message on any failure.
        """
        now = self._clock.now()
        with self._uow() as uow:
            user = uow.users.get(username)
            refusal = self._refusal(user, password, now)
            if refusal is not None or user is None:
                self._record_failure(uow, user, now, refusal or "unknown user")
                uow.commit()
                raise Unauthenticated(SIGN_IN_REFUSED)
            grant = self._open_session(uow, user, client, now)
            uow.commit()
        return grant

    def session(self, token: str) -> SessionGrant:
        """The live session for ``token``, its idle timer restarted; else Unauthenticated.

        Most requests only read (the idle timer is restarted at most once a minute), so the
        session is first checked in a read-only unit; only a restart opens a writing one,
        which checks the session again before it writes.
        """
        now = self._clock.now()
        with self._read_uow() as uow:
            stored = uow.sessions.get(sessions.token_hash(token))
            if stored is None or not sessions.is_live(stored, now, self._sessions):
                raise Unauthenticated(SESSION_REFUSED)
            user = uow.users.get(stored.username)
            if user is None or not user.enabled:
                raise Unauthenticated(SESSION_REFUSED)
        if now - stored.last_used_at < sessions.TOUCH_INTERVAL:
            actor = Actor(user.username, user.role, "web")
            expires = sessions.expires_at(stored, self._sessions)
            return SessionGrant(token, stored.csrf_token, actor, expires)
        with self._uow() as uow:
            stored = uow.sessions.get(sessions.token_hash(token))
            if stored is None or not sessions.is_live(stored, now, self._sessions):
                raise Unauthenticated(SESSION_REFUSED)
            user = uow.users.get(stored.username)
            if user is None or not user.enabled:
                raise Unauthenticated(SESSION_REFUSED)
            fresh = stored
            # Restart the idle timer at most once a minute: a board polling every few seconds
            # must not write (and fsync) on every request; idle expiry stays minute-accurate.
            if now - stored.last_used_at >= sessions.TOUCH_INTERVAL:
                fresh = sessions.touched(stored, now)
                uow.sessions.update(fresh)
                uow.commit()
        actor = Actor(user.username, user.role, "web")
        return SessionGrant(
            token, fresh.csrf_token, actor, sessions.expires_at(fresh, self._sessions)
        )

    def sign_out(self, token: str) -> None:
        """End the session for ``token`` (nothing happens if it is unknown or already over)."""
        now = self._clock.now()
        with self._uow() as uow:
            stored = uow.sessions.get(sessions.token_hash(token))
            if stored is None or stored.revoked_at is not None:
                return
            uow.sessions.update(sessions.revoked(stored, now))
            user = uow.users.get(stored.username)
            actor = Actor(user.username, user.role, "web") if user else None
            record = ("user", stored.username)
            uow.audit.record(audit_event(actor, now, "account.sign-out", record))
            uow.commit()

    def _refusal(self, user: StoredUser | None, password: str, now: datetime) -> str | None:
        """Why this sign-in is refused, or None. Always hashes, so timing reveals little."""
        if user is None:
            self._hasher.verify(self._dummy(), password)
            return "unknown user"
        if lockout.is_locked(user, now):
            self._hasher.verify(self._dummy(), password)
            return "account locked"
        if not self._hasher.verify(user.password_hash, password):
            return "wrong password"
        return "account disabled" if not user.enabled else None

    def _record_failure(
        self, uow: AccountsUnitOfWork, user: StoredUser | None, now: datetime, why: str
    ) -> None:
        if user is None:
            # The attempted name is not stored: people type passwords into the username box.
            uow.audit.record(
                audit_event(None, now, "account.sign-in", ("user", ""), outcome=REFUSED, reason=why)
            )
            return
        actor = Actor(user.username, user.role, "web")
        record = ("user", user.username)
        uow.audit.record(
            audit_event(actor, now, "account.sign-in", record, outcome=REFUSED, reason=why)
        )
        if why != "wrong password":
            return
        updated = lockout.after_failure(user, now, self._lockout)
        uow.users.update(updated)
        if lockout.is_locked(updated, now):
            uow.audit.record(audit_event(actor, now, "account.locked", record, reason=why))

    def _open_session(
        self, uow: AccountsUnitOfWork, user: StoredUser, client: str, now: datetime
    ) -> SessionGrant:
        token = self._new_token()
        stored = sessions.open_session(
            token, self._new_token(), user.username, client, now=now, policy=self._sessions
        )
        uow.users.update(lockout.after_success(user))
        uow.sessions.add(stored)
        actor = Actor(user.username, user.role, "web")
        uow.audit.record(audit_event(actor, now, "account.sign-in", ("user", user.username)))
        return SessionGrant(
            token, stored.csrf_token, actor, sessions.expires_at(stored, self._sessions)
        )

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash("not-a-real-password-for-timing")
        return self._dummy_hash


def _check_username(username: str) -> None:
    if not _USERNAME.match(username):
        raise InputError(
            f"username {username!r}: use 1-64 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
