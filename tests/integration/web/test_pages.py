"""The server-rendered pages through FastAPI's TestClient, with real accounts and a real store.

Users sign in through the sign-in form and post the forms the pages render (CSRF token
and version included), so these tests see what a browser would.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import Application, build
from watchkeeper.incidents.entries import Caller, CallSource, Location, Struck
from watchkeeper.incidents.services import NewIncident
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.persistence import schema
from watchkeeper.settings import settings_from_env
from watchkeeper.web.app import create_app
from watchkeeper.web.security import WebOptions

# Near the real time: the session cookie carries a real expiry date the client honours.
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
PASSWORD = "a long enough test password"
SCRIPT = "<script>alert(1)</script>"
USERS = {"admin": Role.ADMINISTRATOR, "sup": Role.SUPERVISOR, "handler": Role.CALL_HANDLER}
PAGES = ["/board", "/board/live", "/board/alerts", "/review", "/units", "/map"]


class QuickHasher:
    """Stands in for argon2 so each test is not spent hashing (hashing has its own tests)."""

    def hash(self, password: str) -> str:
        return f"quick:{password[::-1]}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == self.hash(password)


@pytest.fixture
def application(tmp_path: Path) -> Iterator[Application]:
    url = f"sqlite:///{tmp_path / 'pages.db'}"
    schema.upgrade(url)
    env = {"WATCHKEEPER_AUDIT_KEY_FILE": str(tmp_path / "audit.key")}
    settings = dataclasses.replace(
        settings_from_env(env), database_url=url, audit_head_file=tmp_path / "audit.head"
    )
    built = build(settings, clock=FixedClock(NOW), hasher=QuickHasher())
    admin = Actor("admin", Role.ADMINISTRATOR)
    for username, role in USERS.items():
        creator = None if username == "admin" else admin
        built.accounts.create_user(creator, username, username.title(), role, PASSWORD)
    yield built
    built.close()


@pytest.fixture
def incident_id(application: Application) -> str:
    """A domestic-abuse call logged 45 minutes ago, nobody called back, caller name hostile."""
    request = NewIncident(
        source=CallSource.EMERGENCY_999,
        location=Location("12 Mill Lane", "north", 52.49, -1.88),
        category="domestic-abuse",
        grade_label="P2",
        caller=Caller(name=SCRIPT, phone="07700 900123"),
        summary=f"neighbour heard shouting {SCRIPT}",
        markers=("domestic-abuse",),
    )
    actor = Actor("handler", Role.CALL_HANDLER)
    return str(application.incidents.log_incident(actor, request, at=NOW - timedelta(minutes=45)))


@pytest.fixture
def client(application: Application) -> Iterator[TestClient]:
    app = create_app(application, options=WebOptions(secure_cookies=False))
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        yield anonymous


def sign_in(client: TestClient, username: str) -> TestClient:
    response = client.post("/sign-in", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.url.path == "/board"
    return client


def form_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``action`` (CSRF token and version)."""
    form = re.search(rf'<form[^>]* action="{re.escape(action)}".*?</form>', html, re.S)
    assert form is not None, f"no form posting to {action}"
    hidden = re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form.group(0))
    return dict(hidden)


def post_action(client: TestClient, ref: str, action: str, **fields: str):
    page = client.get(f"/incidents/{ref}").text
    data = form_fields(page, f"/incidents/{ref}/{action}") | fields
    return client.post(f"/incidents/{ref}/{action}", data=data)


# --- signing in and out -----------------------------------------------------------------


