"""The SOC and armed-response API end to end: journeys, refusals, nothing written on bad input."""

from __future__ import annotations

from datetime import timedelta

from watchkeeper.access.model import Role

HIGH = {
    "ocgm": dict.fromkeys(
        ("individuals", "criminal_activity", "geographic_reach", "network", "capability"), "high"
    ),
    "harm": dict.fromkeys(
        ("physical", "financial", "community_environment", "geographic_scope"), "high"
    ),
    "likelihood": "high",
    "position": {"capacity_gap": "high", "capability_gap": "high"},
}


def _ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def test_an_soc_officer_registers_scores_owns_plans_and_disrupts_a_group(signed_in, clock):
    soc = signed_in(Role.SOC_OFFICER)
    group = _ok(
        soc.post(
            "/api/soc/groups",
            json={"name": "Ridge Lane", "activities": ["drug-supply"], "reach": ["north"]},
        ),
        201,
    )
    gid = group["group_id"]
    _ok(
        soc.post(
            f"/api/soc/groups/{gid}/members", json={"person_ref": "P-100", "role": "principal"}
        )
    )
    scored = _ok(soc.post(f"/api/soc/groups/{gid}/score", json=HIGH))
    assert scored["band"] == "A" and scored["score_reasons"][-1] == "total 79 -> band A"
    _ok(soc.post(f"/api/soc/groups/{gid}/state", json={"state": "mapped", "reason": "scored"}))
    refused = soc.post(f"/api/soc/groups/{gid}/state", json={"state": "active", "reason": "tasked"})
    assert refused.status_code == 409 and "lead responsible officer" in refused.json()["message"]
    owned = _ok(
        soc.post(f"/api/soc/groups/{gid}/lro", json={"officer": "di.khan", "reason": "tasking"})
    )
    assert owned["caseload"]["weighted"] == 3.0 and owned["warning"] is None
    _ok(soc.post(f"/api/soc/groups/{gid}/state", json={"state": "active", "reason": "tasked"}))
    listed = _ok(soc.get("/api/soc/groups"))
    assert [(g["group_id"], g["lro"]) for g in listed] == [(gid, "di.khan")]
    assert {f["kind"] for f in listed[0]["flags"]} == {"no-current-plan"}
    _ok(
        soc.post(
            f"/api/soc/groups/{gid}/plan", json={"objectives": {"pursue": "arrest principals"}}
        ),
        201,
    )
    due = (clock.now() + timedelta(days=14)).isoformat()
    plan = _ok(
        soc.post(
            f"/api/soc/groups/{gid}/plan/actions",
            json={
                "strand": "pursue",
                "description": "warrant",
                "owner": "dc.shaw",
                "supervisor": "di.khan",
                "due_at": due,
            },
        ),
        201,
    )
    assert plan["current"] and plan["actions"][0]["owner"] == "dc.shaw"
    shown = _ok(
        soc.post(
            f"/api/soc/groups/{gid}/disruptions",
            json={"type": "drugs-seizure", "impact": "major", "strand": "pursue", "summary": "2kg"},
        ),
        201,
    )
    assert shown["disruptions"][0]["impact"] == "major" and shown["flags"] == []
    indicators = _ok(soc.get("/api/soc/indicators"))
    assert indicators["active_groups_owned_and_planned"] == {
        "value": 1.0,
        "numerator": 1,
        "denominator": 1,
    }


