"""In a real browser, one journey per register (issue 5), over the demo store:

- domestic abuse: a call handler logging a domestic incident at an address with a registered
  offender and a missing child sees all three at intake; the DASH rule blocks the close until
  the DASH, recorded by ticking the rendered checklist, is signed off by a supervisor;
- missing persons: a supervisor reviews a looked-after child's episode; the officer records
  found, safe-and-well and the return home interview; a new duty is pushed to the owner's
  screen without a reload and acknowledged there;
- registered offenders: the offender manager records an ARMS assessment and a home visit;
  the supervisor's overdue list shows the overdue work that escalated to them.

Records are made through the API by the same signed-in browser sessions (refs prefixed E2E-),
so each journey is independent of what the demo generator happened to seed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

DEMO_PASSWORD = "demo-{}-2026"  # published demo sign-ins (cli/demo_commands.py)
ADDRESS = ["Lock Lane", "Ashby Wharf"]
ADDRESS_TEXT = "Lock Lane, Ashby Wharf"  # after the house number (the journey tag)


def _sign_in(browser: Any, base_url: str, username: str, target: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{base_url}{target}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD.format(username))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(target.split("?", maxsplit=1)[0]) + r"(\?.*)?$"))
    return page


def _api(page: Any, path: str, body: Any, status: int = 201) -> Any:
    """POST through the signed-in browser session, with its CSRF token."""
    token = page.locator('input[name="csrf_token"]').first.input_value()
    origin = re.match(r"https?://[^/]+", page.url).group(0)  # type: ignore[union-attr]
    response = page.request.post(origin + path, data=body, headers={"X-CSRF-Token": token})
    assert response.status == status, response.text()
    return response.json()


def _seed_address(ppo: Any, tag: str) -> None:
    """A victim, a looked-after child reported missing and an offender, at one address."""
    today = datetime.now(UTC).date()
    _api(
        ppo,
        "/api/addresses",
        {"address_ref": f"E2E-A-{tag}", "lines": [f"{tag} {ADDRESS[0]}", ADDRESS[1]]},
    )
    for ref, given, family, years in (
        ("V", "Dana", "Hughes", 34),
        ("C", "Kai", "Hughes", 13),
        ("O", "Rob", "Marsh", 51),
    ):
        born = today.replace(year=today.year - years, day=min(today.day, 28)).isoformat()
        _api(
            ppo,
            "/api/people",
            {
                "person_ref": f"E2E-{ref}-{tag}",
                "names": [{"given": given, "family": family}],
                "date_of_birth": born,
            },
        )
    _api(
        ppo,
        "/api/offenders",
        {
            "offender_ref": f"E2E-RSO-{tag}",
            "person_ref": f"E2E-O-{tag}",
            "registered_on": (today - timedelta(days=20)).isoformat(),
            "risk": "high",
            "mappa_category": 1,
            "mappa_level": 2,
            "manager_ref": "ppo",
            "supervisor": "supervisor",
            "address_ref": f"E2E-A-{tag}",
        },
    )
    answers = dict.fromkeys(
        (
            "out-of-character",
            "contact-and-return",
            "intended-actions",
            "who-with",
            "danger-to-self-or-others",
            "medical-needs",
            "self-harm",
            "likely-victim-of-crime",
            "abuse-or-cse",
            "supported-by-services",
            "unusual-behaviour",
            "other-concerns",
        ),
        "no",
    )
    reported = (datetime.now(UTC) - timedelta(minutes=20)).isoformat()
    _api(ppo, "/api/missing", {"episode_ref": f"E2E-MP-{tag}", "person_ref": f"E2E-C-{tag}",
                               "reported_at": reported, "risk": "medium", "call_answers": answers,
                               "supervisor": "supervisor", "looked_after": True,
                               "address_ref": f"E2E-A-{tag}"})  # fmt: skip


def test_intake_shows_all_three_and_the_dash_rule_blocks_the_close_until_signed_off(
    browser: Any, base_url: str, screenshots: Path
) -> None:
    ppo = _sign_in(browser, base_url, "ppo", "/intake")
    _seed_address(ppo, "11")
    handler = _sign_in(browser, base_url, "handler", "/intake")
    incident = _api(handler, "/api/incidents", {
        "source": "999", "location": {"text": f"11 {ADDRESS_TEXT}", "area": "central"},
        "category": "domestic-abuse", "grade_label": "P2", "markers": ["domestic-abuse"],
        "caller": {"name": "D Hughes", "phone": "", "person_ref": "E2E-V-11"},
        "summary": "partner shouting and banging, child heard crying"})  # fmt: skip
    ref = incident["incident_id"]
    _api(ppo, "/api/da-cases", {"case_ref": "E2E-DA-11", "victim_ref": "E2E-V-11", "supervisor": "supervisor",
                                "incident_id": ref, "address_ref": "E2E-A-11"})  # fmt: skip

    # The call handler asks what is known at the address, with the keyboard only.
    handler.get_by_label("Address (as the caller gives it)").fill(f"11 {ADDRESS_TEXT}")
    handler.keyboard.press("Enter")
    handler.wait_for_url(re.compile(r"/intake\?address="))
    known = handler.locator("#intake-known li")
    assert sorted(known.evaluate_all("items => items.map(i => i.dataset.register)")) == [
        "domestic-abuse", "missing-person", "registered-offender"]  # fmt: skip
    assert handler.get_by_text(re.compile("looked-after child")).is_visible()
    handler.screenshot(path=str(screenshots / "safeguarding-intake.png"), full_page=True)
    handler.goto(f"{base_url}/incidents/{ref}")
    panel = handler.locator("section.known")
    for register in ("domestic-abuse", "missing-person", "registered-offender"):
        assert panel.get_by_text(register).first.is_visible()

    # The supervisor cannot close it before the DASH is done and signed off.
    supervisor = _sign_in(browser, base_url, "supervisor", f"/incidents/{ref}")

    def try_close() -> None:
        supervisor.goto(f"{base_url}/incidents/{ref}")
        supervisor.get_by_label("Closing category").fill("advice")
        supervisor.get_by_role("button", name="Close incident").click()

    try_close()
    assert supervisor.get_by_text(re.compile("DASH")).first.is_visible()
    assert supervisor.get_by_text(re.compile("domestic_abuse.close")).first.is_visible()

    # The officer answers the rendered DASH, 14 yes: high by the configured rule.
    ppo.goto(f"{base_url}/da-cases/E2E-DA-11")
    yes = ppo.locator('#section-main input[type="radio"][value="yes"]')
    no = ppo.locator('#section-main input[type="radio"][value="no"]')
    assert yes.count() == no.count() == 27
    for i in range(27):
        (yes if i < 14 else no).nth(i).check()
    ppo.get_by_role("button", name="Record DASH").click()
    ppo.wait_for_url(re.compile(r"done=dash$"))
    assert ppo.locator("#risk-level strong").inner_text() == "high"
    assert ppo.locator("#marac-preview ol li").count() == 14
    ppo.screenshot(path=str(screenshots / "safeguarding-dash.png"), full_page=True)

    supervisor.goto(f"{base_url}/da-cases/E2E-DA-11")
    supervisor.get_by_role("button", name="Sign off").click()
    supervisor.wait_for_url(re.compile(r"done=sign-off$"))
    assert "signed off by supervisor" in supervisor.locator("#sign-off-state").inner_text()
    try_close()
    supervisor.wait_for_url(re.compile(f"/incidents/{ref}"))
    origin = re.match(r"https?://[^/]+", supervisor.url).group(0)  # type: ignore[union-attr]
    assert supervisor.request.get(f"{origin}/api/incidents/{ref}").json()["status"] == "closed"
    for page in (ppo, handler, supervisor):
        page.context.close()


def test_a_missing_child_is_reviewed_found_checked_and_a_pushed_duty_is_acknowledged(
    browser: Any, base_url: str, screenshots: Path
) -> None:
    ppo = _sign_in(browser, base_url, "ppo", "/intake")
    _seed_address(ppo, "12")
    supervisor = _sign_in(browser, base_url, "supervisor", "/missing/E2E-MP-12")
    flags = supervisor.locator("#missing-flags").inner_text()
    assert "child" in flags and "looked-after child" in flags
    assert supervisor.locator("#call-answers li").count() == 12
    supervisor.get_by_label("Risk level").select_option("high")
    supervisor.get_by_label("Rationale").fill("no contact, phone off, known CSE associates")
    supervisor.get_by_role("button", name="Record review").click()
    supervisor.wait_for_url(re.compile(r"done=review$"))
    assert supervisor.locator("#missing-level strong").inner_text() == "high"

    ppo.goto(f"{base_url}/missing/E2E-MP-12")
    for button in ("Record found", "Record safe-and-well check", "Record RHI offered"):
        ppo.get_by_role("button", name=button).click()
        ppo.wait_for_url(re.compile(r"done="))
    timeline = ppo.locator("#missing-timeline").inner_text()
    for step in ("reported missing", "reviewed by supervisor", "found / returned",
                 "safe-and-well check", "return home interview offered"):  # fmt: skip
        assert step in timeline
    ppo.screenshot(path=str(screenshots / "safeguarding-missing.png"), full_page=True)

    # A new duty reaches the officer's open page without a reload, and is acknowledged there.
    ppo.goto(f"{base_url}/intake")  # any page: the alerts panel is on every one
    _api(
        ppo,
        "/api/da-cases",
        {"case_ref": "E2E-DA-12", "victim_ref": "E2E-V-12", "supervisor": "supervisor"},
    )
    ppo.evaluate("document.body.dispatchEvent(new Event('duties-changed'))")  # the poll, now
    alert = ppo.locator("#duty-alerts li", has_text="E2E-DA-12")
    alert.wait_for()
    url_before = ppo.url
    alert.get_by_role("button", name="Acknowledge").click()
    alert.wait_for(state="detached")
    assert ppo.url == url_before  # acknowledged in place
    for page in (ppo, supervisor):
        page.context.close()


def test_an_offender_manager_records_arms_and_a_visit_and_overdue_work_reaches_the_supervisor(
    browser: Any, base_url: str, screenshots: Path
) -> None:
    ppo = _sign_in(browser, base_url, "ppo", "/intake")
    _seed_address(ppo, "13")
    ppo.goto(f"{base_url}/offenders/E2E-RSO-13")
    assert ppo.locator("#offender-mappa").inner_text() == "category 1, level 2"
    form = ppo.locator("#arms-form")
    form.get_by_label("ARMS version").fill("ARMS 2.1")
    form.get_by_label("Risk level").select_option("very-high")
    form.get_by_role("button", name="Record assessment").click()
    ppo.wait_for_url(re.compile(r"done=arms$"))
    assert ppo.locator("#offender-level strong").inner_text() == "very-high"
    before = ppo.locator("#visit-due").inner_text()
    ppo.locator("#visit-form").get_by_role("button", name="Record visit").click()
    ppo.wait_for_url(re.compile(r"done=visit$"))
    assert ppo.locator("#visits li").count() == 1
    assert ppo.locator("#visit-due").inner_text() >= before
    assert int(ppo.locator("#caseload").inner_text().split()[0]) >= 1
    ppo.screenshot(path=str(screenshots / "safeguarding-offender.png"), full_page=True)

    # The demo's history holds overdue duties under the supervisor: they are listed with
    # their owner and a link to the record, and the escalated ones are pushed to the screen.
    supervisor = _sign_in(browser, base_url, "supervisor", "/work/overdue")
    rows = supervisor.locator("#overdue tbody tr[data-duty]")
    assert rows.count() > 0
    assert supervisor.locator("#overdue tbody tr[data-duty] td a").count() > 0
    supervisor.locator("#duty-alerts h2").wait_for()
    supervisor.screenshot(path=str(screenshots / "safeguarding-overdue.png"), full_page=True)
    for page in (ppo, supervisor):
        page.context.close()