@pytest.mark.parametrize("path", [*PAGES, "/incidents/INC-ANY"])
def test_a_signed_out_visitor_is_sent_to_the_sign_in_page(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=")


def test_a_wrong_password_gets_one_generic_message_and_no_session(client: TestClient) -> None:
    response = client.post("/sign-in", data={"username": "sup", "password": "wrong password!"})
    assert response.status_code == 401
    assert "Sign-in failed: check your username and password" in response.text
    assert client.get("/board", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session(client: TestClient) -> None:
    page = sign_in(client, "sup").get("/board").text
    client.post("/sign-out", data=form_fields(page, "/sign-out"))
    assert client.get("/board", follow_redirects=False).status_code == 303


def test_an_htmx_poll_after_sign_out_asks_the_page_to_go_to_sign_in(client: TestClient) -> None:
    response = client.get("/board/live", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/sign-in"


# --- every page renders -----------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_for_a_supervisor(client: TestClient, incident_id: str, path: str):
    response = sign_in(client, "sup").get(path)
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    if path not in {"/board/alerts", "/units"}:  # no alert yet, and no unit assigned
        assert incident_id in response.text


def test_the_board_shows_the_summary_the_rank_and_its_reasons(client, incident_id) -> None:
    html = sign_in(client, "sup").get("/board").text
    assert "<strong>1</strong> open" in html
    assert 'class="rank">1<' in html
    assert "no-contact" in html and "call the caller back now" in html
    assert 'hx-trigger="every 5s"' in html
    assert '<script src="/static/vendor/htmx.min.js"' in html


def test_the_incident_page_shows_the_log_risk_and_what_is_known(client, incident_id) -> None:
    html = sign_in(client, "sup").get(f"/incidents/{incident_id}").text
    assert "graded P2 (priority): initial grading" in html
    assert 'data-factor="no-contact"' in html
    assert 'rank <strong id="rank">1</strong> of 1 open' in html
    assert "Nothing known yet — safeguarding registers arrive with a later release." in html


def test_the_review_page_draws_the_shift_trend_as_an_inline_svg(client, incident_id) -> None:
    html = sign_in(client, "sup").get("/review").text
    assert '<svg class="chart"' in html and "<polyline" in html
    table = html.split("The same figures as a table")[1]
    assert table.count("<tr><td>") == 13, "one row per hour over the last 12 hours"


def test_the_map_links_each_open_incident_to_its_page(client, incident_id) -> None:
    html = sign_in(client, "sup").get("/map").text
    assert f'<a href="/incidents/{incident_id}" class="map-point band-' in html
    assert "1 placed · 0 without a position" in html


# --- bad input --------------------------------------------------------------------------


def test_script_in_free_text_is_shown_as_text_never_run(client, incident_id) -> None:
    html = sign_in(client, "sup").get(f"/incidents/{incident_id}").text
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_forged_csrf_token_is_refused_and_nothing_is_recorded(client, incident_id) -> None:
    sign_in(client, "sup")
    data = {"csrf_token": "forged", "expected_version": "3", "outcome": "called back"}
    response = client.post(f"/incidents/{incident_id}/contact", data=data)
    assert response.status_code == 403
    assert "CSRF" in response.text and "Nothing was recorded." in response.text
    assert "contact (call-back)" not in client.get(f"/incidents/{incident_id}").text


def test_board_filters_with_unknown_codes_are_refused_with_a_message(client) -> None:
    response = sign_in(client, "sup").get("/board", params={"band": "high' OR 1=1 --"})
    assert response.status_code == 400
    assert "unknown band" in response.text


def test_an_unknown_incident_shows_a_not_found_page(client) -> None:
    response = sign_in(client, "sup").get("/incidents/INC-NOPE")
    assert response.status_code == 404
    assert "Not found" in response.text


# --- quick actions ----------------------------------------------------------------------


def test_a_call_back_clears_the_no_contact_factor(client, incident_id) -> None:
    sign_in(client, "sup")
    response = post_action(client, incident_id, "contact", outcome="spoke to caller")
    assert response.status_code == 200
    assert "Call-back recorded." in response.text
    assert 'data-factor="no-contact"' not in response.text
    assert "contact (call-back): spoke to caller" in response.text


def test_a_stale_version_shows_a_conflict_and_records_nothing(client, incident_id) -> None:
    sign_in(client, "sup")
    page = client.get(f"/incidents/{incident_id}").text
    stale = form_fields(page, f"/incidents/{incident_id}/contact")
    post_action(client, incident_id, "review", note="reviewed: call back soon")
    response = client.post(f"/incidents/{incident_id}/contact", data=stale | {"outcome": "x"})
    assert response.status_code == 409
    assert "changed since you read it" in response.text
    assert "contact (call-back)" not in response.text


def test_a_re_grade_without_a_reason_is_refused_with_a_message(client, incident_id) -> None:
    sign_in(client, "sup")
    response = post_action(client, incident_id, "regrade", grade_label="P1", reason=" ")
    assert response.status_code == 400
    assert "Reason is required" in response.text


def test_a_call_handler_may_not_close_an_incident(client, incident_id) -> None:
    sign_in(client, "handler")
    response = post_action(client, incident_id, "close", closing_category="advice-given")
    assert response.status_code == 403
    assert "may not incident close" in response.text
    assert "Incident closed." not in client.get(f"/incidents/{incident_id}").text


def test_closing_takes_the_incident_off_the_board(client, application, incident_id) -> None:
    sign_in(client, "sup")
    refused = post_action(client, incident_id, "close", closing_category="advice-given")
    assert "dash-missing" in refused.text  # issue 5: the DA close rule names itself
    _dash_refusal_signed_off(application, incident_id)  # the DA rule satisfied
    response = post_action(client, incident_id, "close", closing_category="advice-given")
    assert "Incident closed." in response.text
    assert "No open incidents match these filters." in client.get("/board").text


def _dash_refusal_signed_off(application: Application, incident_id: str) -> None:
    """A DA case on the incident whose DASH refusal a supervisor has signed off (issue 5)."""
    from datetime import date

    from watchkeeper.people.model import Person, PersonName
    from watchkeeper.safeguarding.da_records import NewDaCase
    from watchkeeper.safeguarding.service_core import Assignment

    ppo, sg = Actor("ppo", Role.PUBLIC_PROTECTION), application.safeguarding
    sg.people.record_person(ppo, Person("V-1", (PersonName("A", "Caller"),), date(1990, 1, 1)))
    case = NewDaCase("DA-1", "V-1", Assignment("ppo", "sup"), incident_id=incident_id)
    sg.domestic_abuse.open_case(ppo, case)
    sg.domestic_abuse.record_refusal(ppo, "DA-1", "declined at the door")
    sg.domestic_abuse.sign_off(Actor("sup", Role.SUPERVISOR), "DA-1")


def test_a_struck_entry_stays_visible_struck_through_with_its_reason(
    client, application, incident_id
) -> None:
    supervisor = Actor("sup", Role.SUPERVISOR)
    application.incidents.record(supervisor, incident_id, Struck(3, "marker added in error"))
    html = sign_in(client, "sup").get(f"/incidents/{incident_id}").text
    assert "<del>marked domestic-abuse</del>" in html
    assert "struck: marker added in error" in html


def test_acknowledging_an_alert_takes_it_off_the_panel(client, incident_id) -> None:
    sign_in(client, "sup")
    panel = client.get("/board/alerts").text
    assert "BREACH" not in panel and "No unacknowledged alerts." in panel  # 45 of 60 min
    html = client.get("/board").text
    assert "Alerts <span" in html


def test_a_breach_alert_is_raised_and_acknowledged_from_the_board(
    client, application, incident_id
) -> None:
    application.clock.advance(timedelta(minutes=20))  # past the 60-minute P2 target
    sign_in(client, "sup")
    panel = client.get("/board/alerts").text
    assert "BREACH" in panel
    data = form_fields(panel, f"/incidents/{incident_id}/acknowledge")
    response = client.post(f"/incidents/{incident_id}/acknowledge", data=data)
    assert response.url.path == "/board"
    assert "BREACH" not in client.get("/board/alerts").text
    assert "acknowledged breach alert" in client.get(f"/incidents/{incident_id}").text
