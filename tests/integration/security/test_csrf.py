"""CSRF on every state-changing route, enumerated from the app: without the session's token,
or with a wrong one, the request is refused with 403 and nothing is stored."""

from __future__ import annotations

from typing import Any

from tests.integration.security.conftest import (
    UNSAFE,
    RouteInfo,
    example,
    routes_of,
    table_fingerprint,
)

from watchkeeper.access.model import Role
from watchkeeper.web.security import CSRF_FIELD, CSRF_HEADER

# Signing in has no session yet to hold a token (SameSite=Strict cookies stop a cross-site
# post from carrying one; sign-in forms are throttled, see test_authentication).
NO_SESSION_YET = {("POST", "/api/session"), ("POST", "/sign-in")}
# Rows a refused request may write: none today; the audit log would be the only candidate.
MAY_CHANGE: frozenset[str] = frozenset()


def _unsafe_routes(app: Any) -> list[RouteInfo]:
    return [r for r in routes_of(app)
            if r.method in UNSAFE and (r.method, r.path) not in NO_SESSION_YET]  # fmt: skip


def _path(route: RouteInfo, records: dict[str, str]) -> str:
    path = route.path
    for name in route.params:
        path = path.replace("{" + name + "}", records.get(name, "contact"))
    return path


def test_every_unsafe_route_refuses_a_missing_or_wrong_csrf_token(world, tally):
    app, application, signed_in, records = (
        world.app,
        world.application,
        world.signed_in,
        world.records,
    )
    spec = app.openapi()
    routes = _unsafe_routes(app)
    roles = (Role.SUPERVISOR, Role.SOC_OFFICER, Role.PUBLIC_PROTECTION)
    clients = {role: signed_in(role) for role in roles}  # signed in before the snapshot
    before = table_fingerprint(application, MAY_CHANGE)
    wrong = []
    for role, client in clients.items():
        real = client.headers.pop(CSRF_HEADER)
        for route in routes:
            path = _path(route, records)
            body = example(spec, route.body_schema) if route.api else None
            for token in (None, "", real[:-2] + "xx", real.upper()):
                headers = {} if token is None else {CSRF_HEADER: token}
                if route.api:
                    reply = client.request(route.method, path, json=body, headers=headers)
                else:
                    form = {} if token is None else {CSRF_FIELD: token}
                    reply = client.request(route.method, path, data=form | {"note": "x"},
                                           follow_redirects=False)  # fmt: skip
                tally.probes += 1
                code = reply.json().get("code") if route.api and reply.status_code == 403 else None
                if reply.status_code != 403 or (route.api and code != "csrf_refused"):
                    wrong.append(f"{role.value} {route.method} {path} token={token!r}: "
                                 f"{reply.status_code}")  # fmt: skip
    after = table_fingerprint(application, MAY_CHANGE)

    assert wrong == [], "\n".join(wrong)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == [], f"refused requests changed these tables: {changed}"
    assert len(routes) >= 60  # the app has this many unsafe routes; fewer means lost routes
