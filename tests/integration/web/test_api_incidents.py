"""The incident API: log, read, and work an incident through its log."""

from __future__ import annotations


def test_logging_an_incident_returns_it_with_its_grade_and_risk(supervisor, log_incident):
    incident = log_incident(supervisor, markers=["child"])

    assert incident["incident_id"].startswith("INC-")
    assert incident["grade"] == "priority" and incident["grade_label"] == "P2"
    assert incident["markers"] == ["child"]
    assert incident["risk"]["band"] in {"critical", "high", "medium", "low"}
    assert sum(f["points"] for f in incident["risk"]["factors"]) == incident["risk"]["score"]
    assert [e["kind"] for e in incident["entries"]] == ["opened", "graded", "vulnerability-marked"]


def test_reading_an_incident_shows_its_log_in_plain_words(supervisor, log_incident):
    ref = log_incident(supervisor)["incident_id"]

    shown = supervisor.get(f"/api/incidents/{ref}", params={"reason": "call-back"}).json()

    assert shown["entries"][0]["text"].startswith("opened via 999: domestic-abuse")
    assert shown["caller"]["name"] == "A Caller"


def test_a_call_back_is_recorded_and_the_version_moves_on(supervisor, log_incident):
    incident = log_incident(supervisor)
    ref, version = incident["incident_id"], incident["version"]

    after = supervisor.post(
        f"/api/incidents/{ref}/contact",
        json={"outcome": "caller safe, officer still needed", "expected_version": version},
    )

    assert after.status_code == 200, after.text
    assert after.json()["version"] == version + 1
    assert after.json()["last_contact_at"] is not None


def test_a_stale_version_is_refused_with_a_conflict_and_nothing_is_stored(supervisor, log_incident):
    incident = log_incident(supervisor)
    ref, version = incident["incident_id"], incident["version"]
    supervisor.post(f"/api/incidents/{ref}/contact", json={"outcome": "first"})

    stale = supervisor.post(
        f"/api/incidents/{ref}/contact", json={"outcome": "second", "expected_version": version}
    )

    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert "changed since you read it" in stale.json()["message"]
    assert supervisor.get(f"/api/incidents/{ref}").json()["version"] == version + 1


def test_an_incident_is_worked_from_assignment_to_closure(supervisor, log_incident):
    ref = log_incident(supervisor)["incident_id"]
    steps = [
        ("assign", {"unit": "BX-12", "reason": "nearest response car"}, "assigned"),
        ("en-route", {"unit": "BX-12"}, "en-route"),
        ("arrive", {"unit": "BX-12"}, "on-scene"),
        ("close", {"closing_category": "advice-given", "note": "all well"}, "closed"),
    ]
    for action, body, status in steps:
        response = supervisor.post(f"/api/incidents/{ref}/{action}", json=body)
        assert response.status_code == 200, (action, response.text)
        assert response.json()["status"] == status

    closed = supervisor.get(f"/api/incidents/{ref}").json()
    assert closed["risk"] is None
    assert closed["units"] == ["BX-12"]


def test_a_re_grade_needs_a_reason(supervisor, log_incident):
    ref = log_incident(supervisor)["incident_id"]

    refused = supervisor.post(f"/api/incidents/{ref}/grade", json={"grade_label": "P1"})
    accepted = supervisor.post(
        f"/api/incidents/{ref}/grade", json={"grade_label": "P1", "reason": "weapon mentioned"}
    )

    assert refused.status_code == 409 and "needs a reason" in refused.json()["message"]
    assert accepted.json()["grade"] == "emergency"


def test_a_struck_entry_stays_in_the_log_marked_as_struck(supervisor, log_incident):
    ref = log_incident(supervisor)["incident_id"]
    supervisor.post(f"/api/incidents/{ref}/markers", json={"marker": "child"})

    shown = supervisor.post(
        f"/api/incidents/{ref}/strike", json={"seq": 3, "reason": "wrong incident"}
    ).json()

    assert shown["entries"][2]["kind"] == "vulnerability-marked"
    assert shown["entries"][2]["struck"] is True
    assert shown["markers"] == []


def test_thrive_review_and_acknowledgement_are_appended(supervisor, log_incident):
    ref = log_incident(supervisor)["incident_id"]
    rating = {"level": "high", "rationale": "threats made"}
    thrive = {e: rating for e in ("threat", "harm", "risk", "investigation", "vulnerability")}
    thrive["engagement"] = {"level": "low", "rationale": "caller engaging"}

    supervisor.post(f"/api/incidents/{ref}/thrive", json=thrive).raise_for_status()
    supervisor.post(f"/api/incidents/{ref}/review", json={"note": "keep P2"}).raise_for_status()
    shown = supervisor.post(f"/api/incidents/{ref}/acknowledge", json={"alert": "critical"})

    assert shown.status_code == 200
    body = shown.json()
    assert body["thrive"]["threat"]["level"] == "high"
    assert body["last_review_at"] is not None
    assert "critical" in body["acknowledged"]


def test_an_unknown_category_is_refused_naming_the_problem(supervisor, log_incident):
    refused = supervisor.post(
        "/api/incidents",
        json={
            "source": "999",
            "location": {"text": "somewhere"},
            "category": "made-up",
            "grade_label": "P1",
        },
    )

    assert refused.status_code == 422
    assert "unknown opening category 'made-up'" in refused.json()["message"]


def test_an_unknown_incident_is_not_found(supervisor):
    missing = supervisor.get("/api/incidents/INC-NOPE")

    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
