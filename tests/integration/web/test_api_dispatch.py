"""``/api/units`` and ``/api/dispatch``: the register, recommendations, forecasts, accept, override."""

from __future__ import annotations

from datetime import timedelta

import pytest

from watchkeeper.access.model import Role

UNIT = {
    "call_sign": "CE02",
    "kind": "vehicle",
    "area": "central",
    "skills": ["response", "double-crewed"],
    "crew_size": 2,
    "position": {"lat": 52.481, "lon": -1.891},
}


@pytest.fixture
def dispatcher(signed_in):
    return signed_in(Role.DISPATCHER)


def register(client, **changes):
    response = client.post("/api/units", json=UNIT | changes)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_registered_unit_is_listed_with_its_skills_status_and_position(dispatcher):
    created = register(dispatcher)

    listed = dispatcher.get("/api/units").json()

    assert listed == [created]
    assert created["status"] == "available" and created["skills"] == ["double-crewed", "response"]
    assert created["position"] == {"lat": 52.481, "lon": -1.891}


@pytest.mark.parametrize(
    ("body", "status", "code", "names"),
    [
        (UNIT | {"skills": ["jetpack"]}, 422, "bad_input", "jetpack"),
        (UNIT | {"area": "atlantis"}, 422, "bad_input", "atlantis"),
        (UNIT | {"call_sign": "no spaces"}, 422, "bad_input", "call_sign"),
        (UNIT | {"crew_size": 0}, 422, "bad_input", "crew_size"),
        (UNIT | {"status": "on-scene"}, 422, "bad_input", "status"),
        (UNIT | {"position": {"lat": 95, "lon": 0}}, 422, "bad_input", "lat"),
    ],
)
def test_bad_units_are_refused_with_a_stable_code_naming_the_field(
    dispatcher, body, status, code, names
):
    response = dispatcher.post("/api/units", json=body)

    assert response.status_code == status
    assert response.json()["code"] == code and names in response.json()["message"]


def test_registering_the_same_call_sign_twice_is_refused(dispatcher):
    register(dispatcher)
    response = dispatcher.post("/api/units", json=UNIT)
    assert (response.status_code, response.json()["code"]) == (422, "bad_input")


def test_status_changes_follow_the_register_rules(dispatcher):
    register(dispatcher)

    refused = dispatcher.patch("/api/units/CE02", json={"status": "on-scene"})
    moved = dispatcher.patch("/api/units/CE02", json={"status": "unavailable"})
    stale = dispatcher.patch("/api/units/CE02", json={"status": "available", "expected_version": 1})
    missing = dispatcher.patch("/api/units/NOPE", json={"status": "available"})

    assert (refused.status_code, refused.json()["code"]) == (409, "rule_violation")
    assert moved.status_code == 200 and moved.json()["status"] == "unavailable"
    assert (stale.status_code, stale.json()["code"]) == (409, "conflict")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_recommendations_and_forecasts_cover_the_open_backlog(
    dispatcher, supervisor, log_incident, clock
):
    register(dispatcher)
    ref = log_incident(supervisor)["incident_id"]  # domestic abuse: needs double crewing
    clock.advance(timedelta(minutes=10))

    recommended = dispatcher.get("/api/dispatch/recommendations").json()
    forecast = dispatcher.get("/api/dispatch/forecast").json()

    (pick,) = recommended["picks"]
    assert (pick["incident_id"], pick["unit"]) == (ref, "CE02")
    assert {"risk", "travel-estimate", "skill-match"} <= {r["code"] for r in pick["reasons"]}
    (outlook,) = forecast["forecasts"]
    assert outlook["incident_id"] == ref and outlook["suitable_free"] == 1
    assert 0.0 <= outlook["p_breach_next_hour"] <= 1.0


def test_an_incident_with_no_suitable_unit_is_a_shortfall_with_a_reason(
    dispatcher, supervisor, log_incident
):
    register(dispatcher, skills=["response"])
    ref = log_incident(supervisor)["incident_id"]

    (short,) = dispatcher.get("/api/dispatch/recommendations").json()["shortfalls"]

    assert short["incident_id"] == ref
    assert [r["code"] for r in short["reasons"]] == ["no-unit-with-skill:double-crewed"]


def test_accepting_the_recommendation_puts_it_in_the_incident_log(
    dispatcher, supervisor, log_incident
):
    register(dispatcher)
    ref = log_incident(supervisor)["incident_id"]

    entry = dispatcher.post(f"/api/incidents/{ref}/dispatch/accept", json={"unit": "CE02"})

    assert entry.status_code == 200, entry.text
    assert entry.json()["kind"] == "resource-assigned"
    assert entry.json()["detail"]["reason"].startswith("recommended (risk, travel-estimate")
    log = dispatcher.get(f"/api/incidents/{ref}").json()
    assert log["units"] == ["CE02"]
    assert dispatcher.get("/api/units").json()[0]["status"] == "assigned"


