"""Registered sex offenders: SOA 2003 clocks, periods, visits, reactive management, caseloads."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.safeguarding.offenders import (
    ArmsAssessment,
    CustodyPeriod,
    Disposal,
    Mappa,
    Notification,
    NotificationKind,
    RsoRisk,
    caseload_status,
    change_notification_due,
    check_visit,
    individual_visit_plan,
    initial_notification_due,
    is_breached,
    next_visit_due,
    notification_period,
    periodic_notification_due,
    reactive_eligibility,
    reactive_review_triggers,
    template_visit_plan,
    travel_notification_due,
)
from watchkeeper.safeguarding.policy import default_policy

POLICY = default_policy()


def test_the_initial_notification_is_due_on_the_third_day_counting_the_relevant_date():
    assert initial_notification_due(date(2024, 5, 1), POLICY) == date(2024, 5, 3)


def test_notifying_on_the_third_day_is_in_time_and_on_the_fourth_is_a_breach():
    due = initial_notification_due(date(2024, 5, 1), POLICY)
    assert not is_breached(due, date(2024, 5, 3), date(2024, 5, 10))
    assert is_breached(due, date(2024, 5, 4), date(2024, 5, 10))
    assert not is_breached(due, None, date(2024, 5, 3))
    assert is_breached(due, None, date(2024, 5, 4))


def test_a_release_late_in_a_british_summer_evening_counts_from_the_london_date():
    released = datetime(2024, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London
    assert change_notification_due(released, POLICY) == date(2024, 7, 3)


def test_a_change_across_a_month_end_is_due_three_days_from_the_change():
    assert change_notification_due(date(2024, 2, 28), POLICY) == date(2024, 3, 1)


def test_the_annual_notification_is_due_a_year_after_the_last():
    notes = [Notification(NotificationKind.INITIAL, date(2023, 4, 12))]
    assert periodic_notification_due(notes, False, POLICY) == date(2024, 4, 12)


def test_a_29_february_notification_is_renewed_by_28_february_next_year():
    notes = [Notification(NotificationKind.PERIODIC, date(2024, 2, 29))]
    assert periodic_notification_due(notes, False, POLICY) == date(2025, 2, 28)


def test_a_change_notification_moves_the_annual_date_but_a_travel_notice_does_not():
    notes = [
        Notification(NotificationKind.INITIAL, date(2023, 1, 10)),
        Notification(NotificationKind.CHANGE, date(2023, 8, 2)),
        Notification(NotificationKind.TRAVEL, date(2023, 11, 5)),
    ]
    assert periodic_notification_due(notes, False, POLICY) == date(2024, 8, 2)


def test_an_offender_with_no_fixed_abode_notifies_weekly():
    notes = [Notification(NotificationKind.PERIODIC, date(2024, 5, 1))]
    assert periodic_notification_due(notes, True, POLICY) == date(2024, 5, 8)


def test_foreign_travel_is_notified_at_least_seven_days_before_departure():
    assert travel_notification_due(date(2024, 3, 5), POLICY) == date(2024, 2, 27)


@pytest.mark.parametrize(
    ("disposal", "months", "under_18", "expected"),
    [
        (Disposal.CUSTODY, 30, False, None),
        (Disposal.CUSTODY, 29, False, 120),
        (Disposal.CUSTODY, 7, False, 120),
        (Disposal.CUSTODY, 6, False, 84),
        (Disposal.CUSTODY, 6, True, 42),
        (Disposal.CAUTION, None, False, 24),
        (Disposal.CAUTION, None, True, 12),
        (Disposal.OTHER, None, True, 30),
        (Disposal.CONDITIONAL_DISCHARGE, 18, True, 18),
        (Disposal.LIFE_OR_IPP, None, True, None),
        (Disposal.HOSPITAL_RESTRICTED, None, False, None),
        (Disposal.HOSPITAL_UNRESTRICTED, None, False, 84),
    ],
)
def test_notification_periods_follow_section_82(disposal, months, under_18, expected):
    period = notification_period(disposal, date(2020, 2, 29), under_18, POLICY.offenders, months)
    assert period.months == expected
    assert period.indefinite is (expected is None)


def test_a_fixed_period_from_a_leap_day_ends_on_28_february():
    period = notification_period(Disposal.CAUTION, date(2020, 2, 29), False, POLICY.offenders)
    assert period.ends_on == date(2022, 2, 28)


def test_a_custodial_disposal_without_its_length_is_refused():
    with pytest.raises(InputError, match="length in months"):
        notification_period(Disposal.CUSTODY, date(2020, 1, 1), False, POLICY.offenders)


def test_mappa_category_and_level_outside_1_to_3_are_refused():
    assert Mappa(1, 2).level == 2
    with pytest.raises(InputError, match="MAPPA level"):
        Mappa(1, 4)


@pytest.mark.parametrize(
    ("level", "months"), [("very-high", 1), ("high", 3), ("medium", 6), ("low", 12)]
)
def test_the_visit_template_offers_the_pre_2017_frequencies_labelled_as_such(level, months):
    plan = template_visit_plan(RsoRisk(level), POLICY)
    assert plan.interval_months == months
    assert "pre-29-Jun-2017" in plan.basis


def test_an_individual_plan_sets_its_own_frequency_with_a_rationale():
    plan = individual_visit_plan(2, "new partner with children")
    assert next_visit_due(plan, date(2023, 12, 31)) == date(2024, 2, 29)
    with pytest.raises(InputError, match="rationale"):
        individual_visit_plan(2, "")


def test_a_visit_while_the_offender_is_in_custody_is_refused():
    custody = [CustodyPeriod(date(2024, 1, 1), None)]
    with pytest.raises(DomainRuleViolation, match="in custody"):
        check_visit("RSO-1", date(2024, 3, 1), custody)


def test_a_visit_after_release_is_allowed():
    check_visit("RSO-1", date(2024, 3, 2), [CustodyPeriod(date(2024, 1, 1), date(2024, 3, 1))])


def low(on):
    return ArmsAssessment(on, "ARMS 2.0", RsoRisk.LOW, "DC 3")


def test_three_years_assessed_low_makes_an_offender_eligible_for_reactive_management():
    eligible, _ = reactive_eligibility(
        [low(date(2021, 6, 1)), low(date(2023, 6, 1))], date(2024, 6, 1), POLICY.offenders
    )
    assert eligible


def test_a_medium_assessment_within_three_years_breaks_eligibility():
    history = [
        low(date(2020, 1, 1)),
        ArmsAssessment(date(2022, 1, 1), "ARMS 2.0", RsoRisk.MEDIUM, "DC 3"),
        low(date(2023, 1, 1)),
    ]
    eligible, reason = reactive_eligibility(history, date(2024, 6, 1), POLICY.offenders)
    assert not eligible and "2023-01-01" in reason


def test_new_intelligence_or_a_raised_assessment_triggers_a_reactive_review():
    raised = ArmsAssessment(date(2024, 1, 1), "ARMS 2.0", RsoRisk.HIGH, "DC 3")
    triggers = reactive_review_triggers(["new-intelligence", "birthday"], raised, POLICY.offenders)
    assert triggers == ("new-intelligence", "risk-assessed-above-low")


def test_a_caseload_at_the_configured_threshold_warns_and_cites_its_assumption():
    status = caseload_status("DC 3", [f"RSO-{i}" for i in range(50)], POLICY)
    assert status.warning and status.source.startswith("assumed")
    assert not caseload_status("DC 3", ["RSO-1"] * 60, POLICY).warning
