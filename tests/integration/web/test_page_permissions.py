"""Every page × every role: allowed pages render, refused ones say so (403), none crash."""

from __future__ import annotations

import pytest
from tests.integration.web.conftest import T0
from tests.integration.web.safeguarding_seed import (
    SUPERVISOR,
    report_child_missing,
    seed_one_address,
)

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
    "/assessment": Permission.ASSESSMENT_READ,  # issue 7
    "/assessment/pdf": Permission.ASSESSMENT_READ,
    "/assessment/report.css": Permission.ASSESSMENT_READ,
    "/soc": Permission.SOC_READ,  # issue 6
    "/soc/groups/{group_id}": Permission.SOC_READ,
    "/soc/orders/{order_id}": Permission.SOC_READ,
    "/armed": Permission.ARMED_ANALYSIS,
    "/intake": Permission.INTAKE_LOOKUP,  # issue 5
    "/people/{person_ref}": Permission.PEOPLE_READ,
    "/da-cases/new": Permission.DASH_RECORD,  # the open-case form
    "/da-cases/{case_ref}": Permission.SAFEGUARDING_READ,
    "/missing/new": Permission.MISSING_MANAGE,  # the report-missing form
    "/missing/{episode_ref}": Permission.SAFEGUARDING_READ,
    "/offenders/new": Permission.OFFENDER_MANAGE,
    "/offenders/{offender_ref}": Permission.OFFENDER_READ,
    "/da-cases": Permission.SAFEGUARDING_READ,  # the registers' lists
    "/missing": Permission.SAFEGUARDING_READ,
    "/offenders": Permission.OFFENDER_READ,
    "/duplicates": Permission.PEOPLE_READ,  # suggested duplicates on the nominal index
    "/work": Permission.DUTIES_READ,
    "/work/overdue": Permission.DUTIES_READ,
    "/duties/alerts": Permission.DUTIES_READ,
}
# issue 5: the records the register pages show (seeded once per test, below)
RECORDS = {"{person_ref}": "V-1", "{case_ref}": "DA-1", "{episode_ref}": "MP-1",
           "{offender_ref}": "RSO-1"}  # fmt: skip
# Not pages for a role: the API, files, probes, sign-in, and /metrics (loopback or a bearer
# token, no session; tested in test_metrics.py).
NOT_ROLE_PAGES = ("/api", "/static", "/health", "/ready", "/sign-in", "/metrics")


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
    group = signed_in(Role.SOC_OFFICER).post(
        "/api/soc/groups", json={"name": "G", "activities": ["drugs"]}
    )
    group_id = group.json()["group_id"]  # issue 6: a group for the group page
    day = T0.date().isoformat()
    order = {"order_id": "S-1", "person_ref": "P-1", "court": "crown-court", "made_on": day,
             "starts_on": day, "ends_on": day, "monitoring_officer": "dc.a",
             "terms": [{"term_id": "T1", "text": "t", "starts_on": day, "ends_on": day}]}  # fmt: skip
    made = signed_in(Role.SOC_OFFICER).post("/api/soc/orders", json=order)
    assert made.status_code == 201, made.text  # and an order for the order page
    ppo = signed_in(Role.PUBLIC_PROTECTION)  # issue 5: one record on each register
    seed_one_address(ppo, T0.date())
    report_child_missing(ppo, T0.isoformat())
    case = {"case_ref": "DA-1", "victim_ref": "V-1", "supervisor": SUPERVISOR}
    assert ppo.post("/api/da-cases", json=case).status_code == 201
    client = signed_in(role)
    for path, needs in PAGE_NEEDS.items():
        target = path.replace("{ref}", ref).replace("{group_id}", group_id)
        target = target.replace("{order_id}", "S-1")
        for name, value in RECORDS.items():
            target = target.replace(name, value)
        response = client.get(target)
        allowed = needs in MATRIX[role]
        assert response.status_code == (200 if allowed else 403), (path, response.status_code)
        if not allowed:
            assert "may not" in response.text  # the refusal names what was refused
