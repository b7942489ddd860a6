"""A real application on a fresh SQLite file, served through FastAPI's TestClient.

Accounts are the real service from bootstrap (a fast hasher stands in for argon2), seeded
with one user per role, so the permission matrix and the API tests exercise the real
authorisation, the real sessions and the real audit chain.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from watchkeeper.access.accounts import Accounts
from watchkeeper.access.model import Actor, Role
from watchkeeper.access.sessions import SessionGrant
from watchkeeper.bootstrap import Application, build
from watchkeeper.kernel.clock import FixedClock
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
SESSION_HOURS = 8


class QuickHasher:
    """Stands in for argon2 so each test is not spent hashing (hashing has its own tests)."""

    def hash(self, password: str) -> str:
        return f"quick:{password[::-1]}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == self.hash(password)


class SeededAccounts:
    """The application's real accounts service, seeded with one user per role.

    Each user is named after its role's value (``control-room-supervisor``) and signs in
    with PASSWORD through the real sign-in, so every grant is a real stored session.
    """

    def __init__(self, service: Accounts) -> None:
        self.service = service
        admin = Actor(Role.ADMINISTRATOR.value, Role.ADMINISTRATOR, "cli")
        service.create_user(None, admin.username, "Administrator", admin.role, PASSWORD)
        for role in Role:
            if role is not Role.ADMINISTRATOR:
                service.create_user(admin, role.value, role.value.title(), role, PASSWORD)

    def grant_for(self, role: Role) -> SessionGrant:
        """A fresh signed-in session for the role's seeded user."""
        return self.service.sign_in(role.value, PASSWORD, "test")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.service, name)  # everything else is the real service's


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def application(tmp_path: Path, clock: FixedClock) -> Iterator[Application]:
    url = f"sqlite:///{tmp_path / 'watchkeeper.db'}"
    schema.upgrade(url)
    env = {"WATCHKEEPER_AUDIT_KEY_FILE": str(tmp_path / "audit.key")}
    # One 8-hour session, idle or not: tests move the clock up to an hour between requests.
    settings = dataclasses.replace(
        settings_from_env(env),
        database_url=url,
        audit_head_file=tmp_path / "audit.head",
        session_idle_minutes=SESSION_HOURS * 60,
        session_absolute_hours=SESSION_HOURS,
    )
    built = build(settings, clock=clock, hasher=QuickHasher())
    yield built
    built.close()


@pytest.fixture
def accounts(application: Application) -> SeededAccounts:
    return SeededAccounts(application.accounts)


@pytest.fixture
def app(application: Application, accounts: SeededAccounts) -> FastAPI:
    return create_app(application, accounts.service, options=WebOptions(secure_cookies=False))


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


SignIn = Callable[[Role], TestClient]


@pytest.fixture
def signed_in(app: FastAPI, accounts: SeededAccounts) -> Iterator[SignIn]:
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
