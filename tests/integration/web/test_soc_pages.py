"""The SOC pages' forms: registers written from the pages by an SOC officer, refused for other
roles and forged tokens (nothing written), bad input shown next to its field (4xx, never 500),
members checked against the nominal index (suggestions first, never a silent merge), and the
firearms commander deriving deployments from the incident log.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from watchkeeper.access.model import Actor, Role
from watchkeeper.incidents.entries import (
    Arrived,
    CallSource,
    FirearmsAuthorised,
    Location,
    Opened,
    ResourceAssigned,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.organised_crime.scpo import ScpoOrder, Term
from watchkeeper.people.model import Person, PersonName
from watchkeeper.persistence.repository import SqlIncidentRepository
from watchkeeper.persistence.unit_store import SqlUnitStore

SOC = Actor(Role.SOC_OFFICER.value, Role.SOC_OFFICER, channel="web")


@pytest.fixture
def group_id(application, accounts) -> str:
    group = application.soc.register.register_group(SOC, "Ridge Lane", ("drug-supply",), ("north",))
    return group.group_id


@pytest.fixture
def order_id(application, accounts, clock) -> str:
    today = clock.now().date()
    order = ScpoOrder("SCPO-9", "P-77", "crown-court", today - timedelta(days=30),
                      today - timedelta(days=30), today + timedelta(days=700), "dc.lee", 28,
                      (Term("T1", "no more than one mobile phone", today - timedelta(days=30),
                            today + timedelta(days=700)),))  # fmt: skip
    return application.soc.scpo.make_order(SOC, order).order_id


def _field_error(html: str, form_id: str, field: str) -> str:
    found = re.search(rf'id="{form_id}-{field}-error">([^<]*)<', html)
    assert found, f"no message next to {form_id}.{field}"
    return found.group(1)


def test_an_soc_officer_records_a_group_from_the_register_page(signed_in, application) -> None:
    soc = signed_in(Role.SOC_OFFICER)
    assert 'id="group-form"' in soc.get("/soc").text
    done = soc.post("/soc/groups", data={"name": "Canal Crew", "activities": "drug-supply, fraud",
                                         "reach": "north, south"}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    target = done.headers["location"]
    assert re.match(r"/soc/groups/OCG-[0-9A-F]+\?done=registered$", target)
    page = soc.get(target)
    assert "Group entered on the register." in page.text and "drug-supply, fraud" in page.text
    bad = soc.post("/soc/groups", data={"name": "Nameless", "activities": " , "})
    assert bad.status_code == 400
    assert "criminal activity" in _field_error(bad.text, "group-form", "activities")
    assert 'value="Nameless"' in bad.text  # what was typed is kept
    assert soc.get("/soc?every=true").text.count("Canal Crew") == 1  # nothing else written


def test_other_roles_and_forged_tokens_are_refused_and_nothing_is_written(
    signed_in, application, group_id
) -> None:
    for role in (Role.DISPATCHER, Role.FIREARMS_COMMANDER, Role.PUBLIC_PROTECTION):
        client = signed_in(role)
        refused = client.post("/soc/groups", data={"name": "X", "activities": "fraud"})
        assert refused.status_code == 403 and "may not soc manage" in refused.text
        refused = client.post(f"/soc/groups/{group_id}/disruptions", data={
            "kind": "arrest", "impact": "minor", "strand": "pursue", "summary": "x"})  # fmt: skip
        assert refused.status_code == 403
    soc = signed_in(Role.SOC_OFFICER)
    del soc.headers["x-csrf-token"]
    forged = soc.post(f"/soc/groups/{group_id}/disruptions", data={
        "csrf_token": "forged", "kind": "arrest", "impact": "minor", "strand": "pursue",
        "summary": "x"})  # fmt: skip
    assert forged.status_code == 403
    group = application.soc.register.show_group(SOC, group_id).group
    assert group.disruptions == ()
    assert [v.group.name for v in application.soc.register.list_groups(SOC)] == ["Ridge Lane"]


def test_lro_disruption_plan_and_action_from_the_group_page(signed_in, group_id, clock) -> None:
    soc = signed_in(Role.SOC_OFFICER)
    base = f"/soc/groups/{group_id}"
    ok = soc.post(f"{base}/lro", data={"officer": "di.khan", "reason": "tasking"})
    assert ok.status_code == 200 and "Lead responsible officer recorded." in ok.text
    missing = soc.post(f"{base}/lro", data={"officer": "di.khan", "reason": " "})
    assert missing.status_code == 400
    assert "Reason is required" in _field_error(missing.text, "lro-form", "reason")
    wrong = soc.post(f"{base}/disruptions", data={"kind": "arrest", "impact": "enormous",
                                                  "strand": "pursue", "summary": "raid"})  # fmt: skip
    assert wrong.status_code == 400 and "enormous" in _field_error(wrong.text, "disruption-form",
                                                                   "impact")  # fmt: skip
    done = soc.post(f"{base}/disruptions", data={"kind": "arrest", "impact": "minor",
                                                 "strand": "pursue", "summary": "two arrested"})  # fmt: skip
    assert "Disruption recorded." in done.text and "two arrested" in done.text
    assert 'id="action-form"' not in done.text  # no plan yet: the action form waits for one
    empty = soc.post(f"{base}/plan", data={"objective_pursue": " "})
    assert empty.status_code == 400 and "objective" in _field_error(empty.text, "plan-form",
                                                                    "objective_pursue")  # fmt: skip
    planned = soc.post(f"{base}/plan", data={"objective_pursue": "arrest the principals"})
    assert "4P plan recorded." in planned.text and 'id="action-form"' in planned.text
    past = (clock.now() - timedelta(days=3)).date().isoformat()
    late = soc.post(f"{base}/actions", data={"strand": "pursue", "description": "warrant",
                                             "owner": "dc.a", "supervisor": "di.b", "due_on": past})  # fmt: skip
    assert late.status_code == 400 and "due" in _field_error(late.text, "action-form", "due_on")
    due = (clock.now() + timedelta(days=14)).date().isoformat()
    added = soc.post(f"{base}/actions", data={"strand": "pursue", "description": "search warrant",
                                              "owner": "dc.a", "supervisor": "di.b", "due_on": due})  # fmt: skip
    assert added.status_code == 200 and "4P action added." in added.text
    assert "search warrant" in added.text


def test_a_member_is_checked_against_the_nominal_index_before_anything_is_written(
    signed_in, application, group_id
) -> None:
    people = application.safeguarding.people
    people.record_person(SOC, Person("P-501", (PersonName("Jordan", "Reilly"),), date(1994, 6, 2)))
    people.record_person(SOC, Person("P-502", (PersonName("Dana", "Okafor"),), date(1988, 1, 9)))
    soc = signed_in(Role.SOC_OFFICER)
    base = f"/soc/groups/{group_id}/members"
    asked = {"given": "Jordon", "family": "Reilly", "date_of_birth": "1994-06-02",
             "role": "principal"}  # fmt: skip
    first = soc.post(base, data=asked)
    assert first.status_code == 200
    assert 'id="member-suggestions"' in first.text and 'value="P-501"' in first.text
    assert 'value="P-502"' not in first.text and 'value="new"' in first.text
    assert application.soc.register.show_group(SOC, group_id).group.members == ()  # no write
    forged_choice = soc.post(base, data=asked | {"choice": "P-502"})  # not a suggestion
    assert forged_choice.status_code == 400
    assert "choose one of the suggested" in _field_error(
        forged_choice.text, "member-form", "choice"
    )
    picked = soc.post(base, data=asked | {"choice": "P-501"})
    assert picked.status_code == 200 and "Member added." in picked.text
    members = application.soc.register.show_group(SOC, group_id).group.members
    assert [(m.person_ref, m.role) for m in members] == [("P-501", "principal")]
    fresh = {"given": "Sam", "family": "Thorne", "date_of_birth": "", "role": "associate"}
    shown = soc.post(base, data=fresh)
    assert "No one on the index matches these details." in shown.text
    added = soc.post(base, data=fresh | {"choice": "new"})
    assert "Member added." in added.text
    members = application.soc.register.show_group(SOC, group_id).group.members
    new_ref = members[-1].person_ref
    assert re.match(r"P-[0-9A-F]+$", new_ref)
    assert people.show_person(SOC, new_ref).person.primary_name == PersonName("Sam", "Thorne")
    future = soc.post(base, data=fresh | {"date_of_birth": "2999-01-01"})
    assert future.status_code == 400
    assert "future" in _field_error(future.text, "member-form", "date_of_birth")
    bad_date = soc.post(base, data=fresh | {"date_of_birth": "31/02/1990"})
    assert bad_date.status_code == 400 and "YYYY-MM-DD" in bad_date.text


def test_scpo_decision_check_and_breach_from_the_pages(signed_in, application, order_id, clock):
    application.soc.scpo.flag_case(SOC, "CASE-1", "P-77", "MDA1971-s4(3)", "charged")
    soc = signed_in(Role.SOC_OFFICER)
    register = soc.get("/soc").text
    assert 'id="decide-CASE-1"' in register and f'href="/soc/orders/{order_id}"' in register
    no_reason = soc.post("/soc/cases/CASE-1/decision", data={"decision": "apply", "reason": ""})
    assert no_reason.status_code == 400
    assert "Reason is required" in _field_error(no_reason.text, "decide-CASE-1", "reason")
    decided = soc.post("/soc/cases/CASE-1/decision",
                       data={"decision": "apply", "reason": "Sch 1 drug trafficking, 4+ years likely"})  # fmt: skip
    assert decided.status_code == 200 and "decision recorded" in decided.text
    again = soc.post("/soc/cases/CASE-1/decision", data={"decision": "apply", "reason": "again"})
    assert again.status_code == 400  # decided meanwhile: its form is gone, the message is shown
    assert "already decided" in re.search(r'id="decide-error">([^<]*)<', again.text).group(1)
    base = f"/soc/orders/{order_id}"
    assert soc.get(base).status_code == 200
    checked = soc.post(f"{base}/checks", data={"outcome": "compliant", "note": "phone seen"})
    assert checked.status_code == 200 and "Compliance check recorded." in checked.text
    assert "phone seen" in checked.text
    odd = soc.post(f"{base}/checks", data={"outcome": "fine"})
    assert odd.status_code == 400 and "fine" in _field_error(odd.text, "check-form", "outcome")
    yesterday = (clock.now() - timedelta(days=1)).date().isoformat()
    breach = soc.post(f"{base}/breaches", data={"term_id": "T1", "occurred_on": yesterday,
                                                "summary": "second phone found"})  # fmt: skip
    assert breach.status_code == 200 and "Breach recorded" in breach.text
    assert "not yet referred" in breach.text
    unknown_term = soc.post(f"{base}/breaches", data={"term_id": "T9", "occurred_on": yesterday,
                                                      "summary": "x"})  # fmt: skip
    assert unknown_term.status_code == 400
    assert "T9" in _field_error(unknown_term.text, "breach-form", "term_id")
    firearms = signed_in(Role.FIREARMS_COMMANDER)
    assert firearms.post(f"{base}/checks", data={"outcome": "compliant"}).status_code == 403
    order = application.soc.scpo.show_order(SOC, order_id).order
    assert len(order.checks) == 1 and len(order.breaches) == 1


def test_the_commander_derives_deployments_from_the_log_on_the_armed_page(
    signed_in, application, clock
) -> None:
    t0 = clock.now() - timedelta(days=2)
    opened = Opened(CallSource.EMERGENCY_999, Location("1 High St", "north"), "weapons")
    log = Incident.open(IncidentId("INC-ARMED"), opened, t0, "handler", t0)
    for minutes, payload in ((1, ResourceAssigned("ARV-7")), (2, FirearmsAuthorised("Insp 1")),
                             (11, Arrived("ARV-7"))):  # fmt: skip
        log.record(payload, t0 + timedelta(minutes=minutes), "dispatcher", t0)
    from watchkeeper.dispatch.register import RegisteredUnit
    from watchkeeper.dispatch.units import UnitKind, UnitStatus

    with application.engine.begin() as c:
        SqlUnitStore(c).add(RegisteredUnit("ARV-7", UnitKind.VEHICLE, frozenset({"arv"}), 2,
                                           "north", None, None, UnitStatus.AVAILABLE, None, t0))  # fmt: skip
        SqlIncidentRepository(c).add(log)
    firearms = signed_in(Role.FIREARMS_COMMANDER)
    assert 'id="derive-form"' in firearms.get("/armed").text
    first = firearms.post("/armed/derive")
    assert first.status_code == 200 and "1 added, 0 updated" in first.text
    assert re.search(r'id="armed-deployments">1<', first.text)
    again = firearms.post("/armed/derive")
    assert "0 added, 0 updated" in again.text and re.search(
        r'id="armed-deployments">1<', again.text
    )
    soc = signed_in(Role.SOC_OFFICER)
    assert soc.post("/armed/derive").status_code == 403


def test_the_control_room_logs_the_authority_and_the_commander_derives_through_the_api(
    signed_in, supervisor, log_incident, application, clock
) -> None:
    from watchkeeper.dispatch.register import RegisteredUnit
    from watchkeeper.dispatch.units import UnitKind, UnitStatus

    with application.engine.begin() as c:
        SqlUnitStore(c).add(RegisteredUnit("ARV-3", UnitKind.VEHICLE, frozenset({"arv"}), 2,
                                           "central", None, None, UnitStatus.AVAILABLE, None,
                                           clock.now()))  # fmt: skip
    ref = log_incident(supervisor, category="weapons")["incident_id"]
    dispatcher = signed_in(Role.DISPATCHER)
    base = f"/api/incidents/{ref}"
    assert dispatcher.post(f"{base}/assign", json={"unit": "ARV-3"}).status_code == 200
    blank = dispatcher.post(f"{base}/firearms-authorised", json={"authorised_by": "  "})
    assert blank.status_code == 422 and "authorised_by" in blank.json()["message"]
    clock.advance(timedelta(minutes=2))
    logged = dispatcher.post(f"{base}/firearms-authorised",
                             json={"authorised_by": "Insp 4412", "basis": "knife seen"})  # fmt: skip
    assert logged.status_code == 200, logged.text
    assert any("authorised by Insp 4412: knife seen" in e["text"]
               for e in logged.json()["entries"])  # fmt: skip
    call_handler = signed_in(Role.CALL_HANDLER)
    refused = call_handler.post(f"{base}/firearms-authorised", json={"authorised_by": "Insp 1"})
    assert refused.status_code == 403
    clock.advance(timedelta(minutes=9))
    assert dispatcher.post(f"{base}/arrive", json={"unit": "ARV-3"}).status_code == 200
    firearms = signed_in(Role.FIREARMS_COMMANDER)
    derived = firearms.post("/api/armed/derive")
    assert derived.status_code == 200, derived.text
    assert derived.json() | {"skipped": []} == {"armed_incidents": 1, "added": 1, "updated": 0,
                                                "unchanged": 0, "entered_by_hand": 0,
                                                "skipped": []}  # fmt: skip
    analysis = firearms.get("/api/armed/analysis").json()
    assert analysis["attended"] == 1
    assert dispatcher.post("/api/armed/derive").status_code == 403


def test_a_member_known_only_by_an_apparent_age_is_matched_to_the_nominal_it_fits(
    signed_in, application, group_id, clock
) -> None:
    """No date of birth, "aged 25 to 35": the Jordan Reilly born 1994 is suggested, the one
    born 1961 is not, and the new nominal keeps the estimate as birth years. An age with a
    date, an age backwards or not a number: refused next to its field, nothing written."""
    people = application.safeguarding.people
    people.record_person(SOC, Person("P-501", (PersonName("Jordan", "Reilly"),), date(1994, 6, 2)))
    people.record_person(SOC, Person("P-503", (PersonName("Jordan", "Reilly"),), date(1961, 2, 8)))
    soc = signed_in(Role.SOC_OFFICER)
    base = f"/soc/groups/{group_id}/members"
    asked = {"given": "Jordan", "family": "Reilly", "date_of_birth": "", "age_from": "25",
             "age_to": "35", "role": "associate"}  # fmt: skip
    first = soc.post(base, data=asked)
    assert first.status_code == 200
    assert 'value="P-501"' in first.text and 'value="P-503"' not in first.text
    assert "apparent age fits" in first.text
    assert application.soc.register.show_group(SOC, group_id).group.members == ()
    added = soc.post(base, data=asked | {"choice": "new"})
    assert "Member added." in added.text
    new_ref = application.soc.register.show_group(SOC, group_id).group.members[-1].person_ref
    year = clock.now().year
    estimate = people.show_person(SOC, new_ref).person.estimated_birth
    assert estimate is not None and (estimate.earliest, estimate.latest) == (year - 36, year - 25)
    assert f"born {year - 36}-{year - 25} (estimated)" in soc.get(f"/people/{new_ref}").text
    for field, posted, words in (
        ("age_from", {"date_of_birth": "1994-06-02"}, "not both"),
        ("age_to", {"age_to": "20"}, "younger than"),
        ("age_from", {"age_from": "about 30"}, "whole number"),
        ("age_from", {"age_from": "\u00b2"}, "whole number"),  # a digit int() cannot read
        ("age_to", {"age_to": "126"}, "up to 125"),
    ):
        refused = soc.post(base, data=asked | posted)
        assert refused.status_code == 400, refused.text
        assert words in _field_error(refused.text, "member-form", field)
    assert len(application.soc.register.show_group(SOC, group_id).group.members) == 1
