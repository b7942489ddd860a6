"""Schemathesis over the SOC and armed-response endpoints, as the roles allowed to use them:
no 5xx, no schema violations, every status documented (issue 6)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from watchkeeper.access.model import Role
from watchkeeper.web.security import CSRF_HEADER, SESSION_COOKIE

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]  # fmt: skip


def _fuzz(operation, accounts, role: Role, group_id: str) -> None:
    turns = iter(range(1_000_000))

    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck),
              derandomize=True, database=None)  # fmt: skip
    def run(case):
        grant = accounts.grant_for(role)
        if next(turns) % 2 == 0 and "group_id" in (case.path_parameters or {}):
            case.path_parameters["group_id"] = group_id  # reach the services behind the 404
        case.call_and_validate(headers={CSRF_HEADER: grant.csrf_token},
                               cookies={SESSION_COOKIE: grant.token}, checks=CHECKS)  # fmt: skip

    run()


def test_the_soc_and_armed_api_never_fails_with_a_server_error(app, accounts, signed_in):
    soc = signed_in(Role.SOC_OFFICER)
    group_id = soc.post("/api/soc/groups", json={"name": "G", "activities": ["drugs"]}).json()[
        "group_id"
    ]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    failures, fuzzed = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        path = operation.path
        if not path.startswith(("/api/soc", "/api/armed")):
            continue
        fuzzed += 1
        role = Role.FIREARMS_COMMANDER if path.startswith("/api/armed") else Role.SOC_OFFICER
        try:
            _fuzz(operation, accounts, role, group_id)
        except Exception as failure:
            failures.append(f"{operation.label}: {failure}")
    assert fuzzed == 26  # every SOC and armed operation was reached (with /api/armed/derive)
    assert failures == []
