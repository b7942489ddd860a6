"""Sessions, CSRF and sign-in throttling for the web: the only place cookies are handled.

Pages and the API both use these: ``start_session`` / ``end_session`` after signing in or
out, ``current_actor`` as the dependency of every signed-in route (it also checks the CSRF
token on unsafe methods, so no route can forget it), and ``sign_in`` in front of the
accounts service, throttled per client.
"""

from __future__ import annotations

import hmac
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.access.model import Actor, Role
from watchkeeper.kernel.errors import PermissionDenied, Unauthenticated, WatchkeeperError

SESSION_COOKIE = "wk_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class SessionGrant(Protocol):
    """What the accounts service grants on sign-in (structural: matches access's dataclass)."""

    @property
    def token(self) -> str: ...
    @property
    def csrf_token(self) -> str: ...
    @property
    def actor(self) -> Actor: ...
    @property
    def expires_at(self) -> datetime: ...


class UserSummary(Protocol):
    """One account as listed to administrators and auditors; never a password hash."""

    @property
    def username(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def enabled(self) -> bool: ...
    @property
    def locked_until(self) -> datetime | None: ...


class Accounts(Protocol):
    """The accounts service the web needs (implemented in ``watchkeeper.access``)."""

    def sign_in(self, username: str, password: str, client: str) -> SessionGrant: ...
    def session(self, token: str) -> SessionGrant: ...
    def sign_out(self, token: str) -> None: ...
    def list_users(self, actor: Actor) -> Sequence[UserSummary]: ...
    def create_user(
        self, actor: Actor, username: str, display_name: str, role: Role, password: str
    ) -> None: ...


class CsrfRefused(PermissionDenied):
    """An unsafe request without the session's CSRF token (forged, stale or missing)."""

    code = "csrf_refused"


class TooManyAttempts(WatchkeeperError):
    """Too many sign-in attempts from one client in the window; wait and try again."""

    code = "rate_limited"


@dataclass(frozen=True, slots=True)
class WebOptions:
    """How the web app behaves; ``secure_cookies`` off only for plain-HTTP local runs."""

    secure_cookies: bool = True
    max_body_bytes: int = 64 * 1024
    sign_in_attempts: int = 10
    sign_in_window_seconds: float = 60.0


class SignInThrottle:
    """At most ``limit`` sign-in attempts per client per window, in memory (one process)."""

    def __init__(
        self, limit: int, window_seconds: float, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit
        self._window = window_seconds
        self._now = now
        self._attempts: dict[str, deque[float]] = {}

    def attempt(self, client: str) -> None:
        """Count one attempt; refuse with TooManyAttempts once the client is over the limit."""
        now = self._now()
        recent = self._attempts.setdefault(client, deque())
        while recent and recent[0] <= now - self._window:
            recent.popleft()
        if len(recent) >= self._limit:
            raise TooManyAttempts(
                f"too many sign-in attempts; try again in {self._window:.0f} seconds"
            )
        recent.append(now)
        if len(self._attempts) > 10_000:  # bound memory under a spray of client addresses
            self._attempts = {k: v for k, v in self._attempts.items() if v}


def accounts_of(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def options_of(request: Request) -> WebOptions:
    options: WebOptions = request.app.state.web_options
    return options


def client_of(request: Request) -> str:
    """The client address, for throttling and the accounts service's lock-out and audit."""
    return request.client.host if request.client else "unknown"


def sign_in(request: Request, username: str, password: str) -> SessionGrant:
    """Throttle per client, then ask the accounts service (Unauthenticated on failure)."""
    throttle: SignInThrottle = request.app.state.sign_in_throttle
    client = client_of(request)
    throttle.attempt(client)
    return accounts_of(request).sign_in(username, password, client)


def start_session(request: Request, response: Response, grant: SessionGrant) -> None:
    """Set the session cookie: HttpOnly, SameSite=Strict, Secure unless configured off.

    A browser-session cookie (no Expires): the server alone decides when a session ends (idle
    and absolute expiry, restarted by use). An Expires taken from the idle timer at sign-in
    made browsers drop the cookie half an hour after sign-in however busy the user was (found
    by the hour-long surge benchmark).
    """
    response.set_cookie(
        SESSION_COOKIE,
        grant.token,
        path="/",
        secure=options_of(request).secure_cookies,
        httponly=True,
        samesite="strict",
    )


def end_session(request: Request, response: Response) -> None:
    """Sign the session out (if any) and clear the cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts_of(request).sign_out(token)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=options_of(request).secure_cookies,
        httponly=True,
        samesite="strict",
    )


def current_grant(request: Request) -> SessionGrant:
    """The caller's session (Unauthenticated when missing or expired); remembered for logs."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthenticated("sign in first: no session")
    grant = accounts_of(request).session(token)
    request.state.username = grant.actor.username
    return grant


async def check_csrf(request: Request, grant: SessionGrant) -> None:
    """Refuse unsafe methods unless the header or form field carries the session's token."""
    if request.method not in UNSAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        field = (await request.form()).get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if sent is None or not hmac.compare_digest(sent.encode(), grant.csrf_token.encode()):
        raise CsrfRefused("missing or invalid CSRF token; reload the page and try again")


async def current_actor(request: Request) -> Actor:
    """Dependency of every signed-in route: the session's actor, CSRF-checked when unsafe."""
    # The session lookup reads the database: run it in the threadpool, never on the event
    # loop, or one slow lookup stalls every other request (health checks included).
    grant = await run_in_threadpool(current_grant, request)
    await check_csrf(request, grant)
    return grant.actor
