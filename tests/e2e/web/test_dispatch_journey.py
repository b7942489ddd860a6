"""A dispatcher in a real browser: reads the breach outlook on the board, opens the
recommended unit's reasons, and accepts the recommendation from the incident page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

DEMO_PASSWORD = "demo-{}-2026"  # published demo sign-ins (cli/demo_commands.py)


def _sign_in(browser: Any, base_url: str, username: str) -> Any:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD.format(username))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/board$"))
    return page


def test_a_dispatcher_accepts_a_recommended_unit_and_the_log_says_why(
    browser: Any, base_url: str, screenshots: Path
) -> None:
    page = _sign_in(browser, base_url, "dispatcher")
    header = page.get_by_role("columnheader", name="Breach outlook")
    header.wait_for(state="visible")  # the live table is swapped in every few seconds
    assert header.is_visible()
    picked = page.locator("tr.row:has(.unit-pick)").first
    incident = str(picked.get_attribute("data-incident"))
    unit = picked.locator(".unit-pick").inner_text().split(",")[0].strip()
    picked.locator(".recommended-unit summary").click()
    assert picked.locator('.recommended-unit li[data-code="travel-estimate"]').first.is_visible()
    page.screenshot(path=str(screenshots / "dispatch-board.png"), full_page=False)

    page.goto(f"{base_url}/incidents/{incident}")
    assert page.locator("#dispatch").get_by_text(unit).first.is_visible()
    page.get_by_role("button", name=f"Accept: send {unit}").click()
    page.wait_for_url(re.compile(r"done=dispatch-accept"))

    assert page.get_by_text("Recommended unit sent.").is_visible()
    assert page.get_by_text(
        re.compile(rf"{re.escape(unit)}.*recommended \(risk")
    ).first.is_visible()
    page.screenshot(path=str(screenshots / "dispatch-accepted.png"), full_page=True)
    page.goto(f"{base_url}/units")
    row = page.locator(f'tr[data-unit="{unit}"]')
    assert "assigned" in row.inner_text() and incident in row.inner_text()
    page.context.close()
