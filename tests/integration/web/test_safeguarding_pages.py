"""The safeguarding pages: the DASH rendered from its form data and recorded through the page,
sign-off and MARAC (bad input on a page is a 400 page, the house rule); the missing episode's questions, flags and steps; the offender file; my
work, the overdue list and the duty alerts polled onto every page; intake for a call handler.
"""

from __future__ import annotations

import re
from datetime import timedelta

from tests.integration.web.safeguarding_seed import (
    ADDRESS_TEXT,
    DASH,
    MAIN,
    SUPERVISOR,
    dash_answers,
    ok,
    report_child_missing,
    seed_one_address,
)

from watchkeeper.access.model import Role


def _open_case(ppo, case_ref="DA-1", **extra):
    body = {"case_ref": case_ref, "victim_ref": "V-1", "supervisor": SUPERVISOR} | extra
    ok(ppo.post("/api/da-cases", json=body), 201)


def _no_inline_code(html: str) -> None:
    """CSP default-src 'self': no inline script or style anywhere on the page."""
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html
    assert not re.search(r'\son[a-z]+="', html), "no inline event handlers"


def _labels_for_every_input(html: str) -> None:
    ids = set(
        re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
    )
    unlabelled = [i for i in ids if f'for="{i}"' not in html]
    controls = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*>', html)
    assert all('id="' in c for c in controls), "every visible control has an id"
    assert unlabelled == []


def test_the_dash_page_renders_the_form_scores_it_and_the_supervisor_signs_off(signed_in, clock):
    ppo, supervisor = signed_in(Role.PUBLIC_PROTECTION), signed_in(Role.SUPERVISOR)
    seed_one_address(ppo, clock.now().date())
    _open_case(ppo)
    page = ppo.get("/da-cases/DA-1")
    assert page.status_code == 200
    html = page.text
    for question in DASH.questions:  # every question of every section, from the form data
        for answer in ("yes", "no", "not-known"):  # each answered yes / no / not known
            assert f'name="q-{question.key}" value="{answer}"' in html
    assert 'id="section-s-dash"' in html and 'id="section-hbv"' in html
    _no_inline_code(html)
    _labels_for_every_input(html)
    assert "dash-completion" in html

    ticked = {f"q-{key}": answer for key, answer in dash_answers(14).items()}
    posted = ppo.post("/da-cases/DA-1/dash", data={"form_id": DASH.form_id, **ticked},
                      follow_redirects=False)  # fmt: skip
    assert posted.status_code == 303 and posted.headers["location"] == "/da-cases/DA-1?done=dash"
    after = ppo.get("/da-cases/DA-1?done=dash").text
    assert "<strong>high</strong>" in after and "14 yes" in after
    assert after.count('value="yes" checked') == 14  # the answers are shown, not re-typed
    assert after.count('value="no" checked') == len(MAIN) - 14
    assert "14 questions answered yes" in after
    assert "Sign off" not in after  # not the officer's act

    own = supervisor.post(
        "/da-cases/DA-1/sign-off", data={"note": "agreed"}, follow_redirects=False
    )
    assert own.status_code == 303
    signed = supervisor.get("/da-cases/DA-1").text
    assert f"signed off by {SUPERVISOR}" in signed

    referral = ppo.post("/da-cases/DA-1/marac", data={})
    assert referral.status_code == 201
    assert re.search(r'id="marac-criteria">visible-high-risk<', referral.text)
    assert referral.text.count("<li>Q") == 14


def test_a_judgement_below_the_checklist_and_a_blank_refusal_are_refused_and_nothing_written(
    signed_in, clock
):
    ppo = signed_in(Role.PUBLIC_PROTECTION)
    seed_one_address(ppo, clock.now().date())
    _open_case(ppo)
    ticked = {f"q-{key}": answer for key, answer in dash_answers(14).items()}
    lower = {"form_id": DASH.form_id, "judgement_level": "standard",
             "judgement_rationale": "seems fine", **ticked}  # fmt: skip
    refused = ppo.post("/da-cases/DA-1/dash", data=lower)
    assert refused.status_code == 400 and "never lower" in refused.text
    assert "Nothing was recorded." in refused.text
    blank = ppo.post("/da-cases/DA-1/refusal", data={"reason": " "})
    assert blank.status_code == 400 and "Reason" in blank.text
    assert ok(ppo.get("/api/da-cases/DA-1"))["dash_status"] == "none"
    close = ppo.post("/da-cases/DA-1/close", data={"reason": "no further action"})
    assert close.status_code == 400 and "dash-rule" in close.text


