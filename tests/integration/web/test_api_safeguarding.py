"""The safeguarding API end to end, on SQLite and PostgreSQL: the issue's "done when" journey
(intake shows a DA case, a registered offender and a missing child at one address; the DASH
rule blocks the close; overdue reviews reach the right supervisor), each register's refusals
(409 naming the rule, 422 naming the field, never 500, nothing written) and the audit trail.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.integration.web.conftest import SESSION_HOURS, QuickHasher
from tests.integration.web.safeguarding_seed import (
    ADDRESS_TEXT,
    CALL_KEYS,
    PPO,
    SUPERVISOR,
    dash_answers,
    ok,
    refused,
    report_child_missing,
    seed_one_address,
)

from watchkeeper.access.model import Role
from watchkeeper.bootstrap import Application, build
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.persistence import schema
from watchkeeper.persistence.tables import audit_log
from watchkeeper.settings import settings_from_env


@pytest.fixture
def application(database_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Application]:
    """As the web conftest's, but on each engine (SQLite always, PostgreSQL when configured)."""
    schema.upgrade(database_url)
    env = {"WATCHKEEPER_AUDIT_KEY_FILE": str(tmp_path / "audit.key")}
    settings = dataclasses.replace(
        settings_from_env(env),
        database_url=database_url,
        audit_head_file=tmp_path / "audit.head",
        session_idle_minutes=SESSION_HOURS * 60,
        session_absolute_hours=SESSION_HOURS,
    )
    built = build(settings, clock=clock, hasher=QuickHasher())
    yield built
    built.close()


def test_intake_shows_all_three_the_dash_rule_blocks_the_close_and_overdue_reaches_the_supervisor(
    signed_in, clock, log_incident
):
    ppo, handler = signed_in(Role.PUBLIC_PROTECTION), signed_in(Role.CALL_HANDLER)
    supervisor = signed_in(Role.SUPERVISOR)
    today = clock.now().date()
    seed_one_address(ppo, today)
    episode = report_child_missing(ppo, (clock.now() - timedelta(minutes=30)).isoformat())
    assert episode["is_child"] and episode["looked_after"] and episode["risk"] == "medium"
    assert episode["next_due"]["kind"] and episode["duties"][0]["supervisor"] == SUPERVISOR

    # A call handler logs a domestic incident at the address; the victim is the caller.
    incident = log_incident(
        handler, location={"text": ADDRESS_TEXT, "area": "central"}, markers=["domestic-abuse"],
        caller={"name": "D Hughes", "phone": "", "person_ref": "V-1"},
    )  # fmt: skip
    ref = incident["incident_id"]
    ok(ppo.post("/api/da-cases", json={"case_ref": "DA-1", "victim_ref": "V-1", "supervisor": SUPERVISOR,
                                        "incident_id": ref, "address_ref": "A-1"}), 201)  # fmt: skip
    known = ok(handler.get("/api/intake", params={"address": ADDRESS_TEXT, "person": "V-1"}))
    registers = {k["register"]: k for k in known["known"]}
    assert set(registers) == {"domestic-abuse", "missing-person", "registered-offender"}
    assert registers["missing-person"]["link"] == "/missing/MP-1"
    assert "looked-after child" in registers["missing-person"]["summary"]
    on_incident = ok(handler.get(f"/api/incidents/{ref}"))["known"]
    assert {k["register"] for k in on_incident} == set(registers)

    # The DASH rule: no close until the DASH is completed and signed off by a supervisor.
    close = {"closing_category": "advice"}
    blocked = refused(supervisor.post(f"/api/incidents/{ref}/close", json=close), 409, "DASH")
    assert blocked["code"] == "rule_violation"
    outcome = ok(ppo.post("/api/da-cases/DA-1/dash", json={"answers": dash_answers(14)}), 201)
    assert outcome["assessment"]["yes_count"] == 14 and outcome["assessment"]["level"] == "high"
    assert outcome["marac_criteria"] == ["visible-high-risk"]
    refused(supervisor.post(f"/api/incidents/{ref}/close", json=close), 409, "DASH")
    refused(ppo.post("/api/da-cases/DA-1/sign-off", json={}), 403)  # not a supervisor
    signed = ok(supervisor.post("/api/da-cases/DA-1/sign-off", json={"note": "agreed"}))
    assert signed["signed_off_by"] == SUPERVISOR
    referral = ok(ppo.post("/api/da-cases/DA-1/marac"), 201)["referral"]
    assert referral["yes_count"] == 14 and referral["victim_ref"] == "V-1"
    assert len(referral["yes_answers"]) == 14  # pre-filled from the answers, never re-typed
    ok(supervisor.post(f"/api/incidents/{ref}/close", json=close))

    # Overdue reviews reach the episode's supervisor, and only theirs.
    clock.advance(timedelta(hours=8))
    supervisor = signed_in(Role.SUPERVISOR)
    overdue = ok(supervisor.get("/api/duties/overdue"))
    assert [(d["subject_ref"], d["kind"]) for d in overdue if d["subject_ref"] == "MP-1"] == [
        ("MP-1", "supervisory-review")
    ]
    assert ok(supervisor.get("/api/duties/overdue", params={"supervisor": "someone.else"})) == []
    pushed = ok(supervisor.post("/api/duties/escalate"))
    assert any(e["duty_id"].startswith("MP-1/") and e["to"] == SUPERVISOR for e in pushed)
    review = {"level": "medium", "rationale": "still missing; searches continue"}
    reviewed = ok(supervisor.post("/api/missing/MP-1/reviews", json=review))
    assert reviewed["reviews"][0]["by"] == SUPERVISOR


