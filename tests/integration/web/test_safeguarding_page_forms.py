"""Safeguarding work done from the pages (issue 5): each form posted as a browser posts it,
with the CSRF token read from the rendered page, for an allowed and a refused role.

A refused form comes back as its page (4xx, never 500) with the domain's message next to
the field it names and what was typed kept; nothing is recorded.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from tests.integration.web.safeguarding_seed import (
    CALL_KEYS,
    DASH,
    MAIN,
    SUPERVISOR,
    dash_answers,
    ok,
    report_child_missing,
    seed_one_address,
)
from tests.integration.web.test_safeguarding_pages import _labels_for_every_input, _no_inline_code

from watchkeeper.access.model import Role
from watchkeeper.web.security import CSRF_HEADER


@pytest.fixture
def browser_like(signed_in):
    """A signed-in client that, like a browser form, sends the CSRF token only in the body."""

    def client_for(role: Role) -> Any:
        client = signed_in(role)
        del client.headers[CSRF_HEADER]
        return client

    return client_for


def post_form(client: Any, page: str, action: str, data: dict[str, str]) -> Any:
    """GET the page (as the officer would), then post its form with the page's CSRF token."""
    shown = client.get(page)
    assert shown.status_code == 200, shown.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', shown.text).group(1)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False)


def field_error(html: str, element_id: str) -> str:
    found = re.search(rf'id="{re.escape(element_id)}">([^<]*)<', html)
    assert found, f"no message at {element_id}"
    return found.group(1)


def all_answers(yes: int, not_known: int = 0) -> dict[str, str]:
    """The 27 main answers as the form posts them: ``yes`` yes, ``not_known`` not known."""
    answers = dash_answers(yes)
    for key in MAIN[yes : yes + not_known]:
        answers[key] = "not-known"
    return {f"q-{k}": v for k, v in answers.items()}


# --- domestic abuse -----------------------------------------------------------------------
def test_a_case_is_opened_from_an_incident_on_the_page(
    browser_like, signed_in, clock, log_incident
):
    ppo = browser_like(Role.PUBLIC_PROTECTION)
    seed_one_address(signed_in(Role.PUBLIC_PROTECTION), clock.now().date())
    handler = signed_in(Role.CALL_HANDLER)
    caller = {"name": "D Hughes", "phone": "", "person_ref": "V-1"}
    incident = log_incident(handler, markers=["domestic-abuse"], caller=caller)["incident_id"]
    assert f'href="/da-cases/new?incident={incident}"' in ppo.get(f"/incidents/{incident}").text
    form = ppo.get(f"/da-cases/new?incident={incident}").text
    assert 'value="V-1"' in form and f'value="DA-{incident}"' in form  # filled in from the log
    _no_inline_code(form)
    _labels_for_every_input(form)

    data = {"case_ref": f"DA-{incident}", "victim_ref": "V-1", "incident_id": incident,
            "supervisor": SUPERVISOR}  # fmt: skip
    opened = post_form(ppo, f"/da-cases/new?incident={incident}", "/da-cases", data)
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/da-cases/DA-{incident}?done=opened"
    case = ppo.get(f"/da-cases/DA-{incident}?done=opened").text
    assert "Case opened" in case and "dash-completion" in case
    assert ok(ppo.get(f"/api/da-cases/DA-{incident}"))["incident_id"] == incident

    again = post_form(ppo, "/da-cases/new", "/da-cases", data)  # the same reference twice
    assert again.status_code == 400
    assert "already exists" in field_error(again.text, "open-case_ref-error")
    assert f'value="{incident}"' in again.text  # what was typed is kept

    nobody = post_form(
        ppo, "/da-cases/new", "/da-cases", data | {"case_ref": "DA-X", "victim_ref": "P-NONE"}
    )
    assert nobody.status_code == 404 and "P-NONE" in field_error(
        nobody.text, "open-victim_ref-error"
    )
    no_log = post_form(
        ppo, "/da-cases/new", "/da-cases", data | {"case_ref": "DA-Y", "incident_id": "NOPE-1"}
    )
    assert no_log.status_code == 404 and "NOPE-1" in field_error(
        no_log.text, "open-incident_id-error"
    )
    bad_ref = post_form(ppo, "/da-cases/new", "/da-cases", data | {"case_ref": "DA 1/2"})
    assert bad_ref.status_code == 400
    assert "letters, digits" in field_error(bad_ref.text, "open-case_ref-error")
    api = signed_in(Role.PUBLIC_PROTECTION)
    for refused_ref in ("DA-X", "DA-Y"):  # nothing was written by a refusal
        assert api.get(f"/api/da-cases/{refused_ref}").status_code == 404