def test_bad_input_is_refused_and_nothing_is_written(signed_in):
    soc = signed_in(Role.SOC_OFFICER)
    gid = _ok(soc.post("/api/soc/groups", json={"name": "Old", "activities": ["fraud"]}), 201)[
        "group_id"
    ]
    _ok(
        soc.post(f"/api/soc/groups/{gid}/state", json={"state": "archived", "reason": "dismantled"})
    )
    refused = soc.post(
        f"/api/soc/groups/{gid}/disruptions",
        json={"type": "arrest", "impact": "minor", "strand": "pursue", "summary": "x"},
    )
    assert refused.status_code == 409 and "archived" in refused.json()["message"]
    assert _ok(soc.get(f"/api/soc/groups/{gid}"))["disruptions"] == []
    order = {
        "order_id": "S-1",
        "person_ref": "P-1",
        "court": "crown-court",
        "made_on": "2026-01-05",
        "starts_on": "2026-01-05",
        "ends_on": "2031-01-05",
        "monitoring_officer": "dc.shaw",
        "terms": [
            {
                "term_id": "T1",
                "text": "one phone",
                "starts_on": "2026-01-05",
                "ends_on": "2027-01-05",
            }
        ],
    }
    too_long = soc.post("/api/soc/orders", json=order)
    assert too_long.status_code == 409 and "5-year maximum" in too_long.json()["message"]
    outside = order | {
        "ends_on": "2030-01-05",
        "terms": [
            {
                "term_id": "T1",
                "text": "one phone",
                "starts_on": "2026-01-01",
                "ends_on": "2027-01-05",
            }
        ],
    }
    refused = soc.post("/api/soc/orders", json=outside)
    assert refused.status_code == 422 and "outside the order" in refused.json()["message"]
    assert _ok(soc.get("/api/soc/orders")) == []


def test_caseload_beyond_the_cap_needs_an_override_reason(signed_in):
    soc = signed_in(Role.SOC_OFFICER)
    ids = []
    for i in range(5):
        gid = _ok(
            soc.post("/api/soc/groups", json={"name": f"G{i}", "activities": ["drugs"]}), 201
        )["group_id"]
        _ok(soc.post(f"/api/soc/groups/{gid}/score", json=HIGH))
        ids.append(gid)
    for gid in ids[:4]:
        _ok(
            soc.post(f"/api/soc/groups/{gid}/lro", json={"officer": "di.khan", "reason": "tasking"})
        )
    refused = soc.post(
        f"/api/soc/groups/{ids[4]}/lro", json={"officer": "di.khan", "reason": "tasking"}
    )
    assert refused.status_code == 409 and "override reason" in refused.json()["message"]
    assert _ok(soc.get(f"/api/soc/groups/{ids[4]}"))["lro"] is None
    allowed = _ok(
        soc.post(
            f"/api/soc/groups/{ids[4]}/lro",
            json={
                "officer": "di.khan",
                "reason": "tasking",
                "override_reason": "only DI with the skills",
            },
        )
    )
    assert allowed["caseload"]["status"] == "over-cap" and "beyond" in allowed["warning"]
    loads = _ok(soc.get("/api/soc/caseloads"))
    assert loads[0]["officer"] == "di.khan" and loads[0]["weighted"] == 15.0


def test_scpo_consideration_order_check_and_breach_journey(signed_in, clock):
    soc = signed_in(Role.SOC_OFFICER)
    assert (
        _ok(
            soc.post(
                "/api/soc/cases",
                json={
                    "case_id": "C-0",
                    "person_ref": "P-1",
                    "offence": "common-assault",
                    "stage": "charged",
                },
            ),
            201,
        )["flagged"]
        is False
    )
    flagged = _ok(
        soc.post(
            "/api/soc/cases",
            json={
                "case_id": "C-1",
                "person_ref": "P-1",
                "offence": "MDA1971-s4(3)",
                "stage": "convicted",
            },
        ),
        201,
    )
    assert flagged["case"]["heading"] == "drug-trafficking"
    _ok(
        soc.post(
            "/api/soc/cases/C-1/decision",
            json={"decision": "apply", "reason": "county lines principal"},
        )
    )
    start = clock.now().date().isoformat()
    order = _ok(
        soc.post(
            "/api/soc/orders",
            json={
                "order_id": "S-1",
                "person_ref": "P-1",
                "court": "crown-court",
                "made_on": start,
                "starts_on": start,
                "ends_on": "2029-12-31",
                "monitoring_officer": "dc.shaw",
                "terms": [
                    {
                        "term_id": "T1",
                        "text": "declare phones",
                        "starts_on": start,
                        "ends_on": "2029-12-31",
                        "notification_days": 3,
                    }
                ],
            },
        ),
        201,
    )
    assert order["check_interval_days"] == 28
    clock.advance(timedelta(days=35))
    soc = signed_in(Role.SOC_OFFICER)  # a new shift: sessions last one shift
    due = _ok(soc.get("/api/soc/orders", params={"due_within_days": 7}))
    assert [f["kind"] for f in due[0]["flags"]] == ["check-overdue"]
    _ok(soc.post("/api/soc/orders/S-1/checks", json={"outcome": "concern"}), 201)
    occurred = (clock.now() - timedelta(days=2)).date().isoformat()
    breached = _ok(
        soc.post(
            "/api/soc/orders/S-1/breaches",
            json={"term_id": "T1", "occurred_on": occurred, "summary": "second phone"},
        ),
        201,
    )
    bid = breached["breaches"][0]["breach_id"]
    early = soc.post(f"/api/soc/orders/S-1/breaches/{bid}/outcome", json={"outcome": "charged"})
    assert early.status_code == 409
    _ok(soc.post(f"/api/soc/orders/S-1/breaches/{bid}/referral", json={"to": "CPS"}))
    done = _ok(soc.post(f"/api/soc/orders/S-1/breaches/{bid}/outcome", json={"outcome": "charged"}))
    assert done["breaches"][0]["outcome"] == "charged"
    indicators = _ok(soc.get("/api/soc/indicators"))
    assert indicators["breaches_enforced"]["value"] == 1.0
    assert indicators["scpo_consideration_rate"] == {"value": 1.0, "numerator": 1, "denominator": 1}