def test_the_missing_page_shows_questions_flags_reviews_and_the_return_steps(signed_in, clock):
    ppo, supervisor = signed_in(Role.PUBLIC_PROTECTION), signed_in(Role.SUPERVISOR)
    seed_one_address(ppo, clock.now().date())
    report_child_missing(ppo, (clock.now() - timedelta(hours=1)).isoformat())
    html = supervisor.get("/missing/MP-1").text
    assert "looked-after child" in html and ">child<" in html and "<strong>medium</strong>" in html
    assert "Is going missing out of character?" in html
    assert 'id="review-form"' in html and 'id="found-form"' in html
    _no_inline_code(html)
    _labels_for_every_input(html)
    assert 'id="review-form"' not in ppo.get("/missing/MP-1").text  # reviews are supervisors'
    before = (clock.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    early = supervisor.post(
        "/missing/MP-1/review", data={"level": "high", "rationale": "r", "at": before}
    )
    assert early.status_code == 400 and "before" in early.text
    done = supervisor.post("/missing/MP-1/review", data={"level": "high", "rationale": "no contact"},
                           follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    assert "<strong>high</strong>" in ppo.get("/missing/MP-1").text
    for step in ("found", "safe-and-well", "rhi"):
        moved = ppo.post(f"/missing/MP-1/{step}", data={}, follow_redirects=False)
        assert moved.status_code == 303, (step, moved.text)
    finished = ok(ppo.get("/api/missing/MP-1"))
    assert finished["open"] is False and finished["rhi_offered_at"] is not None
    assert ppo.post("/missing/MP-1/teleport", data={}).status_code == 400


def test_the_offender_page_shows_clocks_mappa_and_refuses_a_visit_in_custody(signed_in, clock):
    ppo = signed_in(Role.PUBLIC_PROTECTION)
    today = clock.now().date()
    seed_one_address(ppo, today)
    html = ppo.get("/offenders/RSO-1").text
    assert "category 1, level 2" in html and 'id="notification-due"' in html
    assert "<strong>high</strong>" in html and 'id="caseload"' in html
    _no_inline_code(html)
    _labels_for_every_input(html)
    arms = {"assessed_on": today.isoformat(), "version": "ARMS 2.1", "level": "medium"}
    assert ppo.post("/offenders/RSO-1/arms", data=arms, follow_redirects=False).status_code == 303
    assert "ARMS 2.1: medium" in ppo.get("/offenders/RSO-1").text
    yesterday = (today - timedelta(days=1)).isoformat()
    ok(ppo.post("/api/offenders/RSO-1/custody", json={"starts_on": yesterday}), 201)
    visit = ppo.post("/offenders/RSO-1/visit", data={"visited_on": today.isoformat()})
    assert (
        visit.status_code == 400
        and "custody" in visit.text
        and "Nothing was recorded." in visit.text
    )
    bad = ppo.post("/offenders/RSO-1/visit", data={"visited_on": "31/02/2026"})
    assert bad.status_code == 400 and "Visited on" in bad.text
    assert ppo.get("/offenders/RSO-1").status_code == 200
    assert signed_in(Role.SUPERVISOR).get("/offenders/RSO-1").status_code == 403


def test_my_work_alerts_acknowledge_and_escalation_to_the_supervisor(signed_in, clock):
    ppo = signed_in(Role.PUBLIC_PROTECTION)
    seed_one_address(ppo, clock.now().date())
    report_child_missing(ppo, clock.now().isoformat())
    board = ppo.get("/work").text
    assert 'href="/missing/MP-1"' in board and "supervisory-review" in board
    assert 'hx-get="/duties/alerts"' in board  # the alerts poll sits on every page
    _labels_for_every_input(board)
    alerts = ppo.get("/duties/alerts", headers={"HX-Request": "true"}).text
    assert "NEW DUTY" in alerts and "MP-1/supervisory-review" in alerts
    duty_id = re.search(r'name="duty_id" value="(MP-1/supervisory-review/\d+)"', alerts).group(1)
    acked = ppo.post(
        "/duties/acknowledge", data={"duty_id": duty_id}, headers={"HX-Request": "true"}
    )
    assert acked.status_code == 200 and duty_id not in acked.text  # the panel re-rendered

    clock.advance(timedelta(hours=8))  # past due (4 h, medium) and the 1 h escalation point
    ppo, supervisor = signed_in(Role.PUBLIC_PROTECTION), signed_in(Role.SUPERVISOR)
    overdue = ppo.get("/duties/alerts").text
    assert "OVERDUE" in overdue and duty_id in overdue
    escalated = supervisor.get("/duties/alerts").text  # the poll ran the escalation
    assert "Escalated to you" in escalated and 'href="/missing/MP-1"' in escalated
    listed = supervisor.get("/work/overdue").text
    assert duty_id in listed and "escalated" in listed
    moved = supervisor.post("/duties/reassign", data={"duty_id": duty_id, "to": SUPERVISOR,
                            "reason": "officer off sick", "next": "/work/overdue"},
                            follow_redirects=False)  # fmt: skip
    assert moved.status_code == 303 and moved.headers["location"] == "/work/overdue?done=reassigned"
    assert duty_id in supervisor.get("/work").text
    without = supervisor.post(
        "/duties/reassign", data={"duty_id": duty_id, "to": "x", "reason": ""}
    )
    assert without.status_code == 400 and "Reason" in without.text


def test_a_call_handler_sees_what_is_known_at_intake_and_on_the_incident(
    signed_in, clock, log_incident
):
    ppo, handler = signed_in(Role.PUBLIC_PROTECTION), signed_in(Role.CALL_HANDLER)
    seed_one_address(ppo, clock.now().date())
    report_child_missing(ppo, clock.now().isoformat())
    _open_case(ppo, address_ref="A-1")
    page = handler.get("/intake", params={"address": ADDRESS_TEXT})
    assert page.status_code == 200
    found = set(re.findall(r'data-register="([^"]+)"', page.text))
    assert found == {"domestic-abuse", "missing-person", "registered-offender"}
    assert 'href="/offenders/' not in page.text  # a reference only: not the handler's register
    assert 'hx-get="/duties/alerts"' not in page.text  # no duties, no poll
    _labels_for_every_input(page.text)
    incident = log_incident(handler, location={"text": ADDRESS_TEXT, "area": "central"},
                            markers=["domestic-abuse"])  # fmt: skip
    shown = handler.get(f"/incidents/{incident['incident_id']}").text
    for register in ("domestic-abuse", "missing-person", "registered-offender"):
        assert register in shown
    assert handler.get("/people/V-1").status_code == 403
    assert handler.get("/work").status_code == 403
