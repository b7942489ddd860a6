"""Bad input is refused with a clear JSON message, never a 500, and nothing stored changes."""

from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient

from watchkeeper.access.model import Role
from watchkeeper.web.security import CSRF_HEADER, SESSION_COOKIE


def _count(client: TestClient) -> int:
    return client.get("/api/backlog/summary").json()["total_open"]


def test_a_write_without_the_csrf_token_is_refused_and_nothing_is_stored(app, accounts, supervisor):
    grant = accounts.grant_for(Role.SUPERVISOR)
    with TestClient(app) as forged:
        forged.cookies.set(SESSION_COOKIE, grant.token)
        missing = forged.post("/api/incidents", json={})
        wrong = forged.post("/api/incidents", json={}, headers={CSRF_HEADER: "forged"})

    assert missing.status_code == wrong.status_code == 403
    assert missing.json()["code"] == "csrf_refused"
    assert _count(supervisor) == 0


def test_a_form_field_csrf_token_is_accepted_in_place_of_the_header(app, accounts):
    grant = accounts.grant_for(Role.SUPERVISOR)
    with TestClient(app) as client:
        client.cookies.set(SESSION_COOKIE, grant.token)
        response = client.request("DELETE", "/api/session", data={"csrf_token": grant.csrf_token})

    assert response.status_code == 204


def test_malformed_json_is_a_422_naming_the_problem(supervisor):
    response = supervisor.post(
        "/api/incidents", content=b"{not json", headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "bad_input"


def test_a_missing_field_is_named_without_echoing_the_input(supervisor):
    response = supervisor.post(
        "/api/incidents", json={"source": "999", "caller": {"name": "Private Person"}}
    )

    assert response.status_code == 422
    assert "body.location: Field required" in response.json()["message"]
    assert "Private Person" not in response.text


def test_overlong_free_text_is_refused(supervisor, log_incident):
    ref = log_incident(supervisor)["incident_id"]

    response = supervisor.post(f"/api/incidents/{ref}/contact", json={"outcome": "x" * 501})

    assert response.status_code == 422
    assert "at most 500 characters" in response.json()["message"]


def test_an_oversized_body_is_refused_with_413(supervisor):
    response = supervisor.post(
        "/api/incidents", content=b"x" * 70_000, headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_html_in_free_text_is_stored_as_text_and_returned_as_json(supervisor, log_incident):
    script = "<script>alert('x')</script>"

    incident = log_incident(supervisor, summary=script)

    assert incident["summary"] == script
    assert incident["entries"][0]["detail"]["summary"] == script


def test_an_unknown_route_is_a_json_404(supervisor):
    response = supervisor.get("/api/nowhere")

    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_every_response_carries_the_security_headers(anonymous):
    response = anonymous.get("/health")

    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_health_and_readiness_answer(anonymous):
    assert anonymous.get("/health").json() == {"status": "ok"}
    assert anonymous.get("/ready").json() == {"status": "ready"}


def test_request_logs_are_json_lines_without_query_strings_or_bodies(
    supervisor, log_incident, caplog
):
    ref = log_incident(supervisor, summary="Secret Caller Name")["incident_id"]
    with caplog.at_level(logging.INFO, logger="watchkeeper.web.requests"):
        supervisor.get(f"/api/incidents/{ref}", params={"reason": "Sensitive Reason"})

    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name.endswith("requests")]
    assert lines == [
        {
            "event": "request",
            "method": "GET",
            "path": "/api/incidents/{ref}",
            "status": 200,
            "duration_ms": lines[0]["duration_ms"],
            "username": "control-room-supervisor",
        }
    ]
    assert "Sensitive" not in caplog.text and "Secret" not in caplog.text