def test_duties_are_listed_alerted_acknowledged_and_reassigned_only_with_a_reason(signed_in, clock):
    ppo, supervisor = signed_in(Role.PUBLIC_PROTECTION), signed_in(Role.SUPERVISOR)
    seed_one_address(ppo, clock.now().date())
    ok(ppo.post("/api/da-cases", json={"case_ref": "DA-2", "victim_ref": "V-1", "supervisor": SUPERVISOR}), 201)  # fmt: skip
    mine = ok(ppo.get("/api/duties/mine"))
    dash = next(d for d in mine if d["subject_ref"] == "DA-2")
    assert dash["kind"] == "dash-completion" and dash["link"] == "/da-cases/DA-2"
    alerts = ok(ppo.get("/api/duties/alerts"))
    assert dash["duty_id"] in {a["duty_id"] for a in alerts}
    refused(
        supervisor.post("/api/duties/acknowledge", json={"duty_id": dash["duty_id"]}), 409, "owner"
    )
    ok(ppo.post("/api/duties/acknowledge", json={"duty_id": dash["duty_id"]}))
    assert dash["duty_id"] not in {a["duty_id"] for a in ok(ppo.get("/api/duties/alerts"))}
    refused(
        ppo.post(
            "/api/duties/reassign", json={"duty_id": dash["duty_id"], "to": "x", "reason": ""}
        ),
        422,
    )
    moved = ok(ppo.post("/api/duties/reassign", json={"duty_id": dash["duty_id"], "to": SUPERVISOR,
                                                        "reason": "officer on leave"}))  # fmt: skip
    assert moved["owner"] == SUPERVISOR and moved["state"] == "reassigned"
    assert dash["duty_id"] in {d["duty_id"] for d in ok(supervisor.get("/api/duties/mine"))}
    refused(ppo.post("/api/duties/acknowledge", json={"duty_id": "NO/such/1"}), 404)


