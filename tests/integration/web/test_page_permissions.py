"""Every page × every role: allowed pages render, refused ones say so (403), none crash."""

from __future__ import annotations

import pytest

from watchkeeper.access.model import MATRIX, Permission, Role

# What each page reads. The first test fails when a page route has no row here.
PAGE_NEEDS = {
    "/board": Permission.BACKLOG_READ,
    "/board/live": Permission.BACKLOG_READ,
    "/board/alerts": Permission.BACKLOG_READ,
    "/review": Permission.BACKLOG_READ,
    "/map": Permission.BACKLOG_READ,
    "/units": Permission.UNITS_READ,
    "/incidents/{ref}": Permission.INCIDENT_READ,
}
NOT_ROLE_PAGES = ("/api", "/static", "/health", "/ready", "/sign-in")


def _get_paths(routes) -> set[str]:
    """Every GET path, walking into included routers."""
    found: set[str] = set()
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI keeps included routers
        if included is not None:
            found |= _get_paths(included.routes)
        elif "GET" in (getattr(route, "methods", None) or set()):
            found.add(route.path)
    return found


def test_every_page_route_has_a_row_in_the_table(app) -> None:
    pages = {p for p in _get_paths(app.routes) if not p.startswith(NOT_ROLE_PAGES) and p != "/"}
    assert "/board" in pages  # the walk found the page router
    assert pages == set(PAGE_NEEDS)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_sees_exactly_the_pages_its_permissions_allow(
    signed_in, supervisor, log_incident, role
) -> None:
    ref = log_incident(supervisor)["incident_id"]
    client = signed_in(role)
    for path, needs in PAGE_NEEDS.items():
        response = client.get(path.replace("{ref}", ref))
        allowed = needs in MATRIX[role]
        assert response.status_code == (200 if allowed else 403), (path, response.status_code)
        if not allowed:
            assert "may not" in response.text  # the refusal names what was refused
