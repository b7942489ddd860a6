"""In a real browser: an SOC officer opens the OCG register and one group; a firearms
commander opens the armed-response analysis; neither sees the other's page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

DEMO_PASSWORD = "demo-{}-2026"  # published demo sign-ins (cli/demo_commands.py)


def _sign_in_to(browser: Any, base_url: str, username: str, target: str) -> Any:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{base_url}{target}")
    assert "/sign-in" in page.url, "a signed-out visitor is sent to sign in"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD.format(username))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(target) + "$"))
    return page


def test_an_soc_officer_sees_every_active_group_its_owner_plan_and_the_orders(
    browser: Any, base_url: str, screenshots: Path
) -> None:
    page = _sign_in_to(browser, base_url, "soc", "/soc")
    assert page.get_by_role("link", name="Organised crime").is_visible()
    assert page.get_by_role("link", name="Armed response").count() == 0
    rows = page.locator("#ocg-table tbody tr")
    assert rows.count() > 0
    states = rows.locator("td:nth-child(3)").all_inner_texts()
    assert set(states) == {"active"}
    owners = rows.locator("td:nth-child(6)").all_inner_texts()
    assert "NO OWNER" not in owners  # no active group is left without an LRO
    assert page.locator("#lro-table tbody tr").count() > 0
    assert page.locator("#scpo-table tbody tr").count() > 0
    page.screenshot(path=str(screenshots / "soc-register.png"), full_page=True)
    first = rows.first.locator("a")
    group_id = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(f"/soc/groups/{group_id}$"))
    assert page.get_by_role("heading", name="Threat score and its reasons").is_visible()
    assert page.get_by_text(re.compile(r"total .* -> band [A-D]")).is_visible()
    form = page.locator("#disruption-form")
    form.get_by_label("Type").select_option("cash-seizure")
    form.get_by_label("Assessed impact").select_option("major")
    form.get_by_label("Summary").fill("cash seized at a safe house")
    form.get_by_role("button", name="Record disruption").click()
    page.wait_for_url(re.compile(r"done=disruption$"))
    assert page.get_by_text("Disruption recorded.").is_visible()
    assert page.get_by_text("cash seized at a safe house").is_visible()
    page.screenshot(path=str(screenshots / "soc-group.png"), full_page=True)
    page.context.close()


def test_a_firearms_commander_opens_the_attendance_analysis(
    browser: Any, base_url: str, screenshots: Path
) -> None:
    page = _sign_in_to(browser, base_url, "firearms", "/armed")
    assert page.get_by_role("heading", name=re.compile("Armed response attendance")).is_visible()
    assert int(page.locator("#armed-deployments").inner_text()) > 0
    assert page.locator("#slowest-areas tbody tr").count() > 0
    assert page.locator("figure.armed-chart svg").count() == 4
    page.screenshot(path=str(screenshots / "armed-response.png"), full_page=True)
    refused = page.goto(base_url + "/soc")
    assert refused is not None and refused.status == 403
    assert page.get_by_text("may not soc read").is_visible()
    page.context.close()