def test_roles_without_dash_record_may_not_open_a_case(browser_like, signed_in, clock):
    seed_one_address(signed_in(Role.PUBLIC_PROTECTION), clock.now().date())
    supervisor = browser_like(Role.SUPERVISOR)
    assert supervisor.get("/da-cases/new").status_code == 403
    token = re.search(r'name="csrf_token" value="([^"]+)"', supervisor.get("/work").text).group(1)
    refused = supervisor.post("/da-cases", data={"case_ref": "DA-S", "victim_ref": "V-1",
                              "supervisor": SUPERVISOR, "csrf_token": token})  # fmt: skip
    assert refused.status_code == 403 and "may not" in refused.text
    forged = supervisor.post("/da-cases", data={"case_ref": "DA-S", "victim_ref": "V-1"})
    assert forged.status_code == 403  # no CSRF token: refused before anything is read
    ppo = signed_in(Role.PUBLIC_PROTECTION)
    assert ppo.get("/api/da-cases/DA-S").status_code == 404


def _open(ppo: Any, case_ref: str = "DA-1") -> None:
    data = {"case_ref": case_ref, "victim_ref": "V-1", "supervisor": SUPERVISOR}
    assert post_form(ppo, "/da-cases/new", "/da-cases", data).status_code == 303


def test_the_dash_is_answered_yes_no_or_not_known_and_not_known_is_not_a_yes(
    browser_like, signed_in, clock
):
    ppo = browser_like(Role.PUBLIC_PROTECTION)
    seed_one_address(signed_in(Role.PUBLIC_PROTECTION), clock.now().date())
    _open(ppo)
    # 10 yes and 5 not known: medium (10-13, local practice), never high.
    answers = {"form_id": DASH.form_id, **all_answers(10, not_known=5)}
    done = post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/dash", answers)
    assert done.status_code == 303
    page = ppo.get("/da-cases/DA-1?done=dash").text
    assert "<strong>medium</strong>" in page and "10 yes" in page
    assert "Answered not known (5, not counted as yes)" in page
    assert page.count('value="not-known" checked') == 5
    assert ok(ppo.get("/api/da-cases/DA-1"))["risk_level"] == "medium"

    # Two questions left unanswered: refused naming them, the answers given kept.
    gaps = {k: v for k, v in answers.items() if k not in (f"q-{MAIN[3]}", f"q-{MAIN[20]}")}
    refused = post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/dash", gaps)
    assert refused.status_code == 400
    message = field_error(refused.text, "dash-error")
    assert "every question must be answered" in message and MAIN[3] in message
    assert field_error(refused.text, f"q-{MAIN[3]}-error") == "Not answered"
    assert field_error(refused.text, f"q-{MAIN[20]}-error") == "Not answered"
    assert refused.text.count('value="not-known" checked') == 5  # nothing typed is lost
    contradiction = answers | {"q-children-hurt": "yes", "q-children-in-household": "no"}
    clash = post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/dash", contradiction)
    assert clash.status_code == 400 and "contradicts" in field_error(clash.text, "dash-error")
    assert field_error(clash.text, "q-children-hurt-error") == "Named in the refusal above"
    assert len(ok(ppo.get("/api/da-cases/DA-1"))["submissions"]) == 1


def test_judgement_raises_with_a_rationale_and_a_lowering_is_refused_at_the_field(
    browser_like, signed_in, clock
):
    ppo = browser_like(Role.PUBLIC_PROTECTION)
    seed_one_address(signed_in(Role.PUBLIC_PROTECTION), clock.now().date())
    _open(ppo)
    early = post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/judgement",
                      {"judgement_level": "high", "judgement_rationale": "strangulation"})  # fmt: skip
    assert early.status_code == 400
    assert "record it first" in field_error(early.text, "judgement-error")
    answers = {"form_id": DASH.form_id, **all_answers(14)}
    assert post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/dash", answers).status_code == 303

    lower = {"judgement_level": "medium", "judgement_rationale": "victim calmer now"}
    refused = post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/judgement", lower)
    assert refused.status_code == 400
    message = field_error(refused.text, "judgement-judgement_level-error")
    assert "never lower" in message and "Nothing was recorded." in message
    assert "victim calmer now" in refused.text  # the rationale typed is kept
    bare = post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/judgement", {"judgement_level": "high"})
    assert bare.status_code == 400
    assert "rationale" in field_error(bare.text, "judgement-judgement_rationale-error")
    assert len(ok(ppo.get("/api/da-cases/DA-1"))["submissions"]) == 1

    # Below 14 yes the checklist says medium; judgement raises it to high with a rationale.
    fewer = {"form_id": DASH.form_id, **all_answers(11)}
    assert post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/dash", fewer).status_code == 303
    raise_ = {"judgement_level": "high", "judgement_rationale": "separation and strangulation"}
    raised = post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/judgement", raise_)
    assert raised.status_code == 303 and raised.headers["location"].endswith("done=judgement")
    case = ok(ppo.get("/api/da-cases/DA-1"))
    assert (case["risk_level"], case["actuarial_level"]) == ("high", "medium")
    assert case["judgement_rationale"] == "separation and strangulation"
    assert len(case["submissions"]) == 3  # a new version: the answers were not re-typed
    assert "separation and strangulation" in ppo.get("/da-cases/DA-1").text


