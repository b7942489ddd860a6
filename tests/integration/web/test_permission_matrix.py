"""Every API endpoint × every role: allowed → not 403, refused → 403.

Driven from one table: an endpoint in the OpenAPI schema without a row here fails the
first test, so a new endpoint cannot ship without a decision about who may use it.
"""

from __future__ import annotations

from typing import Any

import pytest

from watchkeeper.access.model import MATRIX, Permission, Role

P = Permission
PUBLIC = "public"  # no session needed
SIGNED_IN = "signed-in"  # any role, once signed in

RATING = {"level": "low", "rationale": "checked"}
THRIVE = dict.fromkeys(
    ("threat", "harm", "risk", "investigation", "vulnerability", "engagement"), RATING
)
INCIDENT = {
    "source": "101",
    "location": {"text": "2 Low Road", "area": "north"},
    "category": "burglary",
    "grade_label": "P3",
}

# (method, path, who may, a valid body)
ENDPOINTS: list[tuple[str, str, Permission | str, dict[str, Any] | None]] = [
    ("POST", "/api/session", PUBLIC, {"username": "nobody", "password": "wrong"}),
    ("GET", "/api/session", SIGNED_IN, None),
    ("DELETE", "/api/session", SIGNED_IN, None),
    ("POST", "/api/incidents", P.INCIDENT_LOG, INCIDENT),
    ("GET", "/api/incidents/{ref}", P.INCIDENT_READ, None),
    ("POST", "/api/incidents/{ref}/thrive", P.INCIDENT_THRIVE, THRIVE),
    ("POST", "/api/incidents/{ref}/grade", P.INCIDENT_GRADE, {"grade_label": "P1", "reason": "weapon"}),
    ("POST", "/api/incidents/{ref}/markers", P.INCIDENT_MARK, {"marker": "child"}),
    ("POST", "/api/incidents/{ref}/contact", P.INCIDENT_CONTACT, {"outcome": "called back"}),
    ("POST", "/api/incidents/{ref}/review", P.INCIDENT_REVIEW, {"note": "reviewed"}),
    ("POST", "/api/incidents/{ref}/assign", P.INCIDENT_ASSIGN, {"unit": "BX-1"}),
    ("POST", "/api/incidents/{ref}/en-route", P.INCIDENT_ATTEND, {"unit": "BX-1"}),
    ("POST", "/api/incidents/{ref}/arrive", P.INCIDENT_ATTEND, {"unit": "BX-1"}),
    ("POST", "/api/incidents/{ref}/close", P.INCIDENT_CLOSE, {"closing_category": "advice"}),
    ("POST", "/api/incidents/{ref}/strike", P.INCIDENT_STRIKE, {"seq": 2, "reason": "wrong grade"}),
    ("POST", "/api/incidents/{ref}/acknowledge", P.INCIDENT_ACKNOWLEDGE, {"alert": "critical"}),
    ("GET", "/api/backlog", P.BACKLOG_READ, None),
    ("GET", "/api/backlog/summary", P.BACKLOG_READ, None),
    ("GET", "/api/backlog/trend", P.BACKLOG_READ, None),
    ("GET", "/api/units", P.UNITS_READ, None),
    ("GET", "/api/users", P.USERS_READ, None),
    (
        "POST",
        "/api/users",
        P.USERS_MANAGE,
        {"username": "new.user", "display_name": "New User", "role": "analyst", "password": "a long passphrase"},
    ),
]  # fmt: skip


def test_every_api_endpoint_has_a_row_in_the_table(app):
    documented = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method in operations
    }

    assert documented == {(method, path) for method, path, _, _ in ENDPOINTS}


def _allowed(role: Role, who: Permission | str) -> bool:
    return who in (PUBLIC, SIGNED_IN) or who in MATRIX[role]


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_is_allowed_exactly_what_the_matrix_grants(
    role, signed_in, supervisor, log_incident
):
    client = signed_in(role)
    wrong = []
    for method, template, who, body in ENDPOINTS:
        path = template
        if "{ref}" in template:
            path = template.format(ref=log_incident(supervisor)["incident_id"])
        if path == "/api/session" and method == "DELETE":
            continue  # signing out is checked last, so the session lasts the loop
        status = client.request(method, path, json=body).status_code
        if (status == 403) == _allowed(role, who) or status >= 500:
            wrong.append(f"{method} {path}: {status}")
    out = client.delete("/api/session").status_code

    assert wrong == []
    assert out == 204