def test_bad_input_is_refused_naming_the_rule_or_field_and_nothing_is_written(signed_in, clock):
    ppo, supervisor = signed_in(Role.PUBLIC_PROTECTION), signed_in(Role.SUPERVISOR)
    today = clock.now().date()
    seed_one_address(ppo, today)
    future = (today + timedelta(days=2)).isoformat()
    born_later = {
        "person_ref": "P-9",
        "names": [{"given": "A", "family": "B"}],
        "date_of_birth": future,
    }
    refused(ppo.post("/api/people", json=born_later), 422, "future")
    refused(ppo.get("/api/people/P-9"), 404)
    ok(ppo.post("/api/da-cases", json={"case_ref": "DA-3", "victim_ref": "V-1", "supervisor": SUPERVISOR}), 201)  # fmt: skip
    contradictory = dash_answers(0) | {"children-hurt": "yes", "children-in-household": "no"}
    refused(
        ppo.post("/api/da-cases/DA-3/dash", json={"answers": contradictory}), 422, "children-hurt"
    )
    refused(
        ppo.post("/api/da-cases/DA-3/dash", json={"answers": {"nonsense": "yes"}}), 422, "nonsense"
    )
    lower = {"answers": dash_answers(14), "judgement": {"level": "standard", "rationale": "x"}}
    refused(ppo.post("/api/da-cases/DA-3/dash", json=lower), 409, "never lower")
    refused(ppo.post("/api/da-cases/DA-3/close", json={"reason": "done"}), 409, "dash-rule")
    refused(ppo.post("/api/da-cases/DA-3/refusal", json={"reason": ""}), 422)
    assert ok(ppo.get("/api/da-cases/DA-3"))["submissions"] == []  # nothing was written
    ok(ppo.post("/api/da-cases/DA-3/refusal", json={"reason": "victim declined to answer"}))
    refused(ppo.post("/api/da-cases/DA-3/marac"), 409, "marac-needs-dash")

    episode = report_child_missing(ppo, clock.now().isoformat())
    before = (clock.now() - timedelta(days=1)).isoformat()
    review = {"level": "high", "rationale": "r", "at": before}
    refused(supervisor.post("/api/missing/MP-1/reviews", json=review), 422, "before")
    no_risk = {"episode_ref": "MP-2", "person_ref": "C-1", "reported_at": clock.now().isoformat(),
               "risk": "no-apparent-risk", "call_answers": dict.fromkeys(CALL_KEYS, "no"),
               "supervisor": SUPERVISOR, "looked_after": True}  # fmt: skip
    refused(ppo.post("/api/missing", json=no_risk), 409, "categorisation rule")
    refused(ppo.get("/api/missing/MP-2"), 404)
    assert ok(ppo.get("/api/missing/MP-1"))["reviews"] == episode["reviews"] == []

    yesterday = (today - timedelta(days=1)).isoformat()
    ok(ppo.post("/api/offenders/RSO-1/custody", json={"starts_on": yesterday}), 201)
    refused(
        ppo.post("/api/offenders/RSO-1/visits", json={"visited_on": today.isoformat()}),
        409,
        "custody",
    )
    refused(ppo.post("/api/offenders/RSO-1/visits", json={"visited_on": future}), 422, "future")
    refused(
        ppo.post("/api/offenders/RSO-1/notifications", json={"kind": "weekly", "on": yesterday}),
        422,
        "kind",
    )
    bad_mappa = {"offender_ref": "RSO-2", "person_ref": "O-1", "registered_on": yesterday, "risk": "low",
                 "mappa_category": 7, "mappa_level": 1, "manager_ref": PPO, "supervisor": SUPERVISOR}  # fmt: skip
    refused(ppo.post("/api/offenders", json=bad_mappa), 422, "MAPPA")
    assert ok(ppo.get("/api/offenders/RSO-1"))["visits"] == []
    refused(ppo.post("/api/offenders", json=bad_mappa | {"registered_on": "0001-01-01"}), 422)
    refused(ppo.post("/api/da-cases/DA-3/dash", json={"answers": "not a mapping"}), 422)


def test_offender_file_shows_clocks_arms_mappa_visits_and_caseload(signed_in, clock):
    ppo = signed_in(Role.PUBLIC_PROTECTION)
    today = clock.now().date()
    seed_one_address(ppo, today)
    ok(ppo.post("/api/offenders/RSO-1/assessments",
                 json={"assessed_on": today.isoformat(), "version": "ARMS 2.1", "level": "very-high"}), 201)  # fmt: skip
    file = ok(
        ppo.post(
            "/api/offenders/RSO-1/visits", json={"visited_on": today.isoformat(), "note": "home"}
        ),
        201,
    )
    assert file["risk"] == "very-high" and file["assessments"][0]["version"] == "ARMS 2.1"
    assert (file["mappa_category"], file["mappa_level"]) == (1, 2)
    assert file["notifications"][0]["kind"] == "initial" and not file["notification_breached"]
    assert date.fromisoformat(file["notification_due"]) > today
    assert file["visits"] == [today.isoformat()] and file["visit_due"] > today.isoformat()
    assert file["caseload"]["count"] == 1 and file["caseload"]["warning"] is False
    assert {d["kind"] for d in file["duties"] if d["state"] == "open"} == {
        "rso-visit",
        "rso-notification",
    }
    assert ok(ppo.get(f"/api/offenders/caseloads/{PPO}"))["count"] == 1


