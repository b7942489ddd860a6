"""The DA register end to end on each engine: DASH, refusal, sign-off, MARAC, close, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.integration.safeguarding.conftest import (
    HANDLER,
    PPO,
    SUPERVISOR,
    audit_actions,
    dash_answers,
    person,
)

from watchkeeper.kernel.errors import DomainRuleViolation, InputError, PermissionDenied
from watchkeeper.safeguarding.da_records import NewDaCase
from watchkeeper.safeguarding.service_core import Assignment


def _open(sg, ref="DA-1", victim="P-1"):
    sg.people.record_person(PPO, person(victim))
    return sg.domestic_abuse.open_case(
        PPO, NewDaCase(ref, victim, Assignment("ppo", "sgt"), incident_id="INC-1")
    )


def _open_duties(sg, subject):
    with sg.context.uow() as uow:
        return [(d.kind, d.owner) for d in uow.duties.open_for_subject(subject)]


def test_a_new_case_owes_its_dash_to_the_named_officer(sg):
    _open(sg)

    assert _open_duties(sg, "DA-1") == [("dash-completion", "ppo")]


def test_fourteen_yes_answers_are_high_risk_and_meet_the_marac_threshold(sg):
    _open(sg)

    outcome = sg.domestic_abuse.submit_dash(PPO, "DA-1", "dash-police-2009", dash_answers(14))

    assert outcome.assessment.level.value == "high"
    assert [c.value for c in outcome.marac_criteria] == ["visible-high-risk"]
    assert _open_duties(sg, "DA-1") == [("dash-sign-off", "sgt")]


def test_sign_off_then_marac_referral_is_prefilled_from_the_answers(sg, clock):
    _open(sg)
    sg.domestic_abuse.submit_dash(PPO, "DA-1", "dash-police-2009", dash_answers(15))
    clock.advance(timedelta(hours=1))
    sg.domestic_abuse.sign_off(SUPERVISOR, "DA-1")
    assert _open_duties(sg, "DA-1") == [("marac-referral", "ppo")]

    prefill = sg.domestic_abuse.refer_to_marac(PPO, "DA-1")

    assert prefill["yes_count"] == 15
    assert prefill["yes_answers"][0].startswith("Q1 current-injury")
    assert _open_duties(sg, "DA-1") == [("da-case-review", "ppo")]


def test_contradictory_answers_are_refused_naming_the_questions_and_nothing_is_written(sg):
    _open(sg)
    answers = dash_answers(0) | {"children-in-household": "no", "children-hurt": "yes"}

    with pytest.raises(InputError, match="contradicts"):
        sg.domestic_abuse.submit_dash(PPO, "DA-1", "dash-police-2009", answers)

    view = sg.domestic_abuse.show_case(PPO, "DA-1")
    assert view.submissions == () and view.case.dash_status == "none"


def test_professional_judgement_may_raise_but_never_lower_the_level(sg):
    _open(sg)
    with pytest.raises(DomainRuleViolation, match="never lower"):
        sg.domestic_abuse.submit_dash(
            PPO, "DA-1", "dash-police-2009", dash_answers(14), judgement=("medium", "seems fine")
        )
    raised = sg.domestic_abuse.submit_dash(
        PPO, "DA-1", "dash-police-2009", dash_answers(3), judgement=("high", "threats to kill")
    )
    assert raised.case.risk_level == "high" and raised.case.actuarial_level == "standard"


def test_a_refusal_needs_a_reason_and_an_officer_cannot_sign_off_their_own_dash(sg):
    _open(sg)
    with pytest.raises(InputError, match="reason"):
        sg.domestic_abuse.record_refusal(PPO, "DA-1", "  ")
    sg.domestic_abuse.record_refusal(PPO, "DA-1", "victim declined to answer at scene")
    with pytest.raises(PermissionDenied):
        sg.domestic_abuse.sign_off(PPO, "DA-1")  # a PPO holds no sign-off permission


def test_a_case_cannot_close_before_sign_off(sg):
    _open(sg)
    sg.domestic_abuse.submit_dash(PPO, "DA-1", "dash-police-2009", dash_answers(2))
    with pytest.raises(DomainRuleViolation, match="dash-rule"):
        sg.domestic_abuse.close_case(PPO, "DA-1", "no further action")
    sg.domestic_abuse.sign_off(SUPERVISOR, "DA-1")

    sg.domestic_abuse.close_case(PPO, "DA-1", "no further action")

    assert _open_duties(sg, "DA-1") == []


def test_a_call_handler_is_refused_the_case_and_the_refusal_is_audited(app, sg):
    _open(sg)

    with pytest.raises(PermissionDenied):
        sg.domestic_abuse.show_case(HANDLER, "DA-1")

    assert ("handler", "safeguarding.read", "refused") in audit_actions(app)
    assert ("ppo", "da-case.open", "ok") in audit_actions(app)
