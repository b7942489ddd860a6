"""A real application on a fresh SQLite file, served through FastAPI's TestClient.

Accounts are the in-memory fake in ``fakes.py`` until the real accounts service is wired.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from watchkeeper.access.model import Actor, Permission, Role, authorise
from watchkeeper.bootstrap import Application, build
from watchkeeper.kernel.clock import Clock, FixedClock
from watchkeeper.kernel.errors import DomainRuleViolation, Unauthenticated
from watchkeeper.persistence import schema
from watchkeeper.settings import settings_from_env
from watchkeeper.web.app import create_app
from watchkeeper.web.security import CSRF_HEADER, SESSION_COOKIE, WebOptions

# Near the real now: cookies carry real expiry dates, which the test client honours.
T0 = datetime.now(UTC).replace(microsecond=0)

INCIDENT = {
    "source": "999",
    "location": {"text": "1 High Street, Town", "area": "central", "lat": 52.48, "lon": -1.89},
    "category": "domestic-abuse",
    "grade_label": "P2",
    "caller": {"name": "A Caller", "phone": "07700 900000", "person_ref": ""},
    "summary": "shouting heard next door",
    "markers": [],
}


PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class FakeGrant:
    token: str
    csrf_token: str
    actor: Actor
    expires_at: datetime


@dataclass(frozen=True)
class FakeUser:
    username: str
    display_name: str
    role: Role
    enabled: bool
    locked_until: datetime | None


class FakeAccounts:
    """One user per role (named after the role), sessions that expire on the given clock."""

    def __init__(self, clock: Clock, lifetime: timedelta = timedelta(hours=8)) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.passwords: dict[str, str] = {}
        self.users: dict[str, FakeUser] = {}
        self.sessions: dict[str, FakeGrant] = {}
        for role in Role:
            self._add(role.value, role.value.title(), role, PASSWORD)

    def _add(self, username: str, display_name: str, role: Role, password: str) -> None:
        self.users[username] = FakeUser(username, display_name, role, True, None)
        self.passwords[username] = password

    def grant_for(self, role: Role) -> FakeGrant:
        return self.sign_in(role.value, PASSWORD, "test")

    def sign_in(self, username: str, password: str, client: str) -> FakeGrant:
        if self.passwords.get(username) != password:
            raise Unauthenticated("unknown username or wrong password")
        user = self.users[username]
        grant = FakeGrant(
            secrets.token_urlsafe(16),
            secrets.token_urlsafe(16),
            Actor(username, user.role, "web"),
            self.clock.now() + self.lifetime,
        )
        self.sessions[grant.token] = grant
        return grant

    def session(self, token: str) -> FakeGrant:
        grant = self.sessions.get(token)
        if grant is None or grant.expires_at <= self.clock.now():
            raise Unauthenticated("your session has expired; sign in again")
        return grant

    def sign_out(self, token: str) -> None:
        self.sessions.pop(token, None)

    def list_users(self, actor: Actor) -> list[FakeUser]:
        authorise(actor, Permission.USERS_READ)
        return sorted(self.users.values(), key=lambda u: u.username)

    def create_user(
        self, actor: Actor, username: str, display_name: str, role: Role, password: str
    ) -> None:
        authorise(actor, Permission.USERS_MANAGE)
        if username in self.users:
            raise DomainRuleViolation(f"user {username} already exists")
        self._add(username, display_name, role, password)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def application(tmp_path: Path, clock: FixedClock) -> Iterator[Application]:
    url = f"sqlite:///{tmp_path / 'watchkeeper.db'}"
    schema.upgrade(url)
    settings = dataclasses.replace(settings_from_env({}), database_url=url)
    built = build(settings, clock=clock)
    yield built
    built.close()


@pytest.fixture
def accounts(clock: FixedClock) -> FakeAccounts:
    return FakeAccounts(clock)


@pytest.fixture
def app(application: Application, accounts: FakeAccounts) -> FastAPI:
    return create_app(application, accounts, options=WebOptions(secure_cookies=False))


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


SignIn = Callable[[Role], TestClient]


@pytest.fixture
def signed_in(app: FastAPI, accounts: FakeAccounts) -> Iterator[SignIn]:
    """A client signed in as the given role, sending its CSRF token on every request."""
    clients: list[TestClient] = []

    def client_for(role: Role) -> TestClient:
        grant = accounts.grant_for(role)
        client = TestClient(app, raise_server_exceptions=False)
        client.cookies.set(SESSION_COOKIE, grant.token)
        client.headers[CSRF_HEADER] = grant.csrf_token
        clients.append(client)
        return client

    yield client_for
    for client in clients:
        client.close()


@pytest.fixture
def supervisor(signed_in: SignIn) -> TestClient:
    return signed_in(Role.SUPERVISOR)


LogIncident = Callable[..., dict[str, Any]]


@pytest.fixture
def log_incident() -> LogIncident:
    """Log an incident through the API (``log_incident(client, markers=[...])``)."""

    def post(client: TestClient, **changes: Any) -> dict[str, Any]:
        response = client.post("/api/incidents", json=INCIDENT | changes)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    return post
