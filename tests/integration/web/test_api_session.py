"""Signing in and out: the session cookie, CSRF, expiry and sign-in throttling."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from watchkeeper.access.model import Role
from watchkeeper.web.app import create_app
from watchkeeper.web.security import CSRF_HEADER, SESSION_COOKIE, WebOptions

SUPERVISOR = {"username": Role.SUPERVISOR.value, "password": "correct horse battery staple"}


def test_signing_in_sets_a_strict_http_only_cookie_and_returns_the_csrf_token(anonymous):
    response = anonymous.post("/api/session", json=SUPERVISOR)

    assert response.status_code == 201
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert response.json()["role"] == "control-room-supervisor"
    assert response.json()["csrf_token"]


def test_the_session_cookie_leaves_expiry_to_the_server(anonymous):
    """A cookie expiring at the idle deadline of sign-in would be dropped by the browser
    however busy the user stayed; the server's idle and absolute expiry decide instead."""
    cookie = anonymous.post("/api/session", json=SUPERVISOR).headers["set-cookie"].lower()

    assert "expires=" not in cookie and "max-age=" not in cookie


def test_the_session_cookie_is_secure_unless_configured_off(application, accounts):
    with TestClient(create_app(application, accounts)) as client:
        cookie = client.post("/api/session", json=SUPERVISOR).headers["set-cookie"]

    assert "Secure" in cookie


def test_a_signed_in_user_can_ask_who_they_are(anonymous):
    anonymous.post("/api/session", json=SUPERVISOR)

    me = anonymous.get("/api/session")

    assert me.status_code == 200 and me.json()["username"] == SUPERVISOR["username"]


def test_a_wrong_password_is_refused_without_a_cookie(anonymous):
    refused = anonymous.post("/api/session", json=SUPERVISOR | {"password": "wrong"})

    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthenticated"
    assert "set-cookie" not in refused.headers


def test_no_session_means_401_with_a_clear_message(anonymous):
    refused = anonymous.get("/api/backlog")

    assert refused.status_code == 401
    assert refused.json() == {"code": "unauthenticated", "message": "sign in first: no session"}


def test_an_expired_session_is_refused(supervisor, clock):
    clock.advance(timedelta(hours=9))

    refused = supervisor.get("/api/backlog")

    assert refused.status_code == 401 and "expired" in refused.json()["message"]


def test_signing_out_ends_the_session_and_clears_the_cookie(anonymous):
    token = anonymous.post("/api/session", json=SUPERVISOR).json()["csrf_token"]

    out = anonymous.delete("/api/session", headers={CSRF_HEADER: token})

    assert out.status_code == 204
    assert anonymous.get("/api/session").status_code == 401


def test_too_many_sign_in_attempts_from_one_client_are_throttled(application, accounts):
    options = WebOptions(secure_cookies=False, sign_in_attempts=3)
    with TestClient(create_app(application, accounts, options=options)) as client:
        statuses = [
            client.post("/api/session", json=SUPERVISOR | {"password": "guess"}).status_code
            for _ in range(4)
        ]
        throttled = client.post("/api/session", json=SUPERVISOR)

    assert statuses == [401, 401, 401, 429]
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "rate_limited"