def test_public_protection_data_is_for_the_roles_that_need_it_and_every_access_is_audited(
    signed_in, clock, application
):
    ppo = signed_in(Role.PUBLIC_PROTECTION)
    seed_one_address(ppo, clock.now().date())
    handler, supervisor = signed_in(Role.CALL_HANDLER), signed_in(Role.SUPERVISOR)
    for path in ("/api/people/O-1", "/api/offenders/RSO-1", "/api/duties/mine"):
        refused(handler.get(path), 403, "may not")
    refused(supervisor.get("/api/offenders/RSO-1"), 403)  # offenders are not the control room's
    person = ok(supervisor.get("/api/people/O-1"))
    assert person["offender_records"] is None and person["da_cases"] == []  # hidden, not empty
    assert ok(ppo.get("/api/people/O-1"))["offender_records"][0]["offender_ref"] == "RSO-1"
    assert ok(handler.get("/api/intake", params={"address": ADDRESS_TEXT}))["known"]
    with application.engine.connect() as c:
        rows = {(r.username, r.action, r.record_id, r.outcome)
                for r in c.execute(sa.select(audit_log))}  # fmt: skip
    assert (PPO, "offender.register", "RSO-1", "ok") in rows  # a write, in its transaction
    assert any(r[0] == SUPERVISOR and r[1] == "person.read" and r[2] == "O-1" for r in rows)
    assert any(r[0] == PPO and r[1] == "offender.read" and r[2] == "RSO-1" for r in rows)
    assert any(r[0] == Role.CALL_HANDLER.value and r[1] == "intake.lookup" for r in rows)
    denied = {r[1] for r in rows if r[0] == Role.CALL_HANDLER.value and r[3] != "ok"}
    assert denied >= {"people.read", "offender.read", "duties.read"}  # refusals audited too


def test_an_undated_person_recorded_at_an_address_is_matched_to_the_namesake_known_there(
    signed_in, application
):
    """Two Dana Hughes on the index, one known at 14 Canal Street. Recorded without a date of
    birth and without an address, the new record is suggested as neither; recorded at that
    address it is suggested as the one known there, saying why, and linked to the address.
    An unknown address is refused (404) with nothing written."""
    ppo = signed_in(Role.PUBLIC_PROTECTION)
    ok(ppo.post("/api/addresses", json={"address_ref": "A-1", "lines": ["14 Canal Street"]}), 201)
    ok(ppo.post("/api/addresses", json={"address_ref": "A-2", "lines": ["9 Mill Lane"]}), 201)
    for ref, born, address in (("P-1", "1990-03-04", "A-1"), ("P-2", "1971-09-30", "A-2")):
        body = {"person_ref": ref, "names": [{"given": "Dana", "family": "Hughes"}],
                "date_of_birth": born, "address_ref": address}  # fmt: skip
        ok(ppo.post("/api/people", json=body), 201)
    undated = {"names": [{"given": "Dana", "family": "Hughes"}]}
    assert (
        ok(ppo.post("/api/people", json=undated | {"person_ref": "N-1"}), 201)["suggestions"] == []
    )
    refused(
        ppo.post("/api/people", json=undated | {"person_ref": "N-2", "address_ref": "A-9"}), 404
    )
    refused(ppo.get("/api/people/N-2"), 404)
    created = ok(
        ppo.post("/api/people", json=undated | {"person_ref": "N-3", "address_ref": "A-1"}), 201
    )
    [suggestion] = created["suggestions"]
    assert (suggestion["left_ref"], suggestion["right_ref"]) == ("N-3", "P-1")
    assert "known at the same address" in suggestion["reasons"]
    linked = ok(ppo.get("/api/people/N-3"))["addresses"]
    assert [(a["address_ref"], a["relation"]) for a in linked] == [("A-1", "recorded-at")]


def test_an_undated_person_with_an_apparent_age_is_matched_to_the_namesake_it_fits(
    signed_in, application, clock
):
    """Two Rhys Coopers on the index, born 1990 and 1958. A third recorded with no date of
    birth but "aged 30 to 40" is suggested as the first, saying why, and the estimate is kept
    as birth years. A date and an age together, an age range backwards or out of range: 422
    naming the field, nothing written. With no age at all, a name alone suggests no one."""
    ppo = signed_in(Role.PUBLIC_PROTECTION)
    for ref, born in (("P-1", "1990-03-04"), ("P-2", "1958-09-30")):
        body = {"person_ref": ref, "names": [{"given": "Rhys", "family": "Cooper"}],
                "date_of_birth": born}  # fmt: skip
        ok(ppo.post("/api/people", json=body), 201)
    undated = {"names": [{"given": "Rhys", "family": "Cooper"}]}
    aged = undated | {"person_ref": "N-1", "apparent_age": {"youngest": 30, "oldest": 40}}
    [suggestion] = ok(ppo.post("/api/people", json=aged), 201)["suggestions"]
    assert (suggestion["left_ref"], suggestion["right_ref"]) == ("N-1", "P-1")
    year = clock.now().year
    assert f"apparent age fits: born {year - 41}-{year - 30} (estimated)" in suggestion["reasons"]
    shown = ok(ppo.get("/api/people/N-1"))
    assert shown["date_of_birth"] is None
    assert shown["estimated_birth"] == {"earliest": year - 41, "latest": year - 30}
    assert ok(ppo.get("/api/people/P-1"))["estimated_birth"] is None
    both = aged | {"person_ref": "N-2", "date_of_birth": "1990-03-04"}
    refused(ppo.post("/api/people", json=both), 422, "date_of_birth", "apparent_age")
    backwards = aged | {"person_ref": "N-3", "apparent_age": {"youngest": 40, "oldest": 30}}
    refused(ppo.post("/api/people", json=backwards), 422, "apparent_age")
    too_old = aged | {"person_ref": "N-4", "apparent_age": {"youngest": 30, "oldest": 200}}
    refused(ppo.post("/api/people", json=too_old), 422, "oldest")
    for ref in ("N-2", "N-3", "N-4"):
        refused(ppo.get(f"/api/people/{ref}"), 404)
    oldest = aged | {"person_ref": "N-6", "apparent_age": {"youngest": 125, "oldest": 125}}
    ok(ppo.post("/api/people", json=oldest), 201)  # the oldest age the schema allows is valid
    no_age = ok(ppo.post("/api/people", json=undated | {"person_ref": "N-5"}), 201)
    assert no_age["suggestions"] == []  # a name alone is not enough