def test_a_refusal_with_its_reason_is_signed_off_by_a_supervisor_only(
    browser_like, signed_in, clock
):
    ppo, supervisor = browser_like(Role.PUBLIC_PROTECTION), browser_like(Role.SUPERVISOR)
    seed_one_address(signed_in(Role.PUBLIC_PROTECTION), clock.now().date())
    _open(ppo)
    blank = post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/refusal", {"reason": "  "})
    assert blank.status_code == 400 and "Reason" in field_error(blank.text, "refusal-reason-error")
    done = post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/refusal",
                     {"reason": "victim declined in front of the perpetrator"})  # fmt: skip
    assert done.status_code == 303
    assert "refused: victim declined" in ppo.get("/da-cases/DA-1").text
    assert 'id="sign-off-form"' not in ppo.get("/da-cases/DA-1").text  # not the officer's act
    token = re.search(r'name="csrf_token" value="([^"]+)"', ppo.get("/da-cases/DA-1").text).group(1)
    own = ppo.post("/da-cases/DA-1/sign-off", data={"csrf_token": token})
    assert own.status_code == 403 and "may not" in own.text
    signed = post_form(supervisor, "/da-cases/DA-1", "/da-cases/DA-1/sign-off", {"note": "agreed"})
    assert signed.status_code == 303
    assert (
        ok(signed_in(Role.PUBLIC_PROTECTION).get("/api/da-cases/DA-1"))["signed_off_by"]
        == SUPERVISOR
    )
    unknown = post_form(ppo, "/da-cases/DA-1", "/da-cases/NOPE/refusal", {"reason": "declined"})
    assert unknown.status_code == 404 and "NOPE" in unknown.text  # a refusal page, not a crash
    bogus = post_form(ppo, "/da-cases/DA-1", "/da-cases/DA-1/dash", {"form_id": "no-such-form"})
    assert bogus.status_code == 400 and "no-such-form" in bogus.text
    closed = post_form(
        ppo, "/da-cases/DA-1", "/da-cases/DA-1/close", {"reason": "safety plan in place"}
    )
    assert closed.status_code == 303


# --- missing persons ----------------------------------------------------------------------
def _report(**changes: str) -> dict[str, str]:
    base = {"episode_ref": "MP-9", "person_ref": "C-1", "risk": "medium", "supervisor": SUPERVISOR,
            **{f"q-{k}": "no" for k in CALL_KEYS}}  # fmt: skip
    return base | changes


