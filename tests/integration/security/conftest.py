"""Security probes (issue 8 part 5): the web test app, one real record of every kind, and
the routes, enumerated from the app itself so that a new endpoint is probed automatically.

The app, accounts and signed-in clients are the web suite's fixtures (a real application on
a fresh SQLite file, one seeded user per role, real sessions and CSRF tokens). Every probe
counted here is appended to ``WATCHKEEPER_SECURITY_REPORT`` when that names a file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.routing import APIRoute
from tests.integration.web import conftest as web
from tests.integration.web.safeguarding_seed import (
    SUPERVISOR,
    report_child_missing,
    seed_one_address,
)

from watchkeeper.access.model import Permission, Role
from watchkeeper.persistence.tables import metadata

# The web suite's fixtures, shared: a real application on SQLite, users of every role.
application, accounts, app, anonymous = web.application, web.accounts, web.app, web.anonymous
clock, signed_in, supervisor = web.clock, web.signed_in, web.supervisor
INCIDENT = web.INCIDENT

P = Permission
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

# What a role must hold to be shown a record named by each path parameter. A new parameter
# fails test_every_id_parameter_has_a_read_permission until it is added here.
READ_BY_PARAM: dict[str, Permission] = {
    "ref": P.INCIDENT_READ,
    "call_sign": P.UNITS_READ,
    "group_id": P.SOC_READ,
    "case_id": P.SOC_READ,
    "order_id": P.SOC_READ,
    "breach_id": P.SOC_READ,
    "person_ref": P.PEOPLE_READ,
    "suggestion_id": P.PEOPLE_READ,
    "case_ref": P.SAFEGUARDING_READ,
    "episode_ref": P.SAFEGUARDING_READ,
    "offender_ref": P.OFFENDER_READ,
    "manager_ref": P.OFFENDER_READ,
}
# Path parameters that are not record ids: a choice of action, filled with a real one.
NOT_IDS = {"action": "contact", "choice": "accept", "step": "found"}


@dataclass(frozen=True)
class RouteInfo:
    method: str
    path: str
    params: tuple[str, ...]  # path parameters, in order
    api: bool  # in the OpenAPI schema (JSON) rather than a page (HTML)
    body_schema: dict[str, Any] | None


def _walk(routes: Any) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI's included router
            yield from _walk(route.original_router.routes)
        elif hasattr(route, "routes") and not hasattr(route, "app"):
            yield from _walk(route.routes)


def routes_of(app: FastAPI) -> list[RouteInfo]:
    """Every route of the running app: the API from its OpenAPI schema, pages from the
    router (they are HTML, so not in the schema)."""
    spec = app.openapi()
    found: list[RouteInfo] = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            params = tuple(re.findall(r"{(\w+)}", path))
            found.append(RouteInfo(method.upper(), path, params, True, schema))
    documented = {(r.method, r.path) for r in found}
    for route in _walk(app.routes):
        for method in sorted(route.methods - {"HEAD"}):
            if (method, route.path) not in documented and route.path != "/api/openapi.json":
                params = tuple(re.findall(r"{(\w+)}", route.path))
                found.append(RouteInfo(method, route.path, params, False, None))
    return found


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def example(spec: dict[str, Any], schema: dict[str, Any] | None, text: str = "x") -> Any:
    """A small instance of a JSON schema (required fields only); free text set to ``text``."""
    if schema is None:
        return None
    schema = resolve(spec, schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if resolve(spec, s).get("type") != "null"]
            return example(spec, options[0], text) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object":
        required = schema.get("required", [])
        props = schema.get("properties", {})
        return {name: example(spec, props[name], text) for name in required if name in props}
    if kind == "array":
        return [example(spec, schema.get("items", {}), text)] * max(1, schema.get("minItems", 0))
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date-time":
            return "2026-01-01T00:00:00Z"
        if fmt == "date":
            return "2026-01-01"
        if is_free_text(schema):
            return text
        pattern = schema.get("pattern", "")
        choice = re.match(r"^\^\(([^|)]+)", pattern)
        return choice.group(1) if choice else "x1-a"
    return "x"


def is_free_text(schema: dict[str, Any]) -> bool:
    """A string field that takes anything a person may type (no code pattern, enum, format)."""
    return (
        schema.get("type") == "string"
        and "enum" not in schema
        and "format" not in schema
        and schema.get("pattern") in (None, r"^[^\x00]*$")
        and schema.get("maxLength", 1000) > 16
    )


@dataclass
class Tally:
    """Probes made by a test, and the failures found (an xfailed probe counts as one)."""

    name: str
    probes: int = 0

    def report(self) -> None:
        line = {"test": self.name, "probes": self.probes}
        print("security probes:", json.dumps(line))
        target = os.environ.get("WATCHKEEPER_SECURITY_REPORT")
        if target:
            with Path(target).open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(line) + "\n")


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    counted = Tally(request.node.name)
    yield counted
    counted.report()


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


@pytest.fixture
def records(signed_in: Any, clock: Any) -> dict[str, str]:
    """One real record of every kind, made through the API by the role that may: param ->
    its id."""
    return seed_records(signed_in, clock)


@dataclass
class World:
    """One app, its store, signed-in clients and one record of each kind, for a module."""

    application: Any
    app: FastAPI
    signed_in: Any
    records: dict[str, str]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The web suite's app (same wiring as its fixtures), built once for a whole module:
    the probes are many and read-mostly, and the seeding is not free."""
    import dataclasses

    from fastapi.testclient import TestClient

    from watchkeeper.bootstrap import build
    from watchkeeper.kernel.clock import FixedClock
    from watchkeeper.persistence import schema
    from watchkeeper.settings import settings_from_env
    from watchkeeper.web.app import create_app
    from watchkeeper.web.security import CSRF_HEADER, SESSION_COOKIE, WebOptions

    folder = tmp_path_factory.mktemp("security")
    url = f"sqlite:///{folder / 'watchkeeper.db'}"
    schema.upgrade(url)
    settings = dataclasses.replace(
        settings_from_env({"WATCHKEEPER_AUDIT_KEY_FILE": str(folder / "audit.key")}),
        database_url=url,
        audit_head_file=folder / "audit.head",
        session_idle_minutes=web.SESSION_HOURS * 60,
        session_absolute_hours=web.SESSION_HOURS,
    )
    fixed = FixedClock(web.T0)
    built = build(settings, clock=fixed, hasher=web.QuickHasher())
    seeded = web.SeededAccounts(built.accounts)
    web_app = create_app(built, seeded.service, options=WebOptions(secure_cookies=False))
    clients: list[TestClient] = []

    def client_for(role: Role) -> TestClient:
        grant = seeded.grant_for(role)
        client = TestClient(web_app, raise_server_exceptions=False)
        client.cookies.set(SESSION_COOKIE, grant.token)
        client.headers[CSRF_HEADER] = grant.csrf_token
        clients.append(client)
        return client

    yield World(built, web_app, client_for, seed_records(client_for, fixed))
    for client in clients:
        client.close()
    built.close()


