"""Domestic abuse: DASH risk level, judgement, MARAC criteria and referral, the close rule."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.safeguarding.domestic_abuse import (
    DaHistory,
    DashStatus,
    MaracCriterion,
    ProfessionalJudgement,
    RiskLevel,
    actuarial_level,
    assess,
    is_potential_escalation,
    is_repeat_marac,
    marac_referral,
    may_close_da_incident,
)
from watchkeeper.safeguarding.forms import bundled_form, record_answers
from watchkeeper.safeguarding.policy import default_policy

POLICY = default_policy().domestic_abuse
DASH = bundled_form("dash-police-2009.toml")
MAIN_KEYS = [q.key for q in DASH.sections[0].questions]
TODAY = date(2024, 6, 1)


def answers_with_yes(count):
    # Skip the children block so no contradiction rule fires.
    yes_pool = [k for k in MAIN_KEYS if k not in ("children-hurt", "children-in-household")]
    raw = dict.fromkeys(MAIN_KEYS, "no")
    raw.update(dict.fromkeys(yes_pool[:count], "yes"))
    return record_answers(DASH, raw)


def no_history():
    return DaHistory(incident_dates=(TODAY,), last_referral_date=None, as_of=TODAY)


@pytest.mark.parametrize(
    ("yes", "level"),
    [(0, "standard"), (9, "standard"), (10, "medium"), (13, "medium"), (14, "high"), (25, "high")],
)
def test_the_yes_count_sets_the_level_at_the_configured_boundaries(yes, level):
    assert assess(DASH, answers_with_yes(yes), POLICY).level == RiskLevel(level)


def test_not_known_answers_do_not_count_as_yes():
    raw = dict.fromkeys(MAIN_KEYS, "not-known")
    assert assess(DASH, record_answers(DASH, raw), POLICY).yes_count == 0


def test_professional_judgement_can_raise_the_level_with_a_rationale():
    judgement = ProfessionalJudgement(RiskLevel.HIGH, "strangulation and separation", "PC 1")
    result = assess(DASH, answers_with_yes(5), POLICY, judgement)
    assert (result.actuarial_level, result.level) == (RiskLevel.STANDARD, RiskLevel.HIGH)


def test_professional_judgement_can_never_lower_the_level():
    judgement = ProfessionalJudgement(RiskLevel.MEDIUM, "victim seems calm", "PC 1")
    with pytest.raises(DomainRuleViolation, match="never lower"):
        assess(DASH, answers_with_yes(14), POLICY, judgement)


def test_professional_judgement_without_a_rationale_is_refused():
    with pytest.raises(InputError, match="rationale"):
        assess(
            DASH, answers_with_yes(3), POLICY, ProfessionalJudgement(RiskLevel.HIGH, " ", "PC 1")
        )


def test_answers_to_another_form_version_are_refused():
    answers = dataclasses.replace(answers_with_yes(3), version="1999")
    with pytest.raises(InputError, match="1999"):
        assess(DASH, answers, POLICY)


@given(st.integers(0, 40), st.integers(0, 40))
def test_more_yes_answers_never_lower_the_actuarial_level(a, b):
    low, high = sorted((a, b))
    assert actuarial_level(low, POLICY).rank <= actuarial_level(high, POLICY).rank


def test_three_incidents_in_twelve_months_is_potential_escalation():
    dates = (date(2023, 6, 1), date(2024, 1, 1), TODAY)
    assert is_potential_escalation(DaHistory(dates, None, TODAY), POLICY)


def test_an_incident_just_over_twelve_months_ago_does_not_count_towards_escalation():
    dates = (date(2023, 5, 31), date(2024, 1, 1), TODAY)
    assert not is_potential_escalation(DaHistory(dates, None, TODAY), POLICY)


def test_any_incident_within_twelve_months_of_the_last_referral_is_a_repeat_marac():
    history = DaHistory((date(2024, 5, 1),), last_referral_date=date(2023, 5, 2), as_of=TODAY)
    assert is_repeat_marac(history, POLICY)


def test_an_incident_after_twelve_months_from_the_referral_is_a_new_referral_not_a_repeat():
    history = DaHistory((date(2024, 5, 3),), last_referral_date=date(2023, 5, 2), as_of=TODAY)
    assert not is_repeat_marac(history, POLICY)


def test_the_referral_is_prefilled_from_the_answers_with_every_criterion_met():
    history = DaHistory(
        (date(2023, 9, 1), date(2024, 2, 1), TODAY),
        last_referral_date=date(2023, 8, 1),
        as_of=TODAY,
    )
    assessment = assess(DASH, answers_with_yes(15), POLICY)
    referral = marac_referral(assessment, "PERSON-7", history, POLICY)
    assert referral.criteria == (
        MaracCriterion.VISIBLE_HIGH_RISK,
        MaracCriterion.POTENTIAL_ESCALATION,
        MaracCriterion.REPEAT_MARAC,
    )
    assert referral.yes_count == 15 == len(referral.yes_answers)
    assert referral.yes_answers[0].startswith("Q1 current-injury: Did the current incident")
    assert referral.incidents_in_window == 3
    assert referral.high_risk_factors_yes == assessment.high_risk_factors_yes


def test_a_raised_judgement_alone_is_a_referral_criterion():
    judgement = ProfessionalJudgement(RiskLevel.HIGH, "threats to kill believed", "DS 2")
    referral = marac_referral(
        assess(DASH, answers_with_yes(4), POLICY, judgement), "P", no_history(), POLICY
    )
    assert referral.criteria == (MaracCriterion.PROFESSIONAL_JUDGEMENT,)
    assert referral.judgement_rationale == "threats to kill believed"


def test_a_referral_with_no_criterion_met_is_refused():
    with pytest.raises(DomainRuleViolation, match="no MARAC referral criterion"):
        marac_referral(assess(DASH, answers_with_yes(4), POLICY), "P", no_history(), POLICY)


def test_a_da_incident_without_a_dash_cannot_close():
    decision = may_close_da_incident(True, DashStatus.NONE, True, POLICY)
    assert not decision.allowed and decision.reason.startswith("dash-missing")


def test_a_completed_dash_without_sign_off_cannot_close_when_sign_off_is_required():
    allowed, reason = may_close_da_incident(True, DashStatus.COMPLETED, False, POLICY)
    assert not allowed and reason.startswith("sign-off-missing")


def test_a_recorded_refusal_with_sign_off_lets_the_incident_close():
    assert may_close_da_incident(True, DashStatus.REFUSED_WITH_REASON, True, POLICY).allowed


def test_a_force_that_switches_off_sign_off_closes_on_a_completed_dash():
    relaxed = dataclasses.replace(POLICY, close_requires_sign_off=False)
    assert may_close_da_incident(True, DashStatus.COMPLETED, False, relaxed).allowed


def test_an_incident_without_a_da_marker_is_not_held_by_the_dash_rule():
    assert may_close_da_incident(False, DashStatus.NONE, False, POLICY).allowed
