"""Authentication bypass, session fixation and sign-in rate limiting, on every route.

Every signed-in route of the app (enumerated at test time) is tried with no cookie, a forged
token, a signed-out token, an expired token, the token in the query string or an
Authorization header instead of the cookie, and a method-override header: each is refused
(401 from the API; a redirect to the sign-in page, or 401 to htmx, from a page), never 2xx
and never 500.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.integration.security.conftest import UNSAFE, RouteInfo, example, routes_of
from tests.integration.web.conftest import PASSWORD, SESSION_HOURS

from watchkeeper.access.model import Role
from watchkeeper.web.app import create_app
from watchkeeper.web.security import CSRF_HEADER, SESSION_COOKIE, WebOptions

# Open by design: signing in, the sign-in page, the redirect to the board, and liveness and
# readiness (a fixed word each, for load balancers). /metrics has its own rule (loopback or
# bearer token, web.metrics): a session is not enough, so it is refused with 403 here.
PUBLIC = {("POST", "/api/session"), ("GET", "/sign-in"), ("POST", "/sign-in"), ("GET", "/"),
          ("GET", "/health"), ("GET", "/ready")}  # fmt: skip


def _signed_in_routes(app: Any) -> list[RouteInfo]:
    return [r for r in routes_of(app) if (r.method, r.path) not in PUBLIC]


def _path(route: RouteInfo, records: dict[str, str]) -> str:
    path = route.path
    for name in route.params:
        path = path.replace("{" + name + "}", records.get(name, "contact"))
    return path


def _refused(route: RouteInfo, status: int, location: str) -> bool:
    if route.path == "/metrics":
        return status == 403
    if route.api:
        return status == 401
    return status == 401 or (status == 303 and location.startswith("/sign-in"))


def _attempts(token: str) -> list[tuple[str, dict[str, str], dict[str, str], dict[str, str]]]:
    """(name, cookies, headers, query) for each way of presenting a session without one."""
    return [
        ("no cookie", {}, {}, {}),
        ("forged token", {SESSION_COOKIE: secrets.token_urlsafe(32)}, {}, {}),
        ("stolen token", {SESSION_COOKIE: token}, {}, {}),  # signed out / expired below
        ("token in query", {}, {}, {SESSION_COOKIE: token, "token": token}),
        ("bearer header", {}, {"Authorization": f"Bearer {token}"}, {}),
        ("method override", {}, {"X-HTTP-Method-Override": "GET", "X-Method-Override": "GET"},
         {"_method": "GET"}),
        ("empty cookie", {SESSION_COOKIE: ""}, {}, {}),
    ]  # fmt: skip


def _probe_all(app: Any, records: dict[str, str], token: str, tally: Any) -> list[str]:
    spec, wrong = app.openapi(), []
    with TestClient(app, raise_server_exceptions=False) as client:
        for route in _signed_in_routes(app):
            body = (
                example(spec, route.body_schema) if route.api and route.method in UNSAFE else None
            )
            for name, cookies, headers, query in _attempts(token):
                client.cookies.clear()
                for key, value in cookies.items():
                    client.cookies.set(key, value)
                reply = client.request(route.method, _path(route, records), json=body,
                                       headers=headers, params=query, follow_redirects=False)  # fmt: skip
                tally.probes += 1
                if not _refused(route, reply.status_code, reply.headers.get("location", "")):
                    wrong.append(f"{name}: {route.method} {route.path} -> {reply.status_code}")
    return wrong


@pytest.mark.parametrize("how", ["signed-out", "expired"])
def test_every_route_refuses_a_request_without_a_live_session(
    how, app, accounts, clock, records, tally
):
    grant = accounts.grant_for(Role.SUPERVISOR)
    if how == "signed-out":
        accounts.sign_out(grant.token)
    else:
        clock.advance(timedelta(hours=SESSION_HOURS, minutes=1))

    wrong = _probe_all(app, records, grant.token, tally)

    assert wrong == [], "\n".join(wrong)


def test_a_session_token_planted_before_sign_in_is_never_the_one_signed_in(app, accounts, tally):
    planted_valid = accounts.grant_for(Role.ANALYST).token  # the attacker's own session
    for planted in (secrets.token_urlsafe(32), planted_valid):
        for via_page in (False, True):
            with TestClient(app, raise_server_exceptions=False) as victim:
                victim.cookies.set(SESSION_COOKIE, planted)
                username = Role.SUPERVISOR.value
                if via_page:
                    reply = victim.post("/sign-in", data={"username": username,
                                        "password": PASSWORD, "next": "/board"},
                                        follow_redirects=False)  # fmt: skip
                    assert reply.status_code == 303
                else:
                    reply = victim.post("/api/session", json={"username": username,
                                                              "password": PASSWORD})  # fmt: skip
                    assert reply.status_code == 201
                issued = reply.cookies.get(SESSION_COOKIE)
                tally.probes += 1

                assert issued and issued != planted, "sign-in kept the planted token"
                # The planted token still names no one, or only the attacker: never the victim.
                with TestClient(app, raise_server_exceptions=False) as attacker:
                    attacker.cookies.set(SESSION_COOKIE, planted)
                    me = attacker.get("/api/session")
                assert me.status_code == 401 or me.json()["username"] == Role.ANALYST.value


def test_sign_in_is_rate_limited_per_client_on_the_api_and_the_page(application, accounts, tally):
    options = WebOptions(secure_cookies=False)  # the production defaults otherwise
    limit = options.sign_in_attempts
    app = create_app(application, accounts, options=options)
    guesses = {"username": Role.SUPERVISOR.value, "password": "guess"}
    with TestClient(app, raise_server_exceptions=False) as client:
        statuses = []
        for n in range(limit):  # a spray over usernames counts against the client
            body = {"username": f"nobody{n}", "password": "guess"}  # (no account locked)
            statuses.append(client.post("/api/session", json=body).status_code)
        over_api = client.post("/api/session", json=guesses | {"password": PASSWORD})
        over_page = client.post("/sign-in", data=guesses | {"password": PASSWORD},
                                follow_redirects=False)  # fmt: skip
    with TestClient(app, raise_server_exceptions=False, client=("192.0.2.7", 50000)) as other:
        elsewhere = other.post("/api/session", json=guesses | {"password": PASSWORD})
    tally.probes += limit + 3

    assert statuses == [401] * limit
    assert over_api.status_code == 429 and over_api.json()["code"] == "rate_limited"
    assert over_page.status_code == 429 and "set-cookie" not in over_page.headers
    assert elsewhere.status_code == 201  # another client is not locked out by this one


def test_guessing_one_account_from_many_clients_locks_the_account(application, accounts, tally):
    app = create_app(application, accounts, options=WebOptions(secure_cookies=False))
    guesses = {"username": Role.SUPERVISOR.value, "password": "guess"}
    statuses = []
    for n in range(12):  # one guess per client address: the per-client throttle never trips
        with TestClient(app, raise_server_exceptions=False, client=(f"192.0.2.{n + 1}", 1)) as c:
            statuses.append(c.post("/api/session", json=guesses).status_code)
    with TestClient(app, raise_server_exceptions=False, client=("198.51.100.1", 1)) as c:
        right = c.post("/api/session", json=guesses | {"password": PASSWORD})
    tally.probes += 13

    assert set(statuses) == {401}
    assert right.status_code == 401, "the right password got in after a spray of guesses"


def test_a_csrf_token_of_another_session_is_refused(signed_in, tally):
    mine, theirs = signed_in(Role.SUPERVISOR), signed_in(Role.SUPERVISOR)
    mine.headers[CSRF_HEADER] = theirs.headers[CSRF_HEADER]
    tally.probes += 1

    refused = mine.post("/api/units", json={"call_sign": "CSRF1", "area": "central"})

    assert refused.status_code == 403 and refused.json()["code"] == "csrf_refused"
