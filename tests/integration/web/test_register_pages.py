"""The registers' list pages and each role's starting page (issue 5, part 6).

A public protection officer lists open DA cases, missing episodes (with what is due next)
and registered offenders, each row linking to its record and to the person; the closed lists
and an unknown status; roles that may not see a register are refused, never shown an empty
list. Signing in lands each role on a page it may read: no one starts on a refusal.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from tests.integration.web.safeguarding_seed import (
    SUPERVISOR,
    ok,
    report_child_missing,
    seed_one_address,
)

from watchkeeper.access.model import Role
from watchkeeper.persistence.tables import audit_log


def _rows(html: str) -> list[str]:
    table = html.split('id="register-list"')[1]
    body = table.split("<tbody>")[1].split("</tbody>", maxsplit=1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def test_a_public_protection_officer_lists_each_register_and_follows_a_row_to_its_record(
    signed_in, clock
) -> None:
    ppo = signed_in(Role.PUBLIC_PROTECTION)
    seed_one_address(ppo, clock.now().date())
    report_child_missing(ppo, clock.now().isoformat())
    ok(ppo.post("/api/da-cases", json={"case_ref": "DA-1", "victim_ref": "V-1",
                                       "supervisor": SUPERVISOR}), 201)  # fmt: skip

    cases = ppo.get("/da-cases")
    assert cases.status_code == 200 and "1 open" in cases.text
    [case] = _rows(cases.text)
    assert 'href="/da-cases/DA-1"' in case and 'href="/people/V-1">Dana Hughes<' in case
    assert "not yet" in case  # not signed off
    assert 'href="/da-cases/new"' in cases.text

    episodes = ppo.get("/missing")
    [episode] = _rows(episodes.text)
    assert 'href="/missing/MP-1"' in episode and ">Kai Hughes<" in episode
    assert "child, looked after" in episode and " by " in episode  # what is due next

    registered = ppo.get("/offenders")
    [offender] = _rows(registered.text)
    assert 'href="/offenders/RSO-1"' in offender and ">Rob Marsh<" in offender
    assert "category 1, level 2" in offender
    assert ppo.get("/offenders/RSO-1").status_code == 200  # the row's link opens the file

    closed = ppo.get("/da-cases?status=closed")
    assert "0 closed" in closed.text and "No closed cases." in closed.text
    unknown = ppo.get("/missing?status=lost")
    assert unknown.status_code == 400 and "field: status" in unknown.text


def test_the_supervisor_lists_cases_and_episodes_but_not_offenders_and_the_nav_says_so(
    signed_in,
) -> None:
    """(Every role against every list is in test_page_permissions.) The nav offers the
    registers only to roles that may read one, and the board only to roles that may."""
    supervisor, handler = signed_in(Role.SUPERVISOR), signed_in(Role.CALL_HANDLER)
    assert supervisor.get("/missing").status_code == 200
    refused = supervisor.get("/offenders")
    assert refused.status_code == 403 and "may not" in refused.text
    listed = supervisor.get("/da-cases").text
    assert 'href="/offenders"' not in listed.split('id="registers-nav"')[1].split("</nav>")[0]
    assert ">Registers<" in listed and ">Registers<" not in handler.get("/board").text
    ppo_nav = signed_in(Role.PUBLIC_PROTECTION).get("/work").text.split("</nav>")[0]
    assert ">Backlog board<" not in ppo_nav and ">Registers<" in ppo_nav


STARTS = {
    Role.CALL_HANDLER: "/board",
    Role.DISPATCHER: "/board",
    Role.SUPERVISOR: "/board",
    Role.PUBLIC_PROTECTION: "/work",
    Role.SOC_OFFICER: "/soc",
    Role.FIREARMS_COMMANDER: "/board",
    Role.ANALYST: "/board",
    Role.AUDITOR: "/assessment",
    Role.ADMINISTRATOR: "/",
}


def test_each_role_starts_on_a_page_it_may_read(signed_in) -> None:
    """After signing in (``/``), the control room lands on the board, public protection on
    its work, SOC officers on the SOC register; a role with no pages is told where its work
    is, and no one is sent to a refusal."""
    assert set(STARTS) == set(Role)
    for role, start in STARTS.items():
        landed = signed_in(role).get("/")
        assert (landed.status_code, landed.url.path) == (200, start), role
    no_pages = signed_in(Role.ADMINISTRATOR).get("/").text
    assert 'id="no-pages"' in no_pages and "/api/openapi.json" in no_pages


def test_an_officer_decides_a_suggested_duplicate_from_the_page_and_nothing_is_merged(
    signed_in, application
) -> None:
    """Two records of one Rhys Cooper (a typo and the same birth date) are suggested; the
    page shows both side by side with the reasons; a decision without a rationale is refused
    (nothing recorded); with one it is recorded and the pair leaves the list, both records
    still there. A supervisor may look but not decide."""
    ppo = signed_in(Role.PUBLIC_PROTECTION)
    for ref, given in (("P-1", "Rhys"), ("P-2", "Rhyss")):
        body = {"person_ref": ref, "names": [{"given": given, "family": "Cooper"}],
                "date_of_birth": "1990-03-04"}  # fmt: skip
        ok(ppo.post("/api/people", json=body), 201)
    page = ppo.get("/duplicates")
    assert page.status_code == 200 and "1 waiting for a decision" in page.text
    row = page.text.split('id="duplicate-list"')[1]
    assert ">Rhyss Cooper<" in row and ">Rhys Cooper<" in row and "born 1990-03-04" in row
    assert "date of birth matches" in row
    suggestion_id = re.search(r'name="suggestion_id" value="(\d+)"', row).group(1)
    decide = {"suggestion_id": suggestion_id, "decision": "same-person"}
    blank = ppo.post("/duplicates/decision", data=decide | {"rationale": "  "})
    assert blank.status_code == 400 and "Rationale is required" in blank.text
    assert len(ok(ppo.get("/api/match-suggestions"))) == 1  # still waiting
    supervisor = signed_in(Role.SUPERVISOR)
    assert supervisor.get("/duplicates").status_code == 200
    assert 'action="/duplicates/decision"' not in supervisor.get("/duplicates").text
    denied = supervisor.post("/duplicates/decision", data=decide | {"rationale": "same DOB"})
    assert denied.status_code == 403
    done = ppo.post("/duplicates/decision", data=decide | {"rationale": "same DOB, typo"},
                    follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/duplicates?done=decided"
    after = ppo.get(done.headers["location"]).text
    assert "Decision recorded; nothing was merged." in after and "No suggestions waiting." in after
    assert ok(ppo.get("/api/people/P-2"))["names"] == ["Rhyss Cooper"]  # not merged
    for bad in ("2147483648", "\u0661", "-1", "0"):  # past the id column, non-ASCII, not one
        refused_id = ppo.post("/duplicates/decision", data=decide | {"suggestion_id": bad,
                                                                     "rationale": "r"})  # fmt: skip
        assert refused_id.status_code == 400 and "suggestion_id" in refused_id.text, bad
    with application.engine.connect() as c:
        audited = {(r.username, r.action) for r in c.execute(sa.select(audit_log))}
    assert (Role.PUBLIC_PROTECTION.value, "match-suggestion.list") in audited
    assert (Role.PUBLIC_PROTECTION.value, "match-suggestion.decide") in audited
