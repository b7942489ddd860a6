"""``/metrics`` (Prometheus text) and request logs that hold no personal data (issue 8 part 7)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient

from watchkeeper.web.metrics import METRICS_TOKEN_ENV
from watchkeeper.web.safe_logs import error_line

# One exposition line: a comment, or name{labels} value.
SAMPLE = re.compile(r'^[a-z_]+(\{([a-z_]+="[^"]*",?)+\})? -?[0-9.e+Inf]+$')


def _scrape(app, **client) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, **client)


def test_metrics_are_refused_to_a_remote_client_without_the_token(app, monkeypatch):
    monkeypatch.delenv(METRICS_TOKEN_ENV, raising=False)
    with _scrape(app, client=("192.0.2.10", 50000)) as remote:
        response = remote.get("/metrics")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_loopback_scraper_reads_the_backlog_and_latency_in_prometheus_text(
    app, supervisor, log_incident, monkeypatch
):
    monkeypatch.delenv(METRICS_TOKEN_ENV, raising=False)
    log_incident(supervisor)
    log_incident(supervisor, markers=["child"])
    with _scrape(app, client=("127.0.0.1", 50000)) as local:
        response = local.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    lines = response.text.splitlines()
    assert all(line.startswith("# ") or SAMPLE.match(line) for line in lines), lines
    assert "watchkeeper_backlog_open 2" in lines
    assert "watchkeeper_backlog_breached 0" in lines
    assert any(line.startswith("watchkeeper_backlog_vulnerable ") for line in lines)
    post = 'method="POST",route="/api/incidents",status="2xx"'
    assert f"watchkeeper_http_request_duration_seconds_count{{{post}}} 2" in lines
    assert f'watchkeeper_http_request_duration_seconds_bucket{{{post},le="+Inf"}} 2' in lines


def test_overdue_duties_are_counted_by_kind(app, application, clock, monkeypatch):
    monkeypatch.delenv(METRICS_TOKEN_ENV, raising=False)
    duties = sa.Table("duties", sa.MetaData(), autoload_with=application.engine)
    due = [clock.now() - timedelta(hours=2), clock.now() + timedelta(hours=2)]
    with application.engine.begin() as conn:
        for n, due_at in enumerate(due):
            conn.execute(
                sa.insert(duties).values(
                    duty_id=f"D{n}", kind="dash-review", subject_ref="S1", owner="ppo",
                    supervisor="sgt", due_at=due_at.replace(tzinfo=None),
                    escalate_after_seconds=3600, state="open", is_open=True,
                )
            )  # fmt: skip
    with _scrape(app, client=("::1", 50000)) as local:
        text = local.get("/metrics").text
    assert 'watchkeeper_duties_overdue{kind="dash-review"} 1' in text
    assert "watchkeeper_duties_overdue_total 1" in text


def test_with_a_token_configured_only_its_bearer_may_scrape(app, monkeypatch):
    monkeypatch.setenv(METRICS_TOKEN_ENV, "s3cret-scrape-token")
    with _scrape(app, client=("127.0.0.1", 50000)) as local:
        assert local.get("/metrics").status_code == 403  # loopback is not enough now
        wrong = local.get("/metrics", headers={"Authorization": "Bearer nope"})
        right = local.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"})
    assert wrong.status_code == 403
    assert right.status_code == 200


def test_request_logs_hold_no_personal_data_from_bodies_paths_or_queries(
    supervisor, log_incident, caplog
):
    personal = {
        "name": "Zelda Quixotewood",
        "phone": "07700 912345",
        "summary": "she said her ex-partner Barnaby threatened her",
        "address": "14 Nightingale Close",
    }
    with caplog.at_level(logging.INFO, logger="watchkeeper.web"):
        body = log_incident(
            supervisor,
            caller={"name": personal["name"], "phone": personal["phone"], "person_ref": ""},
            summary=personal["summary"],
            location={"text": personal["address"], "area": "central", "lat": 52.4, "lon": -1.8},
        )
        supervisor.get(f"/api/incidents/{body['incident_id']}?reason=Zelda+asked")
    text = caplog.text
    assert "/api/incidents/{ref}" in text  # the template, not the incident's id
    assert body["incident_id"] not in text
    for value in [*personal.values(), "Zelda"]:
        assert value not in text


def test_an_error_line_names_the_error_type_and_frames_but_not_its_message():
    try:
        raise ValueError("cannot store caller Zelda Quixotewood at 14 Nightingale Close")
    except ValueError as exc:
        line = error_line("unhandled_error", "/api/incidents", exc)
    assert "ValueError" in line and "test_metrics.py" in line
    assert "Zelda" not in line and "Nightingale" not in line
