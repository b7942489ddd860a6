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
ENDPOINTS: list[tuple[str, str, Permission | str, dict[str, Any] | list[Any] | None]] = [
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
    ("POST", "/api/incidents/{ref}/firearms-authorised", P.INCIDENT_ASSIGN, {"authorised_by": "Insp 4412"}),
    ("POST", "/api/incidents/{ref}/close", P.INCIDENT_CLOSE, {"closing_category": "advice"}),
    ("POST", "/api/incidents/{ref}/strike", P.INCIDENT_STRIKE, {"seq": 2, "reason": "wrong grade"}),
    ("POST", "/api/incidents/{ref}/acknowledge", P.INCIDENT_ACKNOWLEDGE, {"alert": "critical"}),
    ("GET", "/api/backlog", P.BACKLOG_READ, None),
    ("GET", "/api/backlog/summary", P.BACKLOG_READ, None),
    ("GET", "/api/backlog/trend", P.BACKLOG_READ, None),
    ("GET", "/api/units", P.UNITS_READ, None),
    # issue 4: the unit register and dispatch
    ("POST", "/api/units", P.UNITS_MANAGE, {"call_sign": "MX1", "area": "central"}),
    ("PATCH", "/api/units/{call_sign}", P.UNITS_MANAGE, {"status": "unavailable"}),
    ("GET", "/api/dispatch/recommendations", P.DISPATCH_RECOMMEND, None),
    ("GET", "/api/dispatch/forecast", P.DISPATCH_RECOMMEND, None),
    ("POST", "/api/incidents/{ref}/dispatch/accept", P.INCIDENT_ASSIGN, {"unit": "CE01"}),
    ("POST", "/api/incidents/{ref}/dispatch/override", P.INCIDENT_ASSIGN, {"unit": "CE01", "reason": "closest"}),
    ("GET", "/api/users", P.USERS_READ, None),
    (
        "POST",
        "/api/users",
        P.USERS_MANAGE,
        {"username": "new.user", "display_name": "New User", "role": "analyst", "password": "a long passphrase"},
    ),
    # issue 6: the SOC registers (SOC officers only) and armed-response analysis
    ("GET", "/api/soc/groups", P.SOC_READ, None),
    ("POST", "/api/soc/groups", P.SOC_MANAGE, {"name": "Ridge Lane", "activities": ["drug-supply"]}),
    ("GET", "/api/soc/groups/{group_id}", P.SOC_READ, None),
    ("POST", "/api/soc/groups/{group_id}/members", P.SOC_MANAGE, {"person_ref": "P-1", "role": "member"}),
    ("POST", "/api/soc/groups/{group_id}/score", P.SOC_MANAGE, {"ocgm": {}, "harm": {}, "likelihood": "low", "position": {}}),
    ("POST", "/api/soc/groups/{group_id}/state", P.SOC_MANAGE, {"state": "mapped", "reason": "scored"}),
    ("POST", "/api/soc/groups/{group_id}/lro", P.SOC_MANAGE, {"officer": "di.khan", "reason": "tasking"}),
    ("POST", "/api/soc/groups/{group_id}/disruptions", P.SOC_MANAGE, {"type": "arrest", "impact": "minor", "strand": "pursue", "summary": "x"}),
    ("POST", "/api/soc/groups/{group_id}/plan", P.SOC_MANAGE, {"objectives": {"pursue": "arrest"}}),
    ("POST", "/api/soc/groups/{group_id}/plan/actions", P.SOC_MANAGE, {"strand": "pursue", "description": "warrant", "owner": "dc.a", "supervisor": "di.b", "due_at": "2030-01-01T00:00:00Z"}),
    ("GET", "/api/soc/caseloads", P.SOC_READ, None),
    ("GET", "/api/soc/flags", P.SOC_READ, None),
    ("GET", "/api/soc/indicators", P.SOC_READ, None),
    ("GET", "/api/soc/cases", P.SOC_READ, None),
    ("POST", "/api/soc/cases", P.SCPO_MANAGE, {"case_id": "C-1", "person_ref": "P-1", "offence": "common-assault", "stage": "charged"}),
    ("POST", "/api/soc/cases/{case_id}/decision", P.SCPO_MANAGE, {"decision": "apply", "reason": "r"}),
    ("GET", "/api/soc/orders", P.SOC_READ, None),
    ("POST", "/api/soc/orders", P.SCPO_MANAGE, {"order_id": "S-1", "person_ref": "P-1", "court": "crown-court", "made_on": "2026-01-01", "starts_on": "2026-01-01", "ends_on": "2032-01-01", "monitoring_officer": "dc.a", "terms": [{"term_id": "T1", "text": "t", "starts_on": "2026-01-01", "ends_on": "2027-01-01"}]}),
    ("GET", "/api/soc/orders/{order_id}", P.SOC_READ, None),
    ("POST", "/api/soc/orders/{order_id}/checks", P.SCPO_MANAGE, {"outcome": "compliant"}),
    ("POST", "/api/soc/orders/{order_id}/breaches", P.SCPO_MANAGE, {"term_id": "T1", "occurred_on": "2026-02-01", "summary": "s"}),
    ("POST", "/api/soc/orders/{order_id}/breaches/{breach_id}/referral", P.SCPO_MANAGE, {"to": "CPS"}),
    ("POST", "/api/soc/orders/{order_id}/breaches/{breach_id}/outcome", P.SCPO_MANAGE, {"outcome": "charged"}),
    ("GET", "/api/armed/analysis", P.ARMED_ANALYSIS, None),
    ("POST", "/api/armed/derive", P.ARMED_RECORD, None),
    ("POST", "/api/armed/deployments", P.ARMED_RECORD, [{"deployment_id": "D-1", "incident_ref": "INC-1", "arv": "ARV-1", "area": "north", "call_at": "2026-01-01T00:00:00Z"}]),
    # issue 5: the nominal index, safeguarding registers and duties (public protection only)
    ("POST", "/api/people", P.PEOPLE_MANAGE, {"person_ref": "P-M", "names": [{"given": "A", "family": "B"}]}),
    ("GET", "/api/people/{person_ref}", P.PEOPLE_READ, None),
    ("POST", "/api/people/{person_ref}/addresses", P.PEOPLE_MANAGE, {"address_ref": "A-NONE", "relation": "lives-at"}),
    ("POST", "/api/addresses", P.PEOPLE_MANAGE, {"address_ref": "A-M", "lines": ["1 Main Road"]}),
    ("POST", "/api/incident-links", P.PEOPLE_MANAGE, {"incident_id": "INC-NONE", "role": "victim", "person_ref": "P-NONE"}),
    ("GET", "/api/match-suggestions", P.PEOPLE_READ, None),
    ("POST", "/api/match-suggestions/{suggestion_id}/decision", P.PEOPLE_MANAGE, {"decision": "different", "rationale": "r"}),
    ("GET", "/api/intake", P.INTAKE_LOOKUP, None),
    ("POST", "/api/da-cases", P.DASH_RECORD, {"case_ref": "DA-M", "victim_ref": "P-NONE", "supervisor": "s"}),
    ("GET", "/api/da-cases", P.SAFEGUARDING_READ, None),
    ("GET", "/api/da-cases/{case_ref}", P.SAFEGUARDING_READ, None),
    ("POST", "/api/da-cases/{case_ref}/dash", P.DASH_RECORD, {"answers": {}}),
    ("POST", "/api/da-cases/{case_ref}/refusal", P.DASH_RECORD, {"reason": "declined"}),
    ("POST", "/api/da-cases/{case_ref}/sign-off", P.DASH_SIGN_OFF, {}),
    ("POST", "/api/da-cases/{case_ref}/marac", P.DASH_RECORD, None),
    ("POST", "/api/da-cases/{case_ref}/reviews", P.DASH_RECORD, {"note": "reviewed"}),
    ("POST", "/api/da-cases/{case_ref}/close", P.DASH_RECORD, {"reason": "done"}),
    ("POST", "/api/missing", P.MISSING_MANAGE, {"episode_ref": "MP-M", "person_ref": "P-NONE", "reported_at": "2026-01-01T00:00:00Z", "risk": "low", "call_answers": {}, "supervisor": "s"}),
    ("GET", "/api/missing", P.SAFEGUARDING_READ, None),
    ("GET", "/api/missing/{episode_ref}", P.SAFEGUARDING_READ, None),
    ("POST", "/api/missing/{episode_ref}/reviews", P.MISSING_REVIEW, {"level": "low", "rationale": "r"}),
    ("POST", "/api/missing/{episode_ref}/found", P.MISSING_MANAGE, {}),
    ("POST", "/api/missing/{episode_ref}/safe-and-well", P.MISSING_MANAGE, {}),
    ("POST", "/api/missing/{episode_ref}/rhi", P.MISSING_MANAGE, {}),
    ("POST", "/api/offenders", P.OFFENDER_MANAGE, {"offender_ref": "RSO-M", "person_ref": "P-NONE", "registered_on": "2026-01-01", "risk": "low", "mappa_category": 1, "mappa_level": 1, "manager_ref": "m", "supervisor": "s"}),
    ("GET", "/api/offenders", P.OFFENDER_READ, None),
    ("GET", "/api/offenders/{offender_ref}", P.OFFENDER_READ, None),
    ("GET", "/api/offenders/caseloads/{manager_ref}", P.OFFENDER_READ, None),
    ("POST", "/api/offenders/{offender_ref}/notifications", P.OFFENDER_MANAGE, {"kind": "change", "on": "2026-01-01"}),
    ("POST", "/api/offenders/{offender_ref}/visits", P.OFFENDER_MANAGE, {"visited_on": "2026-01-01"}),
    ("POST", "/api/offenders/{offender_ref}/assessments", P.OFFENDER_MANAGE, {"assessed_on": "2026-01-01", "version": "v", "level": "low"}),
    ("POST", "/api/offenders/{offender_ref}/custody", P.OFFENDER_MANAGE, {"starts_on": "2026-01-01"}),
    ("POST", "/api/offenders/{offender_ref}/release", P.OFFENDER_MANAGE, {"released_on": "2026-01-01"}),
    ("PUT", "/api/offenders/{offender_ref}/reactive", P.OFFENDER_MANAGE, {"reactive": False}),
    ("POST", "/api/offenders/{offender_ref}/review-triggers", P.OFFENDER_MANAGE, {"trigger": "arrest", "summary": "s"}),
    ("POST", "/api/offenders/{offender_ref}/risk-reviews", P.OFFENDER_MANAGE, {"outcome": "plan-confirmed", "rationale": "r"}),
    ("POST", "/api/offenders/breaches", P.OFFENDER_MANAGE, None),
    ("GET", "/api/duties/mine", P.DUTIES_READ, None),
    ("GET", "/api/duties/alerts", P.DUTIES_READ, None),
    ("GET", "/api/duties/overdue", P.DUTIES_READ, None),
    ("POST", "/api/duties/acknowledge", P.DUTIES_READ, {"duty_id": "NONE/kind/1"}),
    ("POST", "/api/duties/reassign", P.DUTIES_MANAGE, {"duty_id": "NONE/kind/1", "to": "x", "reason": "r"}),
    ("POST", "/api/duties/escalate", P.DUTIES_MANAGE, None),
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
        path = path.replace("{call_sign}", "CE01")  # refused before it is looked up
        for name, value in (("{group_id}", "OCG-NONE"), ("{case_id}", "C-NONE"),
                            ("{order_id}", "S-NONE"), ("{breach_id}", "B-NONE"),
                            ("{person_ref}", "P-NONE"), ("{suggestion_id}", "1"),
                            ("{case_ref}", "DA-NONE"), ("{episode_ref}", "MP-NONE"),
                            ("{offender_ref}", "RSO-NONE"), ("{manager_ref}", "M-NONE")):  # fmt: skip
            path = path.replace(name, value)  # issues 5, 6: refused before it is looked up
        if path == "/api/session" and method == "DELETE":
            continue  # signing out is checked last, so the session lasts the loop
        status = client.request(method, path, json=body).status_code
        if (status == 403) == _allowed(role, who) or status >= 500:
            wrong.append(f"{method} {path}: {status}")
    out = client.delete("/api/session").status_code

    assert wrong == []
    assert out == 204