def test_an_override_needs_a_reason_and_its_reason_goes_into_the_log(
    dispatcher, supervisor, log_incident
):
    register(dispatcher)
    ref = log_incident(supervisor)["incident_id"]
    path = f"/api/incidents/{ref}/dispatch/override"

    no_reason = dispatcher.post(path, json={"unit": "CE02"})
    blank = dispatcher.post(path, json={"unit": "CE02", "reason": "   "})
    done = dispatcher.post(path, json={"unit": "CE02", "reason": "officer knows the address"})

    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "bad_input")
    assert (blank.status_code, blank.json()["code"]) == (422, "bad_input")
    assert done.status_code == 200
    texts = [e["text"] for e in dispatcher.get(f"/api/incidents/{ref}").json()["entries"]]
    assert any("officer knows the address" in t for t in texts)


def test_sending_a_unit_that_is_not_free_or_not_recommended_is_refused_not_crashed(
    dispatcher, supervisor, log_incident
):
    register(dispatcher)
    register(dispatcher, call_sign="CE09", position={"lat": 52.7, "lon": -1.5})
    first = log_incident(supervisor)["incident_id"]
    second = log_incident(supervisor)["incident_id"]
    sent = dispatcher.post(
        f"/api/incidents/{first}/dispatch/override", json={"unit": "CE02", "reason": "nearest"}
    )
    assert sent.status_code == 200, sent.text

    busy = dispatcher.post(
        f"/api/incidents/{second}/dispatch/override", json={"unit": "CE02", "reason": "x"}
    )
    not_picked = dispatcher.post(f"/api/incidents/{second}/dispatch/accept", json={"unit": "NOPE"})
    unknown = dispatcher.post(
        "/api/incidents/INC-NOPE/dispatch/override", json={"unit": "CE09", "reason": "x"}
    )

    assert (busy.status_code, busy.json()["code"]) == (409, "rule_violation")
    assert (not_picked.status_code, not_picked.json()["code"]) == (409, "rule_violation")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")


def test_the_register_follows_en_route_arrived_and_closed_entries_made_through_the_api(
    dispatcher, supervisor, log_incident
):
    register(dispatcher)
    ref = log_incident(supervisor, category="burglary")["incident_id"]
    other = log_incident(supervisor, category="burglary")["incident_id"]
    sent = dispatcher.post(
        f"/api/incidents/{ref}/dispatch/override", json={"unit": "CE02", "reason": "nearest"}
    )
    assert sent.status_code == 200, sent.text

    def status_of_ce02():
        return dispatcher.get("/api/units").json()[0]

    wrong = dispatcher.post(f"/api/incidents/{other}/arrive", json={"unit": "CE02"})
    assert (wrong.status_code, wrong.json()["code"]) == (409, "rule_violation")
    assert "unit CE02" in wrong.json()["message"]
    assert dispatcher.get(f"/api/incidents/{other}").json()["arrived_at"] is None

    moving = dispatcher.post(f"/api/incidents/{ref}/en-route", json={"unit": "CE02"})
    assert moving.status_code == 200, moving.text
    assert status_of_ce02()["status"] == "en-route"
    there = dispatcher.post(f"/api/incidents/{ref}/arrive", json={"unit": "CE02"})
    assert there.status_code == 200, there.text
    assert (status_of_ce02()["status"], status_of_ce02()["incident_id"]) == ("on-scene", ref)

    again = dispatcher.post(f"/api/incidents/{ref}/en-route", json={"unit": "CE02"})
    assert (again.status_code, again.json()["code"]) == (409, "rule_violation")
    assert "unit CE02 cannot go from on-scene to en-route" in again.json()["message"]

    closed = supervisor.post(f"/api/incidents/{ref}/close", json={"closing_category": "advice"})
    assert closed.status_code == 200, closed.text
    assert (status_of_ce02()["status"], status_of_ce02()["incident_id"]) == ("available", None)


def test_moving_a_sent_unit_on_the_register_puts_the_movement_in_the_incident_log(
    dispatcher, supervisor, log_incident
):
    register(dispatcher)
    ref = log_incident(supervisor, category="burglary")["incident_id"]
    dispatcher.post(
        f"/api/incidents/{ref}/dispatch/override", json={"unit": "CE02", "reason": "nearest"}
    )

    moved = dispatcher.patch("/api/units/CE02", json={"status": "en-route"})

    assert moved.status_code == 200, moved.text
    assert (moved.json()["status"], moved.json()["incident_id"]) == ("en-route", ref)
    kinds = [e["kind"] for e in dispatcher.get(f"/api/incidents/{ref}").json()["entries"]]
    assert kinds[-1] == "en-route"