def test_a_missing_person_is_reported_from_the_page_and_the_categorisation_rule_applies(
    browser_like, signed_in, clock
):
    ppo = browser_like(Role.PUBLIC_PROTECTION)
    seed_one_address(signed_in(Role.PUBLIC_PROTECTION), clock.now().date())
    assert 'href="/missing/new?person=C-1"' in ppo.get("/people/C-1").text
    form = ppo.get("/missing/new?person=C-1").text
    for key in CALL_KEYS:  # the call handler's questions, from their form data
        assert f'name="q-{key}" value="not-known"' in form
    assert 'name="marker-cse"' in form and 'name="looked_after"' in form
    _no_inline_code(form)
    _labels_for_every_input(form)

    unexplained = _report(
        risk="no-apparent-risk", looked_after="yes", **{f"q-{CALL_KEYS[0]}": "not-known"}
    )
    refused = post_form(ppo, "/missing/new?person=C-1", "/missing", unexplained)
    assert refused.status_code == 400
    message = field_error(refused.text, "report-supervisor_rationale-error")
    assert "categorisation rule" in message and "looked-after" in message
    _labels_for_every_input(refused.text)
    assert 'value="not-known" checked' in refused.text  # the answers given are kept
    assert signed_in(Role.PUBLIC_PROTECTION).get("/api/missing/MP-9").status_code == 404

    gap = {k: v for k, v in _report().items() if k != f"q-{CALL_KEYS[2]}"}
    unanswered = post_form(ppo, "/missing/new", "/missing", gap)
    assert unanswered.status_code == 400
    assert field_error(unanswered.text, f"q-{CALL_KEYS[2]}-error") == "Not answered"
    assert "every question must be answered" in field_error(
        unanswered.text, "report-questions-error"
    )

    explained = unexplained | {"supervisor_rationale": "with grandparent, confirmed by phone"}
    reported = post_form(ppo, "/missing/new", "/missing", explained)
    assert (
        reported.status_code == 303
        and reported.headers["location"] == "/missing/MP-9?done=reported"
    )
    episode = ok(signed_in(Role.PUBLIC_PROTECTION).get("/api/missing/MP-9"))
    assert episode["risk"] == "no-apparent-risk" and episode["looked_after"] is True
    page = ppo.get("/missing/MP-9?done=reported").text
    assert "Missing episode reported" in page and "supervisory-review" in page


def test_only_roles_that_manage_missing_people_may_report(browser_like, signed_in, clock):
    seed_one_address(signed_in(Role.PUBLIC_PROTECTION), clock.now().date())
    handler = browser_like(Role.CALL_HANDLER)
    assert handler.get("/missing/new").status_code == 403
    token = re.search(r'name="csrf_token" value="([^"]+)"', handler.get("/board").text).group(1)
    refused = handler.post("/missing", data={**_report(), "csrf_token": token})
    assert refused.status_code == 403 and "may not" in refused.text
    supervisor = browser_like(Role.SUPERVISOR)  # control-room supervisors may report
    assert post_form(supervisor, "/missing/new", "/missing", _report()).status_code == 303


