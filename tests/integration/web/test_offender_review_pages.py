"""Registered offenders from the pages (issue 5 part 4): review triggers owe the offender
manager a risk review, a late travel notice and a missed notification are breaches owed the
same way, custody and release, registering with the nominal index's suggestions, and the
periodic DA case review. Allowed and refused roles; refusals at the field, never 500."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tests.integration.web.safeguarding_seed import PPO, SUPERVISOR, ok, seed_one_address
from tests.integration.web.test_safeguarding_page_forms import field_error, post_form

from watchkeeper.access.model import Role
from watchkeeper.web.security import CSRF_HEADER

PAGE = "/offenders/RSO-1"


@pytest.fixture
def browser_like(signed_in):
    """A signed-in client that, like a browser form, sends the CSRF token only in the body."""

    def client_for(role: Role) -> Any:
        client = signed_in(role)
        del client.headers[CSRF_HEADER]
        return client

    return client_for


def _review_duties(api):
    duties = ok(api.get("/api/offenders/RSO-1"))["duties"]
    return [
        d for d in duties if d["kind"] == "rso-risk-review" and d["state"] in ("open", "reassigned")
    ]


def test_a_review_trigger_owes_the_offender_manager_a_review_that_the_review_discharges(
    browser_like, signed_in, clock
):
    api = signed_in(Role.PUBLIC_PROTECTION)
    seed_one_address(api, clock.now().date())
    ppo = browser_like(Role.PUBLIC_PROTECTION)
    assert "No risk review owed." in ppo.get(PAGE).text
    posted = post_form(ppo, PAGE, f"{PAGE}/review-trigger",
                       {"trigger": "new-intelligence", "summary": "seen near a school"})  # fmt: skip
    assert posted.status_code == 303
    [duty] = _review_duties(api)
    assert duty["owner"] == PPO and duty["supervisor"] == SUPERVISOR
    assert duty["due_at"].startswith((clock.now() + timedelta(hours=72)).date().isoformat())
    shown = ppo.get(PAGE).text
    assert "Risk review owed" in shown and "seen near a school" in shown

    sooner = post_form(
        ppo, PAGE, f"{PAGE}/review-trigger", {"trigger": "arrest", "summary": "arrested"}
    )
    assert sooner.status_code == 303
    [duty] = _review_duties(api)  # still one duty, brought forward to the arrest's 24 h
    assert duty["due_at"].startswith((clock.now() + timedelta(hours=24)).date().isoformat())

    wrong = post_form(
        ppo, PAGE, f"{PAGE}/risk-review", {"outcome": "remain-reactive", "rationale": "x"}
    )
    assert wrong.status_code in (400, 409)
    assert "actively managed" in field_error(wrong.text, "risk-review-outcome-error")
    assert len(_review_duties(api)) == 1  # nothing recorded
    done = post_form(ppo, PAGE, f"{PAGE}/risk-review",
                     {"outcome": "plan-confirmed", "rationale": "plan stands"})  # fmt: skip
    assert done.status_code == 303
    assert _review_duties(api) == []
    events = ok(api.get("/api/offenders/RSO-1"))["risk_events"]
    assert [e["kind"] for e in events] == ["trigger", "trigger", "review"]


def test_an_unknown_trigger_is_refused_at_its_field_and_other_roles_are_refused(
    browser_like, signed_in, clock
):
    seed_one_address(signed_in(Role.PUBLIC_PROTECTION), clock.now().date())
    ppo = browser_like(Role.PUBLIC_PROTECTION)
    bad = post_form(ppo, PAGE, f"{PAGE}/review-trigger", {"trigger": "weather", "summary": "rain"})
    assert bad.status_code == 400 and "not one of" in field_error(bad.text, "trigger-trigger-error")
    assert 'value="rain"' in bad.text
    handler = signed_in(Role.CALL_HANDLER)
    refused = handler.post(f"{PAGE}/review-trigger", data={"trigger": "arrest", "summary": "x"})
    assert refused.status_code == 403
    api_refused = handler.post("/api/offenders/RSO-1/review-triggers",
                               json={"trigger": "arrest", "summary": "x"})  # fmt: skip
    assert api_refused.status_code == 403


def test_a_late_travel_notice_raises_a_review_duty_for_the_manager(signed_in, clock):
    api = signed_in(Role.PUBLIC_PROTECTION)
    today = clock.now().date()
    seed_one_address(api, today)
    plan = {"kind": "travel", "on": today.isoformat(), "destination": "Norway",
            "departs_on": (today + timedelta(days=2)).isoformat()}  # fmt: skip
    body = ok(api.post("/api/offenders/RSO-1/notifications", json=plan), 201)
    [event] = body["risk_events"]
    assert event["name"] == "notification-breach" and "travel-notice-late" in event["detail"]
    [duty] = _review_duties(api)
    assert duty["owner"] == PPO
    in_time = plan | {"departs_on": (today + timedelta(days=10)).isoformat()}
    ok(api.post("/api/offenders/RSO-1/notifications", json=in_time), 201)
    assert len(ok(api.get("/api/offenders/RSO-1"))["risk_events"]) == 1  # in time: no breach


def test_a_missed_annual_notification_becomes_a_breach_owed_as_a_review_once(signed_in, clock):
    api = signed_in(Role.PUBLIC_PROTECTION)
    seed_one_address(api, clock.now().date())
    assert ok(api.post("/api/offenders/breaches")) == []
    clock.advance(timedelta(days=400))
    api = signed_in(Role.PUBLIC_PROTECTION)  # a fresh session: the first one has expired
    assert ok(api.post("/api/offenders/breaches")) == ["RSO-1"]
    assert ok(api.post("/api/offenders/breaches")) == []  # raised once per missed notification
    [event] = ok(api.get("/api/offenders/RSO-1"))["risk_events"]
    assert event["name"] == "notification-breach" and "notification-missed" in event["detail"]
    assert len(_review_duties(api)) == 1


def test_custody_and_release_are_recorded_from_the_page(browser_like, signed_in, clock):
    api = signed_in(Role.PUBLIC_PROTECTION)
    today = clock.now().date()
    seed_one_address(api, today)
    ppo = browser_like(Role.PUBLIC_PROTECTION)
    assert (
        post_form(ppo, PAGE, f"{PAGE}/custody", {"starts_on": today.isoformat()}).status_code == 303
    )
    assert ok(api.get("/api/offenders/RSO-1"))["visit_due"] is not None  # plan unchanged
    assert not [d for d in ok(api.get("/api/offenders/RSO-1"))["duties"]
                if d["kind"] == "rso-visit" and d["state"] == "open"]  # fmt: skip
    early = post_form(
        ppo, PAGE, f"{PAGE}/release", {"released_on": (today - timedelta(days=3)).isoformat()}
    )
    assert early.status_code == 400
    assert "before custody began" in field_error(early.text, "release-released_on-error")
    assert (
        post_form(ppo, PAGE, f"{PAGE}/release", {"released_on": today.isoformat()}).status_code
        == 303
    )
    assert ok(api.get("/api/offenders/RSO-1"))["custody"][0]["end"] == today.isoformat()
    twice = post_form(ppo, PAGE, f"{PAGE}/release", {"released_on": today.isoformat()})
    assert twice.status_code in (400, 409) and "not in custody" in twice.text


def test_registering_an_offender_first_shows_who_the_person_may_already_be(
    browser_like, signed_in, clock
):
    api = signed_in(Role.PUBLIC_PROTECTION)
    today = clock.now().date()
    seed_one_address(api, today)
    ppo = browser_like(Role.PUBLIC_PROTECTION)
    born = today.replace(year=today.year - 34).isoformat()
    data = {"offender_ref": "RSO-2", "given": "Dana", "family": "Hughes", "date_of_birth": born,
            "registered_on": today.isoformat(), "risk": "medium", "mappa_category": "1",
            "mappa_level": "1", "manager_ref": PPO, "supervisor": SUPERVISOR}  # fmt: skip
    first = post_form(ppo, "/offenders/new", "/offenders", data)
    suggestions = first.text.split('id="new-suggestions"')[1]
    assert first.status_code == 200 and 'value="V-1"' in suggestions, suggestions[:800]
    assert api.get("/api/offenders/RSO-2").status_code == 404
    chosen = post_form(ppo, "/offenders/new", "/offenders", data | {"choice": "V-1"})
    assert chosen.status_code == 303 and chosen.headers["location"].startswith("/offenders/RSO-2")
    assert ok(api.get("/api/offenders/RSO-2"))["person_ref"] == "V-1"
    bad = post_form(ppo, "/offenders/new", "/offenders",
                    data | {"offender_ref": "RSO-3", "choice": "new", "mappa_level": "7"})  # fmt: skip
    assert bad.status_code == 400 and "MAPPA level" in field_error(
        bad.text, "new-mappa_level-error"
    )
    assert api.get("/api/people/P-RSO-3").status_code == 404  # nobody filed by a refused post
    superscript = post_form(ppo, "/offenders/new", "/offenders",
                            data | {"offender_ref": "RSO-3", "choice": "new",
                                    "mappa_level": "\u00b2"})  # a digit int() cannot read  # fmt: skip
    assert superscript.status_code == 400 and "whole number" in field_error(
        superscript.text, "new-mappa_level-error"
    )
    future = (today + timedelta(days=2)).isoformat()
    late = post_form(ppo, "/offenders/new", "/offenders",
                     data | {"offender_ref": "RSO-4", "choice": "new", "registered_on": future})  # fmt: skip
    assert late.status_code == 400 and "future" in field_error(late.text, "new-registered_on-error")
    assert api.get("/api/people/P-RSO-4").status_code == 404  # one transaction: neither written
    filed = post_form(ppo, "/offenders/new", "/offenders",
                      data | {"offender_ref": "RSO-4", "choice": "new"})  # fmt: skip
    assert filed.status_code == 303
    assert ok(api.get("/api/offenders/RSO-4"))["person_ref"] == "P-RSO-4"
    assert ok(api.get("/api/people/P-RSO-4"))["names"] == ["Dana Hughes"]
    handler = browser_like(Role.CALL_HANDLER)
    assert handler.get("/offenders/new").status_code == 403


def test_the_periodic_da_case_review_is_recorded_from_the_case_page(browser_like, signed_in, clock):
    api = signed_in(Role.PUBLIC_PROTECTION)
    seed_one_address(api, clock.now().date())
    ok(
        api.post(
            "/api/da-cases",
            json={"case_ref": "DA-1", "victim_ref": "V-1", "supervisor": SUPERVISOR},
        ),
        201,
    )
    ppo = browser_like(Role.PUBLIC_PROTECTION)
    none_due = post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/review", {"note": "checked"})
    assert none_due.status_code in (400, 409) and "no review due" in none_due.text
    assert 'value="checked"' in none_due.text or ">checked<" in none_due.text
    blank = post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/review", {"note": " "})
    assert blank.status_code == 400


def test_an_undated_offender_at_a_known_address_is_shown_the_namesake_living_there(
    browser_like, signed_in, clock
):
    api = signed_in(Role.PUBLIC_PROTECTION)
    today = clock.now().date()
    seed_one_address(api, today)  # Dana Hughes (V-1) lives at A-1
    ok(api.post("/api/addresses", json={"address_ref": "A-2", "lines": ["3 Mill Road", "Town"]}),
       201)  # fmt: skip
    namesake = {"person_ref": "V-2", "names": [{"given": "Dana", "family": "Hughes"}],
                "date_of_birth": today.replace(year=today.year - 61).isoformat()}  # fmt: skip
    ok(api.post("/api/people", json=namesake), 201)
    ok(api.post("/api/people/V-2/addresses", json={"address_ref": "A-2", "relation": "lives-at"}),
       201)  # fmt: skip
    ppo = browser_like(Role.PUBLIC_PROTECTION)
    data = {"offender_ref": "RSO-2", "given": "Dana", "family": "Hughes",
            "registered_on": today.isoformat(), "risk": "medium", "mappa_category": "1",
            "mappa_level": "1", "manager_ref": PPO, "supervisor": SUPERVISOR}  # fmt: skip

    nowhere = post_form(ppo, "/offenders/new", "/offenders", data)
    at_home = post_form(ppo, "/offenders/new", "/offenders", data | {"address_ref": "A-1"})

    # Two namesakes and no date of birth: the name alone suggests neither.
    assert 'value="V-1"' not in nowhere.text.split('id="new-suggestions"')[1]
    shown = at_home.text.split('id="new-suggestions"')[1]
    assert at_home.status_code == 200 and 'value="V-1"' in shown, shown[:800]
    assert 'value="V-2"' not in shown