def seed_records(signed_in: Any, clock: Any) -> dict[str, str]:
    sup, soc = signed_in(Role.SUPERVISOR), signed_in(Role.SOC_OFFICER)
    ppo = signed_in(Role.PUBLIC_PROTECTION)
    ref = ok(sup.post("/api/incidents", json=INCIDENT), 201)["incident_id"]
    ok(sup.post("/api/units", json={"call_sign": "SEC1", "area": "central"}), 201)
    group = ok(soc.post("/api/soc/groups", json={"name": "Ridge Lane", "activities": ["drug-supply"]}), 201)  # fmt: skip
    ok(soc.post("/api/soc/cases", json={"case_id": "SCPO-CASE-7", "person_ref": "NOM-7",
                                        "offence": "common-assault", "stage": "charged"}), 201)  # fmt: skip
    today = clock.now().date()
    order = {"order_id": "SCPO-ORDER-7", "person_ref": "NOM-7", "court": "crown-court",
             "made_on": (today - timedelta(days=30)).isoformat(),
             "starts_on": (today - timedelta(days=30)).isoformat(),
             "ends_on": (today + timedelta(days=1000)).isoformat(), "monitoring_officer": "dc.a",
             "terms": [{"term_id": "T1", "text": "no contact",
                        "starts_on": (today - timedelta(days=30)).isoformat(),
                        "ends_on": (today + timedelta(days=300)).isoformat()}]}  # fmt: skip
    ok(soc.post("/api/soc/orders", json=order), 201)
    breach = soc.post("/api/soc/orders/SCPO-ORDER-7/breaches", json={
        "term_id": "T1", "occurred_on": (today - timedelta(days=1)).isoformat(), "summary": "seen"})  # fmt: skip
    breach_id = _breach_id(breach.json()) if breach.status_code < 300 else "B-1"
    seed_one_address(ppo, today)
    report_child_missing(ppo, (clock.now() - timedelta(hours=1)).isoformat())
    ok(ppo.post("/api/da-cases", json={"case_ref": "DA-1", "victim_ref": "V-1",
                                       "supervisor": SUPERVISOR}), 201)  # fmt: skip
    return {
        "ref": ref, "call_sign": "SEC1", "group_id": group["group_id"], "case_id": "SCPO-CASE-7",
        "order_id": "SCPO-ORDER-7", "breach_id": breach_id, "person_ref": "V-1", "suggestion_id": "1",
        "case_ref": "DA-1", "episode_ref": "MP-1", "offender_ref": "RSO-1",
        "manager_ref": Role.PUBLIC_PROTECTION.value,
    }  # fmt: skip


def _breach_id(order: dict[str, Any]) -> str:
    breaches = order.get("breaches") or []
    return str(breaches[-1].get("breach_id", "B-1")) if breaches else "B-1"


def table_fingerprint(application: Any, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every table's rows (as sorted text), to prove a refused request stored nothing."""
    seen: dict[str, Any] = {}
    with application.engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = connection.execute(sa.select(table)).all()
            seen[table.name] = sorted(repr(tuple(row)) for row in rows)
    return seen