def test_a_review_found_and_the_return_home_interview_from_the_page(browser_like, signed_in, clock):
    api = signed_in(Role.PUBLIC_PROTECTION)
    seed_one_address(api, clock.now().date())
    report_child_missing(api, (clock.now() - timedelta(hours=2)).isoformat())
    ppo, supervisor = browser_like(Role.PUBLIC_PROTECTION), browser_like(Role.SUPERVISOR)
    before = (clock.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    early = post_form(supervisor, "/missing/MP-1", "/missing/MP-1/review",
                      {"level": "high", "rationale": "phone off", "at": before})  # fmt: skip
    assert early.status_code == 400 and "before" in field_error(early.text, "review-at-error")
    assert 'value="phone off"' in early.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', ppo.get("/missing/MP-1").text).group(1)
    not_theirs = ppo.post("/missing/MP-1/review", data={"level": "high", "rationale": "x",
                          "csrf_token": token})  # fmt: skip
    assert not_theirs.status_code == 403
    reviewed = post_form(supervisor, "/missing/MP-1", "/missing/MP-1/review",
                         {"level": "high", "rationale": "phone off, CSE associates"})  # fmt: skip
    assert reviewed.status_code == 303
    future = (clock.now() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    too_soon = post_form(ppo, "/missing/MP-1", "/missing/MP-1/found", {"at": future})
    assert too_soon.status_code == 400 and "future" in field_error(too_soon.text, "found-at-error")
    for step in ("found", "safe-and-well", "rhi"):
        assert post_form(ppo, "/missing/MP-1", f"/missing/MP-1/{step}", {}).status_code == 303
    finished = ok(api.get("/api/missing/MP-1"))
    assert finished["open"] is False and finished["rhi_offered_at"] is not None


# --- registered offenders -----------------------------------------------------------------
def test_a_foreign_travel_notice_is_checked_against_the_seven_days_and_flagged_when_late(
    browser_like, signed_in, clock
):
    ppo = browser_like(Role.PUBLIC_PROTECTION)
    today = clock.now().date()
    seed_one_address(signed_in(Role.PUBLIC_PROTECTION), today)
    page = "/offenders/RSO-1"
    assert "at least 7 days before departure" in ppo.get(page).text
    in_time = {"kind": "travel", "on": today.isoformat(), "destination": "Spain",
               "departs_on": (today + timedelta(days=7)).isoformat(),
               "returns_on": (today + timedelta(days=14)).isoformat()}  # fmt: skip
    assert post_form(ppo, page, f"{page}/notification", in_time).status_code == 303
    shown = ppo.get(page).text
    assert 'id="travel-late-1"' not in shown and "in time — Spain" in shown
    _no_inline_code(shown)
    _labels_for_every_input(shown)

    late = in_time | {
        "destination": "Thailand",
        "departs_on": (today + timedelta(days=2)).isoformat(),
    }
    assert post_form(ppo, page, f"{page}/notification", late).status_code == 303  # still recorded
    flagged = ppo.get(page).text
    flag = field_error(flagged, "travel-late-1")
    assert "travel-notice-late" in flag and "2 days before departure" in flag
    assert flagged.count('<li class="late">') == 1

    no_plan = post_form(
        ppo, page, f"{page}/notification", {"kind": "travel", "on": today.isoformat()}
    )
    assert no_plan.status_code == 400
    assert "departure" in field_error(no_plan.text, "notification-departs_on-error")
    backwards = in_time | {"returns_on": (today + timedelta(days=1)).isoformat()}
    refused = post_form(ppo, page, f"{page}/notification", backwards)
    assert refused.status_code == 400
    assert "before departure" in field_error(refused.text, "notification-returns_on-error")
    assert 'value="Spain"' in refused.text
    nowhere = post_form(ppo, page, f"{page}/notification", in_time | {"destination": " "})
    assert nowhere.status_code == 400
    assert "destination" in field_error(nowhere.text, "notification-destination-error")
    notes = ok(signed_in(Role.PUBLIC_PROTECTION).get("/api/offenders/RSO-1"))["notifications"]
    assert [(n["kind"], n["in_time"]) for n in notes] == [
        ("initial", None), ("travel", True), ("travel", False)]  # fmt: skip
    assert notes[2]["destination"] == "Thailand"


def test_the_api_takes_the_travel_plan_too_and_refuses_a_travel_notice_without_one(
    signed_in, clock
):
    api = signed_in(Role.PUBLIC_PROTECTION)
    today = clock.now().date()
    seed_one_address(api, today)
    bare = api.post(
        "/api/offenders/RSO-1/notifications", json={"kind": "travel", "on": today.isoformat()}
    )
    assert bare.status_code == 422 and "departs_on" in bare.json()["message"]
    plan = {"kind": "travel", "on": today.isoformat(), "destination": "Norway",
            "departs_on": (today + timedelta(days=6)).isoformat()}  # fmt: skip
    body = ok(api.post("/api/offenders/RSO-1/notifications", json=plan), 201)
    assert body["notifications"][-1] | {"on": None} == {"kind": "travel", "on": None,
        "departs_on": plan["departs_on"], "returns_on": None, "destination": "Norway",
        "in_time": False}  # fmt: skip


def test_visits_and_notifications_are_the_offender_managers_and_refusals_sit_at_the_field(
    browser_like, signed_in, clock
):
    api = signed_in(Role.PUBLIC_PROTECTION)
    today = clock.now().date()
    seed_one_address(api, today)
    ppo, supervisor = browser_like(Role.PUBLIC_PROTECTION), browser_like(Role.SUPERVISOR)
    page = "/offenders/RSO-1"
    assert post_form(ppo, page, f"{page}/notification",
                     {"kind": "change", "on": today.isoformat()}).status_code == 303  # fmt: skip
    assert (
        post_form(ppo, page, f"{page}/visit", {"visited_on": today.isoformat()}).status_code == 303
    )
    ok(api.post("/api/offenders/RSO-1/custody", json={"starts_on": today.isoformat()}), 201)
    refused = post_form(
        ppo, page, f"{page}/visit", {"visited_on": today.isoformat(), "note": "door"}
    )
    assert refused.status_code == 400
    assert "custody" in field_error(refused.text, "visit-visited_on-error")
    tomorrow = (today + timedelta(days=1)).isoformat()
    future = post_form(ppo, page, f"{page}/notification", {"kind": "change", "on": tomorrow})
    assert future.status_code == 400 and "future" in field_error(
        future.text, "notification-on-error"
    )
    token = re.search(r'name="csrf_token" value="([^"]+)"', supervisor.get("/work").text).group(1)
    not_theirs = supervisor.post(f"{page}/visit", data={"visited_on": today.isoformat(),
                                 "csrf_token": token})  # fmt: skip
    assert not_theirs.status_code == 403 and "may not" in not_theirs.text
    assert len(ok(api.get("/api/offenders/RSO-1"))["visits"]) == 1