def test_each_register_lists_its_open_records_with_names_to_the_roles_that_may_see_them(
    signed_in, clock, application
):
    """The DA, missing-person and offender registers as lists: open (or active) records
    first, each with the person's name; what is due next on a missing episode; the closed
    list empty; an unknown status refused naming the field; the control room kept out of
    offenders and call handlers out of all three; every list read audited."""
    ppo = signed_in(Role.PUBLIC_PROTECTION)
    seed_one_address(ppo, clock.now().date())
    report_child_missing(ppo, clock.now().isoformat())
    case = {"case_ref": "DA-1", "victim_ref": "V-1", "supervisor": SUPERVISOR}
    ok(ppo.post("/api/da-cases", json=case), 201)

    cases = ok(ppo.get("/api/da-cases"))
    assert cases["total"] == 1
    [row] = cases["cases"]
    assert (row["case_ref"], row["victim_ref"], row["victim_name"]) == (
        "DA-1",
        "V-1",
        "Dana Hughes",
    )
    assert (row["status"], row["dash_status"], row["signed_off"]) == ("open", "none", False)
    assert ok(ppo.get("/api/da-cases", params={"status": "closed"})) == {"total": 0, "cases": []}

    episodes = ok(ppo.get("/api/missing"))
    [episode] = episodes["episodes"]
    assert (episode["episode_ref"], episode["name"], episode["is_child"]) == (
        "MP-1",
        "Kai Hughes",
        True,
    )
    assert episode["looked_after"] is True and episode["next_due"]["overdue"] is False
    assert episode["next_due"]["kind"]  # what is owed next, and by when

    offenders = ok(ppo.get("/api/offenders"))
    [offender] = offenders["offenders"]
    assert (offender["offender_ref"], offender["name"], offender["risk"]) == (
        "RSO-1",
        "Rob Marsh",
        "high",
    )
    assert (offender["mappa_category"], offender["mappa_level"]) == (1, 2)
    assert ok(ppo.get("/api/offenders", params={"status": "ended"}))["total"] == 0

    refused(ppo.get("/api/missing", params={"status": "lost"}), 422, "status")
    decision = {"decision": "different", "rationale": "r"}
    refused(ppo.post("/api/match-suggestions/2147483647/decision", json=decision), 404)
    beyond = ppo.post("/api/match-suggestions/2147483648/decision", json=decision)
    assert beyond.status_code == 422  # past the id column's range: refused, not a 500
    supervisor, handler = signed_in(Role.SUPERVISOR), signed_in(Role.CALL_HANDLER)
    assert ok(supervisor.get("/api/missing"))["total"] == 1
    refused(supervisor.get("/api/offenders"), 403, "may not")
    for path in ("/api/da-cases", "/api/missing", "/api/offenders"):
        refused(handler.get(path), 403, "may not")
    with application.engine.connect() as c:
        rows = {(r.username, r.action, r.record_type, r.outcome)
                for r in c.execute(sa.select(audit_log))}  # fmt: skip
    for action, kind in (("da-case.list", "da-case-list"), ("missing.list", "missing-list"),
                         ("offender.list", "offender-list")):  # fmt: skip
        assert (PPO, action, kind, "ok") in rows
    refusals = {r[2] for r in rows if r[0] == Role.CALL_HANDLER.value and r[3] != "ok"}
    assert refusals >= {"da-case-list", "missing-list", "offender-list"}  # refusals audited
