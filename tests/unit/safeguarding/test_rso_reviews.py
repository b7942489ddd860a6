"""Risk-review triggers of registered offenders (reactive management, STANDARDS.md 5.2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.kernel.errors import ConfigurationError, DomainRuleViolation, InputError
from watchkeeper.safeguarding.offenders import check_travel_notice, travel_plan
from watchkeeper.safeguarding.policy import (
    bundled_document,
    default_policy,
    parse_safeguarding_policy,
)
from watchkeeper.safeguarding.rso_reviews import (
    BREACH,
    ReviewOutcome,
    RiskEvent,
    RiskEventKind,
    breach_summary,
    new_trigger,
    review_due_at,
    review_outcome,
    unreviewed,
)

POLICY = default_policy()
TRIGGERS = POLICY.offenders.review_triggers
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _trigger(key: str, at: datetime) -> RiskEvent:
    return new_trigger(key, at, "what happened", "ppo", TRIGGERS)


def _review(at: datetime) -> RiskEvent:
    return RiskEvent(RiskEventKind.REVIEW, "plan-confirmed", at, "reviewed", "ppo")


def test_the_confirmed_triggers_are_those_standards_names_and_the_rest_are_labelled_defaults():
    confirmed = {k for k, t in TRIGGERS.items() if t.confirmed}
    assert confirmed == {"new-intelligence", "change-of-circumstances"}
    for trigger in TRIGGERS.values():
        assert "STANDARDS.md 5" in trigger.source
        assert trigger.confirmed or "UNCONFIRMED" in trigger.source
        assert "assumed" in trigger.source  # no national time limit for the review


def test_a_trigger_owes_a_review_due_by_its_configured_time():
    due = review_due_at([_trigger("new-intelligence", T0)], TRIGGERS)
    assert due == T0 + timedelta(hours=72)


def test_the_review_is_due_by_the_earliest_unreviewed_trigger():
    events = [_trigger("new-intelligence", T0), _trigger("arrest", T0 + timedelta(hours=1))]
    assert review_due_at(events, TRIGGERS) == T0 + timedelta(hours=25)


def test_a_review_answers_every_trigger_before_it_but_not_one_after():
    events = [_trigger("arrest", T0), _review(T0 + timedelta(hours=2))]
    assert review_due_at(events, TRIGGERS) is None
    later = _trigger("change-of-circumstances", T0 + timedelta(hours=3))
    assert unreviewed([*events, later]) == (later,)
    assert review_due_at([*events, later], TRIGGERS) == later.at + timedelta(hours=72)


def test_an_unknown_trigger_or_a_blank_summary_is_refused_naming_the_field():
    with pytest.raises(InputError, match=r"field: trigger"):
        new_trigger("bad-weather", T0, "x", "ppo", TRIGGERS)
    with pytest.raises(InputError, match=r"field: summary"):
        new_trigger("arrest", T0, "  ", "ppo", TRIGGERS)


def test_a_reactive_offender_cannot_simply_have_the_plan_confirmed():
    with pytest.raises(DomainRuleViolation, match="reactive"):
        review_outcome("plan-confirmed", reactive=True, rationale="fine")
    with pytest.raises(DomainRuleViolation, match="actively managed"):
        review_outcome("remain-reactive", reactive=False, rationale="fine")
    with pytest.raises(InputError, match="rationale"):
        review_outcome("return-to-active", reactive=True, rationale=" ")
    assert review_outcome("return-to-active", True, "new partner") is ReviewOutcome.RETURN_TO_ACTIVE


def test_a_late_travel_notice_becomes_a_breach_summary_naming_the_rule():
    check = check_travel_notice(
        date(2026, 3, 1), travel_plan(date(2026, 3, 4), None, "Spain"), POLICY
    )
    assert not check.on_time
    assert breach_summary(check).startswith("travel-notice-late")
    assert BREACH in TRIGGERS


def test_a_reactive_trigger_that_is_not_configured_is_refused():
    doc = bundled_document("safeguarding-default.toml")
    doc["offenders"]["reactive_management"]["review_triggers"] = ["new-intelligence", "moon-phase"]
    with pytest.raises(ConfigurationError, match="moon-phase"):
        parse_safeguarding_policy(doc)


_events = st.lists(
    st.tuples(
        st.sampled_from([*sorted(TRIGGERS), "<review>"]),
        st.integers(min_value=1, max_value=24 * 60),  # minutes after the previous event
    ),
    max_size=12,
)


@given(_events)
def test_no_trigger_is_ever_left_without_a_due_review(spec):
    """Property: a review is owed exactly when a trigger follows the latest review, and it is
    due no later than any waiting trigger's own due time."""
    events, at = [], T0
    for key, gap in spec:
        at += timedelta(minutes=gap)
        events.append(_review(at) if key == "<review>" else _trigger(key, at))
    due = review_due_at(events, TRIGGERS)
    reviews = [e.at for e in events if e.kind is RiskEventKind.REVIEW]
    waiting = [e for e in events if e.kind is RiskEventKind.TRIGGER
               and (not reviews or e.at > max(reviews))]  # fmt: skip
    assert (due is None) == (not waiting)
    for event in waiting:
        assert due is not None
        assert due <= event.at + TRIGGERS[event.name].due_after
