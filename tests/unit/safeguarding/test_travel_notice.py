"""The s86 foreign-travel notice rule: at least N days before departure (N configured, 7 by
SI 2004/1220 as amended 13 Aug 2012; STANDARDS.md 5.1)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.kernel.errors import InputError
from watchkeeper.safeguarding.offenders import (
    Notification,
    NotificationKind,
    TravelPlan,
    check_travel_notice,
    late_travel_notices,
    periodic_notification_due,
    travel_plan,
)
from watchkeeper.safeguarding.policy import default_policy

POLICY = default_policy()


def _plan(departs: date) -> TravelPlan:
    return travel_plan(departs, departs + timedelta(days=10), "Spain")


def test_the_configured_period_is_the_seven_days_of_the_2012_regulations():
    assert POLICY.offenders.travel_days_before == 7
    assert "2012" in POLICY.provenance("offenders.notification.travel").source


def test_a_notice_seven_days_ahead_is_in_time_and_six_days_ahead_is_late():
    departs = date(2026, 3, 10)
    in_time = check_travel_notice(date(2026, 3, 3), _plan(departs), POLICY)
    late = check_travel_notice(date(2026, 3, 4), _plan(departs), POLICY)
    assert (in_time.on_time, in_time.days_ahead, in_time.due_by) == (True, 7, date(2026, 3, 3))
    assert (late.on_time, late.days_ahead) == (False, 6)
    assert late.message.startswith("travel-notice-late:") and "due by 2026-03-03" in late.message
    assert "s86" in late.message


def test_a_departure_early_in_march_of_a_leap_year_is_due_in_february():
    check = check_travel_notice(date(2024, 2, 23), _plan(date(2024, 3, 1)), POLICY)
    assert check.due_by == date(2024, 2, 23) and check.on_time


def test_a_notice_given_after_leaving_is_late_with_negative_days_ahead():
    check = check_travel_notice(date(2026, 5, 3), _plan(date(2026, 5, 1)), POLICY)
    assert not check.on_time and check.days_ahead == -2


def test_the_period_is_configuration_not_a_constant():
    offenders = dataclasses.replace(POLICY.offenders, travel_days_before=3)
    policy = dataclasses.replace(POLICY, offenders=offenders)
    assert check_travel_notice(date(2026, 3, 7), _plan(date(2026, 3, 10)), policy).on_time
    assert not check_travel_notice(date(2026, 3, 7), _plan(date(2026, 3, 10)), POLICY).on_time


def test_a_plan_needs_a_destination_and_no_return_before_departure():
    with pytest.raises(InputError, match="field: destination"):
        travel_plan(date(2026, 1, 5), None, "  ")
    with pytest.raises(InputError, match="field: returns_on"):
        travel_plan(date(2026, 1, 5), date(2026, 1, 4), "France")
    assert travel_plan(date(2026, 1, 5), None, " France ").destination == "France"


def test_late_notices_are_listed_and_travel_never_moves_the_annual_date():
    notes = [
        Notification(NotificationKind.INITIAL, date(2026, 1, 2)),
        Notification(NotificationKind.TRAVEL, date(2026, 2, 1), _plan(date(2026, 2, 20))),
        Notification(NotificationKind.TRAVEL, date(2026, 4, 1), _plan(date(2026, 4, 3))),
        Notification(NotificationKind.TRAVEL, date(2026, 5, 1)),  # recorded before plans were kept
    ]
    late = late_travel_notices(notes, POLICY)
    assert [c.departs_on for c in late] == [date(2026, 4, 3)]
    assert periodic_notification_due(notes, False, POLICY) == date(2027, 1, 2)


days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@given(departs=days, ahead=st.integers(min_value=-30, max_value=60), required=st.integers(0, 30))
def test_in_time_exactly_when_given_at_least_the_required_days_ahead(departs, ahead, required):
    """Property: on time <=> notified on or before departure - N, for every date and N."""
    offenders = dataclasses.replace(POLICY.offenders, travel_days_before=required)
    policy = dataclasses.replace(POLICY, offenders=offenders)
    notified = departs - timedelta(days=ahead)
    check = check_travel_notice(notified, _plan(departs), policy)
    assert check.on_time is (ahead >= required)
    assert check.days_ahead == ahead
    assert check.due_by == departs - timedelta(days=required)
    assert check.on_time is (notified <= check.due_by)


@given(st.lists(st.tuples(days, st.integers(-10, 30)), max_size=12))
def test_late_notices_are_exactly_the_travel_notices_given_too_late(trips):
    """Property: the late list is every (and only every) travel notice short of N days."""
    notes = [
        Notification(NotificationKind.TRAVEL, d - timedelta(days=a), _plan(d)) for d, a in trips
    ]
    late = late_travel_notices(notes, POLICY)
    expected = sorted(
        d - timedelta(days=a) for d, a in trips if a < POLICY.offenders.travel_days_before
    )
    assert [c.notified_on for c in late] == expected
    assert all(not c.on_time for c in late)
