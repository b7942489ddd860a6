"""In a real browser, a public protection officer does the DA work from the pages alone
(issue 5): opens the case from the incident, answers the DASH rendered from its form data
(yes / no / not known), sees a lowering judgement refused next to its field, raises the
level with a rationale, and a supervisor signs it off; then records a review trigger on the
offender at the address and the risk review it owes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.web.test_safeguarding_journeys import ADDRESS_TEXT, _api, _seed_address, _sign_in

pytestmark = pytest.mark.slow


def test_a_dash_is_completed_from_the_pages_and_signed_off(
    browser: Any, base_url: str, screenshots: Path
) -> None:
    ppo = _sign_in(browser, base_url, "ppo", "/intake")
    _seed_address(ppo, "21")
    handler = _sign_in(browser, base_url, "handler", "/intake")
    incident = _api(handler, "/api/incidents", {
        "source": "999", "location": {"text": f"21 {ADDRESS_TEXT}", "area": "central"},
        "category": "domestic-abuse", "grade_label": "P2", "markers": ["domestic-abuse"],
        "caller": {"name": "D Hughes", "phone": "", "person_ref": "E2E-V-21"},
        "summary": "raised voices, caller frightened"})["incident_id"]  # fmt: skip
    handler.context.close()

    # From the incident, open the case: the victim and incident come from the log.
    ppo.goto(f"{base_url}/incidents/{incident}")
    ppo.get_by_role("link", name="Open a domestic-abuse case from this incident").click()
    ppo.wait_for_url(re.compile(r"/da-cases/new\?incident="))
    assert ppo.get_by_label("Victim").input_value() == "E2E-V-21"
    ppo.get_by_label("Case reference").fill("E2E-DA-21")
    ppo.get_by_label("Supervisor", exact=True).fill("supervisor")
    ppo.get_by_role("button", name="Open case").click()
    ppo.wait_for_url(re.compile(r"/da-cases/E2E-DA-21\?done=opened$"))

    # The DASH, rendered from the form data: 11 yes, 3 not known, the rest no.
    questions = ppo.locator("#section-main fieldset.dash-answer")
    assert questions.count() == 27
    for i in range(27):
        answer = "Yes" if i < 11 else "Not known" if i < 14 else "No"
        questions.nth(i).get_by_label(answer, exact=True).check()
    ppo.get_by_role("button", name="Record DASH").click()
    ppo.wait_for_url(re.compile(r"done=dash$"))
    assert ppo.locator("#risk-level strong").inner_text() == "medium"  # not known is not yes
    assert "Answered not known (3" in ppo.locator("#not-known").inner_text()

    # Judgement may raise, never lower: the refusal is shown at the field, nothing recorded.
    form = ppo.locator("#judgement-form")
    form.get_by_label("Raise the level to").select_option("standard")
    form.get_by_label("Rationale").fill("victim now calmer")
    form.get_by_role("button", name="Raise the level").click()
    refusal = ppo.locator("#judgement-judgement_level-error")
    refusal.wait_for()
    assert "never lower" in refusal.inner_text()
    assert ppo.locator("#risk-level strong").inner_text() == "medium"
    form = ppo.locator("#judgement-form")
    form.get_by_label("Raise the level to").select_option("high")
    form.get_by_label("Rationale").fill("separation, strangulation and threats to kill")
    form.get_by_role("button", name="Raise the level").click()
    ppo.wait_for_url(re.compile(r"done=judgement$"))
    assert ppo.locator("#risk-level strong").inner_text() == "high"
    ppo.screenshot(path=str(screenshots / "safeguarding-dash-from-pages.png"), full_page=True)

    supervisor = _sign_in(browser, base_url, "supervisor", "/da-cases/E2E-DA-21")
    supervisor.get_by_role("button", name="Sign off").click()
    supervisor.wait_for_url(re.compile(r"done=sign-off$"))
    assert "signed off by supervisor" in supervisor.locator("#sign-off-state").inner_text()

    # The registers' lists: the case just signed off is there, and the offender's row opens
    # the file, reached from the nav, not typed.
    ppo.get_by_role("navigation", name="Main").get_by_role("link", name="Registers").click()
    ppo.wait_for_url(re.compile(r"/da-cases$"))
    case_row = ppo.locator("#register-list tr", has=ppo.get_by_role("link", name="E2E-DA-21"))
    assert "supervisor" in case_row.inner_text()  # signed off, by whom
    ppo.get_by_role("navigation", name="Registers").get_by_role(
        "link", name="Registered offenders"
    ).click()
    ppo.wait_for_url(re.compile(r"/offenders$"))
    # A review trigger on the offender at the address owes the manager a risk review (part 4).
    ppo.locator("#register-list").get_by_role("link", name="E2E-RSO-21").click()
    ppo.wait_for_url(re.compile(r"/offenders/E2E-RSO-21$"))
    trigger = ppo.locator("#trigger-form")
    trigger.get_by_label("Trigger").select_option("new-intelligence")
    trigger.get_by_label("Summary").fill("seen near a school")
    trigger.get_by_role("button", name="Record trigger").click()
    ppo.wait_for_url(re.compile(r"done=trigger$"))
    assert "Risk review owed" in ppo.locator("#review-due").inner_text()
    review = ppo.locator("#risk-review-form")
    review.get_by_label("Outcome").select_option("plan-confirmed")
    review.get_by_label("Rationale").fill("plan stands")
    review.get_by_role("button", name="Record review").click()
    ppo.wait_for_url(re.compile(r"done=risk-review$"))
    assert "No risk review owed." in ppo.locator("#review-due").inner_text()
    for page in (ppo, supervisor):
        page.context.close()
