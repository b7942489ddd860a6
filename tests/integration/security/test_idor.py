"""Insecure direct object references: every id-taking route, every role, real and wrong ids.

Routes come from the running app (the OpenAPI schema, plus the HTML pages), so a new
endpoint is probed as soon as it exists. For each role, each route is called with the real
id of a record of its kind: a role without the permission to read that kind of record gets
403 or 404, never 2xx (with data) and never 500. Each route is also called with the ids of
records of every other kind, and with an id that names nothing, by a role that may and a
role that may not: never 2xx, never 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.integration.security.conftest import (
    NOT_IDS,
    READ_BY_PARAM,
    UNSAFE,
    RouteInfo,
    example,
    routes_of,
)

from watchkeeper.access.model import MATRIX, Role

NONEXISTENT = {"suggestion_id": "999999"}  # an integer id; every other kind takes text


def _id_routes(app: Any) -> list[RouteInfo]:
    return [r for r in routes_of(app) if set(r.params) - set(NOT_IDS)]


def _call(client: Any, spec: dict[str, Any], route: RouteInfo, values: dict[str, str]) -> Any:
    path = route.path
    for name in route.params:
        path = path.replace("{" + name + "}", values.get(name) or NOT_IDS[name])
    if not route.api:
        data = {"csrf_token": client.headers.get("X-CSRF-Token", "")}
        return client.request(route.method, path, data=data if route.method in UNSAFE else None,
                              follow_redirects=False)  # fmt: skip
    body = example(spec, route.body_schema) if route.method in UNSAFE else None
    return client.request(route.method, path, json=body)


def _kind(route: RouteInfo) -> str:
    """The id parameter naming the record the route acts on (the first, e.g. an order)."""
    return next(p for p in route.params if p not in NOT_IDS)


def test_every_id_parameter_has_a_read_permission(world):
    app = world.app
    unknown = {p for r in _id_routes(app) for p in r.params} - set(READ_BY_PARAM) - set(NOT_IDS)

    assert not unknown, f"add these to READ_BY_PARAM (who may see such a record): {unknown}"
    assert len(_id_routes(app)) >= 40  # the probe would prove little over a handful


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_a_role_is_never_shown_a_record_it_may_not_see(role, world, tally):
    app, records = world.app, world.records
    client, spec = world.signed_in(role), app.openapi()
    wrong = []
    for route in _id_routes(app):
        kind = _kind(route)
        reply = _call(client, spec, route, records)
        tally.probes += 1
        may_see = READ_BY_PARAM[kind] in MATRIX[role]
        if reply.status_code >= 500 or (200 <= reply.status_code < 300 and not may_see):
            wrong.append(f"{route.method} {route.path}: {reply.status_code}")
        if not may_see and not route.api and reply.status_code in (302, 303):
            wrong.append(f"{route.method} {route.path}: redirected a signed-in user")

    assert wrong == []


def _role_that_may(kind: str, may: bool) -> Role:
    return next(r for r in Role if (READ_BY_PARAM[kind] in MATRIX[r]) == may)


def test_ids_of_other_kinds_and_ids_naming_nothing_find_nothing(world, tally):
    app, records = world.app, world.records
    spec = app.openapi()
    clients = {role: world.signed_in(role) for role in Role}
    wrong = []
    for route in _id_routes(app):
        kind = _kind(route)
        others = {k: v for k, v in records.items() if k != kind and v != records[kind]}
        trials = [*others.values(), NONEXISTENT.get(kind, "NO-SUCH-RECORD-404")]
        # Every wrong id from a role that may see this kind; two from one that may not.
        for may, tried in ((True, trials), (False, trials[-2:])):
            client = clients[_role_that_may(kind, may)]
            for wrong_id in tried:
                reply = _call(client, spec, route, records | {kind: wrong_id})
                tally.probes += 1
                status = reply.status_code
                if status >= 500 or (200 <= status < 300 and not _empty(reply)):
                    wrong.append(f"{route.method} {route.path} {kind}={wrong_id}: {status}")

    assert wrong == [], "\n".join(wrong)


def _empty(reply: Any) -> bool:
    """A 2xx that shows no record: an empty list, or a count of none (the caseload of a
    manager who has no offenders: a count and the configured threshold, nothing personal)."""
    try:
        body = reply.json()
    except ValueError:
        return False
    if body == []:
        return True
    lists = [v for v in body.values() if isinstance(v, list)] if isinstance(body, dict) else [1]
    return isinstance(body, dict) and body.get("count") == 0 and not any(lists)
