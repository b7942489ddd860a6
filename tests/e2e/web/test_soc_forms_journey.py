"""In a real browser: an SOC officer records a group from the register page, adds a member
after checking the nominal index (confirming a new nominal), sees that member suggested for
someone known only by an apparent age, then records a disruption, and a mistyped field comes
back with its message beside it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

DEMO_PASSWORD = "demo-{}-2026"  # published demo sign-ins (cli/demo_commands.py)


def test_an_soc_officer_records_a_group_a_member_and_a_disruption_from_the_pages(
    browser: Any, base_url: str, screenshots: Path
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{base_url}/soc")
    page.get_by_label("Username").fill("soc")
    page.get_by_label("Password").fill(DEMO_PASSWORD.format("soc"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/soc$"))

    form = page.locator("#group-form")
    form.get_by_label("Name", exact=True).fill("Harbour Road Crew")
    form.get_by_label("Criminal activities (comma-separated)").fill("drug-supply, money-laundering")
    form.get_by_label("Geographic reach (areas, comma-separated)").fill("Coventry")
    form.get_by_role("button", name="Record group").click()
    page.wait_for_url(re.compile(r"/soc/groups/OCG-[0-9A-F]+\?done=registered$"))
    assert page.get_by_text("Group entered on the register.").is_visible()

    member = page.locator("#member-form")
    member.get_by_label("Given name").fill("Kieran")
    member.get_by_label("Family name").fill("Ashdown-Vale")
    member.get_by_label("Date of birth (if known)").fill(f"{date.today().year - 35}-05-01")
    member.get_by_label("Role in the group").select_option("principal")
    member.get_by_role("button", name="Check the index").click()
    suggestions = page.locator("#member-suggestions")
    assert suggestions.is_visible()
    suggestions.get_by_label("None of these: record a new nominal").check()
    page.locator("#member-form").get_by_role("button", name="Add member").click()
    page.wait_for_url(re.compile(r"done=member$"))
    known = page.get_by_text(re.compile(r"P-[0-9A-F]+ \(principal\)"))
    assert known.is_visible()
    known_ref = known.inner_text().split(" ")[0]
    group_page = page.url.split("?")[0]

    # Known only by the age he gave: the index suggests the Kieran born 35 years ago.
    member = page.locator("#member-form")
    member.get_by_label("Given name").fill("Kieran")
    member.get_by_label("Family name").fill("Ashdown-Vale")
    member.get_by_label("Apparent age, if no date of birth: from").fill("30")
    member.get_by_label("Apparent age, to").fill("40")
    member.get_by_role("button", name="Check the index").click()
    suggested = page.locator("#member-suggestions").get_by_text(known_ref)
    assert suggested.is_visible()
    assert "apparent age fits" in suggested.inner_text()
    page.goto(group_page)  # leave without adding anyone

    disruption = page.locator("#disruption-form")
    disruption.get_by_label("Type").select_option("cash-seizure")
    disruption.get_by_label("4P strand").select_option("pursue")
    disruption.get_by_label("Assessed impact").select_option("moderate")
    disruption.get_by_label("Summary").fill("cash seized at the harbour lock-up")
    disruption.get_by_role("button", name="Record disruption").click()
    page.wait_for_url(re.compile(r"done=disruption$"))
    assert page.get_by_text("Disruption recorded.").is_visible()
    assert page.get_by_text("cash seized at the harbour lock-up").is_visible()

    lro = page.locator("#lro-form")
    lro.get_by_label("Officer", exact=True).fill("ds.patel")
    lro.get_by_label("Reason", exact=True).fill(
        "   "
    )  # blank once trimmed: the server says so, by the field
    lro.get_by_role("button", name="Record LRO").click()
    assert (
        page.locator("#lro-form-reason-error").inner_text() == "Reason is required (field: reason)"
    )
    assert page.locator("#lro-officer").input_value() == "ds.patel"  # what was typed is kept
    page.screenshot(path=str(screenshots / "soc-forms.png"), full_page=True)
    context.close()
