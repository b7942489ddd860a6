"""Intake shows what the registers know (and the risk engine counts it); the DA close rule."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from tests.integration.safeguarding.conftest import (
    DISPATCHER,
    HANDLER,
    PPO,
    SUPERVISOR,
    address,
    call_answers,
    dash_answers,
    person,
)

from watchkeeper.access.model import Actor, Role
from watchkeeper.incidents.entries import Caller, CallSource, Closed, Location
from watchkeeper.incidents.services import NewIncident
from watchkeeper.kernel.errors import DomainRuleViolation, PermissionDenied
from watchkeeper.persistence.safeguarding_lookup import SqlDashClosureGuard
from watchkeeper.safeguarding.da_records import NewDaCase
from watchkeeper.safeguarding.missing_service import NewMissingReport
from watchkeeper.safeguarding.offender_records import NewOffender
from watchkeeper.safeguarding.policy import default_policy
from watchkeeper.safeguarding.service_core import Assignment

ADDRESS_TEXT = "12 Canal Street, Town"
WHO = Assignment("ppo", "sgt")


def _the_address_with_three_registers(sg, clock):
    sg.people.record_address(PPO, address("A-1"))
    sg.people.record_person(PPO, person("V-1", "Vera", "Holloway"))
    sg.people.record_person(PPO, person("O-1", "Owen", "Marston", date(1970, 1, 4)))
    sg.people.record_person(PPO, person("C-1", "Chloe", "Holloway", date(2012, 6, 1)))
    for ref in ("V-1", "O-1", "C-1"):
        sg.people.link_address(PPO, ref, "A-1", "lives-at")
    sg.domestic_abuse.open_case(PPO, NewDaCase("DA-1", "V-1", WHO, address_ref="A-1"))
    sg.offenders.register(PPO, NewOffender("RSO-1", "O-1", date(2026, 1, 5), "high", 1, 2, "sgt",
                                           "ppo", address_ref="A-1"))  # fmt: skip
    sg.missing.report(PPO, NewMissingReport(
        "MP-1", "C-1", clock.now() - timedelta(hours=2), "medium", call_answers(), WHO,
        looked_after=True, address_ref="A-1"))  # fmt: skip


def _log(app, actor, markers=(), person_ref="", category="domestic-abuse"):
    request = NewIncident(CallSource.EMERGENCY_999, Location(ADDRESS_TEXT, area="central"),
                          category, "P1", caller=Caller(person_ref=person_ref),
                          markers=markers)  # fmt: skip
    return app.incidents.log_incident(actor, request)


def test_a_domestic_incident_at_the_address_shows_the_case_the_offender_and_the_missing_child(
    app, sg, clock
):
    _the_address_with_three_registers(sg, clock)
    incident_id = _log(app, HANDLER, markers=("domestic-abuse",))

    view = app.incidents.show(HANDLER, incident_id)

    registers = sorted(k.register for k in view.known)
    assert registers == ["domestic-abuse", "missing-person", "registered-offender"]
    assert any("looked-after child" in k.summary for k in view.known)


def test_the_risk_engine_counts_the_known_records_as_a_named_factor(app, sg, clock):
    _the_address_with_three_registers(sg, clock)
    incident_id = _log(app, HANDLER, markers=("domestic-abuse",))

    board = app.backlog.current(SUPERVISOR)
    factors = {f.name: f for f in board.explain(incident_id).factors}

    assert factors["safeguarding-records"].points > 0
    assert factors["safeguarding-records"].detail.startswith("3 linked record(s)")


def test_the_intake_summary_is_open_to_call_handlers_but_not_dispatchers(sg, clock):
    _the_address_with_three_registers(sg, clock)

    assert len(sg.people.intake_summary(HANDLER, ADDRESS_TEXT)) == 3
    with pytest.raises(PermissionDenied):
        sg.people.intake_summary(DISPATCHER, ADDRESS_TEXT)


def test_an_unknown_address_and_caller_know_nothing(sg):
    assert sg.people.intake_summary(HANDLER, "99 Nowhere Lane", "P-unknown") == ()


def test_a_da_incident_cannot_close_without_a_signed_off_dash(app, sg, clock):
    sg.people.record_person(PPO, person("V-2"))
    incident_id = _log(app, HANDLER, markers=("domestic-abuse",), category="public-order")
    close = Closed("resolved")

    with pytest.raises(DomainRuleViolation, match="dash-missing"):
        app.incidents.record(SUPERVISOR, incident_id, close)
    sg.domestic_abuse.open_case(PPO, NewDaCase("DA-2", "V-2", WHO, incident_id=incident_id))
    sg.domestic_abuse.submit_dash(PPO, "DA-2", "dash-police-2009", dash_answers(4))
    with pytest.raises(DomainRuleViolation, match="sign-off-missing"):
        app.incidents.record(SUPERVISOR, incident_id, close)
    sg.domestic_abuse.sign_off(SUPERVISOR, "DA-2")

    app.incidents.record(SUPERVISOR, incident_id, close)

    assert not app.incidents.show(SUPERVISOR, incident_id).state.is_open


def test_a_recorded_refusal_signed_off_also_satisfies_the_close_rule(app, sg):
    sg.people.record_person(PPO, person("V-3"))
    incident_id = _log(app, HANDLER, markers=("domestic-abuse",))
    sg.domestic_abuse.open_case(PPO, NewDaCase("DA-3", "V-3", WHO, incident_id=incident_id))
    sg.domestic_abuse.record_refusal(PPO, "DA-3", "victim declined; safety plan given")
    sg.domestic_abuse.sign_off(Actor("sgt2", Role.SUPERVISOR), "DA-3")

    app.incidents.record(SUPERVISOR, incident_id, Closed("resolved"))


def test_incidents_without_a_da_marker_close_as_before(app):
    # The default policy covers the marker; a DA category alone is covered only if configured.
    incident_id = _log(app, HANDLER, category="domestic-abuse")

    app.incidents.record(SUPERVISOR, incident_id, Closed("resolved"))


def test_a_force_may_extend_the_close_rule_to_every_da_category_call(app):
    incident_id = _log(app, HANDLER, category="domestic-abuse")
    policy = default_policy()
    wider = dataclasses.replace(
        policy,
        domestic_abuse=dataclasses.replace(
            policy.domestic_abuse, close_categories=frozenset({"domestic-abuse"})
        ),
    )
    state = app.incidents.show(SUPERVISOR, incident_id).state

    decision = SqlDashClosureGuard(app.engine, wider).may_close(state)

    assert not decision.allowed and "domestic_abuse.close" in decision.reason


def test_the_batched_lookup_the_board_uses_answers_as_the_single_lookup_does(app, sg, clock):
    """``known_at_many`` pre-filters on live keys; it must agree with ``known_at`` pair by pair
    (addresses written differently, callers known by reference, and strangers)."""
    _the_address_with_three_registers(sg, clock)
    lookup = app.backlog._lookup
    pairs = [
        (ADDRESS_TEXT, ""),
        ("12 canal street; Town", ""),
        ("99 Nowhere Lane", "O-1"),
        ("99 Nowhere Lane", "C-1"),
        ("99 Nowhere Lane", "P-unknown"),
        ("", ""),
        ("   ", "V-1"),
    ]

    batched = lookup.known_at_many(pairs)

    assert set(batched) == set(pairs)
    for pair in pairs:
        assert batched[pair] == lookup.known_at(*pair), pair
    assert len(batched[(ADDRESS_TEXT, "")]) == 3
    assert [k.register for k in batched[("99 Nowhere Lane", "O-1")]] == ["registered-offender"]
    assert batched[("99 Nowhere Lane", "P-unknown")] == ()