def test_a_firearms_commander_loads_and_analyses_deployments(signed_in, clock):
    commander = signed_in(Role.FIREARMS_COMMANDER)
    t0 = clock.now() - timedelta(days=3)
    body = [
        {
            "deployment_id": f"D{i}",
            "incident_ref": f"INC-{i}",
            "arv": "ARV-1",
            "area": "north",
            "call_at": (t0 + timedelta(hours=i)).isoformat(),
            "arrived_at": (t0 + timedelta(hours=i, minutes=10 + i)).isoformat(),
        }
        for i in range(6)
    ]
    assert _ok(commander.post("/api/armed/deployments", json=body), 201) == {"recorded": 6}
    bad = [
        {
            "deployment_id": "X1",
            "incident_ref": "INC-X",
            "arv": "ARV-1",
            "area": "north",
            "call_at": t0.isoformat(),
            "arrived_at": (t0 - timedelta(minutes=5)).isoformat(),
        }
    ]
    refused = commander.post("/api/armed/deployments", json=bad)
    assert refused.status_code == 422 and "before the call" in refused.json()["message"]
    result = _ok(commander.get("/api/armed/analysis"))
    assert result["attended"] == 6 and result["overall"]["median"] == 12.5
    assert [s["key"] for s in result["slowest_areas"]] == ["north"]
    assert "UNCONFIRMED" in result["expectation_source"]
    assert signed_in(Role.SOC_OFFICER).get("/api/armed/analysis").status_code == 403
    assert signed_in(Role.FIREARMS_COMMANDER).get("/api/soc/groups").status_code == 403


def test_the_group_page_records_an_lro_and_a_disruption_and_refuses_beyond_the_cap(signed_in):
    soc = signed_in(Role.SOC_OFFICER)
    ids = []
    for i in range(5):
        gid = _ok(
            soc.post("/api/soc/groups", json={"name": f"G{i}", "activities": ["drugs"]}), 201
        )["group_id"]
        _ok(soc.post(f"/api/soc/groups/{gid}/score", json=HIGH))
        ids.append(gid)
    form = {"officer": "di.khan", "reason": "tasking"}  # the client sends its CSRF header
    for gid in ids[:4]:
        done = soc.post(f"/soc/groups/{gid}/lro", data=form, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"].endswith("?done=lro")
    page = soc.get(f"/soc/groups/{ids[0]}?done=lro")
    assert "Lead responsible officer recorded." in page.text and "12 of 12" in page.text
    refused = soc.post(f"/soc/groups/{ids[4]}/lro", data=form)
    assert refused.status_code == 400 and "override reason" in refused.text
    assert "Nothing was recorded." in refused.text
    assert _ok(soc.get(f"/api/soc/groups/{ids[4]}"))["lro"] is None
    disruption = {"kind": "arrest", "impact": "minor", "strand": "pursue", "summary": "two arrests"}
    done = soc.post(
        f"/soc/groups/{ids[0]}/disruptions", data=form | disruption, follow_redirects=False
    )
    assert done.status_code == 303
    assert _ok(soc.get(f"/api/soc/groups/{ids[0]}"))["disruptions"][0]["summary"] == "two arrests"
