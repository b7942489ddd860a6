"""The backlog API: ranked rows with reasons, filters checked against the force profile."""

from __future__ import annotations

from datetime import timedelta


def test_the_backlog_is_ranked_with_the_highest_risk_first(supervisor, log_incident):
    low = log_incident(supervisor, category="theft", grade_label="P3")["incident_id"]
    high = log_incident(supervisor, category="threat-to-life", grade_label="P1")["incident_id"]

    board = supervisor.get("/api/backlog").json()

    assert [r["incident_id"] for r in board["rows"]] == [high, low]
    assert [r["rank"] for r in board["rows"]] == [1, 2]
    assert board["rows"][0]["score"] >= board["rows"][1]["score"]
    assert board["summary"]["total_open"] == 2


def test_each_row_carries_its_factors_countdown_and_actions(supervisor, log_incident, clock):
    log_incident(supervisor, category="threat-to-life", grade_label="P1")
    clock.advance(timedelta(minutes=12))

    row = supervisor.get("/api/backlog").json()["rows"][0]

    assert sum(f["points"] for f in row["factors"]) == row["score"]
    assert row["minutes_to_breach"] == 3
    assert "deploy" in {a["rule"] for a in row["actions"]}


def test_pages_show_the_requested_slice_and_the_whole_summary(supervisor, log_incident):
    for _ in range(3):
        log_incident(supervisor)

    page = supervisor.get("/api/backlog", params={"page": 2, "page_size": 2}).json()

    assert len(page["rows"]) == 1 and page["rows"][0]["rank"] == 3
    assert page["total_rows"] == 3 and page["summary"]["total_open"] == 3


def test_filters_narrow_the_rows_but_not_the_summary(supervisor, log_incident):
    log_incident(supervisor, markers=["child"])
    log_incident(supervisor)

    board = supervisor.get("/api/backlog", params={"marker": "child", "area": "central"}).json()

    assert len(board["rows"]) == 1 and board["rows"][0]["markers"] == ["child"]
    assert board["summary"]["total_open"] == 2


def test_an_unknown_band_area_or_marker_is_refused_naming_the_known_values(supervisor):
    for name in ("band", "area", "marker"):
        refused = supervisor.get("/api/backlog", params={name: "nonsense"})

        assert refused.status_code == 422
        assert f"unknown {name} 'nonsense'" in refused.json()["message"]


def test_sql_metacharacters_in_filters_are_refused_and_change_nothing(supervisor, log_incident):
    log_incident(supervisor)

    refused = supervisor.get("/api/backlog", params={"area": "central' OR '1'='1"})
    board = supervisor.get("/api/backlog").json()

    assert refused.status_code == 422
    assert board["summary"]["total_open"] == 1


def test_the_backlog_can_be_rebuilt_as_it_stood_in_the_past(supervisor, log_incident, clock):
    before = clock.now().isoformat()
    clock.advance(timedelta(minutes=5))
    log_incident(supervisor)

    past = supervisor.get("/api/backlog", params={"as_of": before}).json()

    assert past["rows"] == []


def test_a_naive_as_of_is_refused_rather_than_guessed(supervisor):
    refused = supervisor.get("/api/backlog", params={"as_of": "2024-03-01T08:00:00"})

    assert refused.status_code == 422
    assert "as_of" in refused.json()["message"]


def test_the_summary_and_trend_cover_the_shift(supervisor, log_incident, clock):
    log_incident(supervisor)
    clock.advance(timedelta(hours=1))

    summary = supervisor.get("/api/backlog/summary").json()
    trend = supervisor.get("/api/backlog/trend", params={"hours": 2, "step_minutes": 30}).json()

    assert summary["total_open"] == 1
    assert [point["total_open"] for point in trend] == [0, 0, 1, 1, 1]


def test_the_unit_register_shows_a_unit_sent_to_an_incident_as_assigned(supervisor, log_incident):
    # issue 4: /api/units is the unit register (it was derived from the log before).
    unit = {"call_sign": "BX-12", "area": "central", "skills": ["response", "double-crewed"],
            "position": {"lat": 52.481, "lon": -1.891}}  # fmt: skip
    supervisor.post("/api/units", json=unit).raise_for_status()
    ref = log_incident(supervisor)["incident_id"]
    supervisor.post(
        f"/api/incidents/{ref}/dispatch/override", json={"unit": "BX-12", "reason": "nearest"}
    ).raise_for_status()

    (shown,) = supervisor.get("/api/units").json()

    assert (shown["call_sign"], shown["status"], shown["incident_id"]) == ("BX-12", "assigned", ref)
    assert shown["job_category"] == "domestic-abuse" and shown["version"] == 2
