"""Missing persons: categorisation, reviews, return, RHIs and what is due next."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.safeguarding.forms import bundled_form, record_answers
from watchkeeper.safeguarding.missing import (
    CALL_HANDLER_FORM,
    DueKind,
    MissingReport,
    MissingRisk,
    SupervisoryReview,
    next_due,
    record_found,
    record_review,
    record_rhi_offered,
    record_safe_and_well,
    report_missing,
    timeline,
)
from watchkeeper.safeguarding.policy import default_policy

POLICY = default_policy()
FORM = bundled_form(CALL_HANDLER_FORM)
ANSWERS = record_answers(FORM, dict.fromkeys((q.key for q in FORM.questions), "not-known"))
REPORTED = datetime(2024, 3, 10, 20, 0, tzinfo=UTC)


def report(
    dob=date(2010, 1, 1), risk=MissingRisk.LOW, markers=(), looked_after=False, rationale=None
):
    return MissingReport(
        "EP-1", "P-1", REPORTED, dob, looked_after, frozenset(markers), risk, ANSWERS, rationale
    )


def episode(**kwargs):
    return report_missing(report(**kwargs), POLICY)


def test_a_person_under_18_at_report_time_is_flagged_a_child():
    assert episode(dob=date(2006, 3, 11)).is_child
    assert not episode(dob=date(2006, 3, 10)).is_child


def test_a_date_of_birth_in_the_future_is_refused():
    with pytest.raises(InputError, match="date of birth"):
        episode(dob=date(2025, 1, 1))


@pytest.mark.parametrize("marker", ["cse", "repeat-missing"])
def test_a_child_with_a_protected_marker_cannot_be_no_apparent_risk_unexplained(marker):
    with pytest.raises(DomainRuleViolation, match="categorisation rule"):
        episode(risk=MissingRisk.NO_APPARENT_RISK, markers=[marker])


def test_a_looked_after_child_cannot_be_no_apparent_risk_unexplained():
    with pytest.raises(DomainRuleViolation, match="looked-after"):
        episode(risk=MissingRisk.NO_APPARENT_RISK, looked_after=True)


def test_a_supervisor_rationale_allows_no_apparent_risk_for_a_flagged_child():
    ep = episode(
        risk=MissingRisk.NO_APPARENT_RISK, markers=["cse"], rationale="with grandparent, confirmed"
    )
    assert ep.risk is MissingRisk.NO_APPARENT_RISK


def test_an_adult_with_markers_may_be_no_apparent_risk():
    assert episode(dob=date(1980, 1, 1), risk=MissingRisk.NO_APPARENT_RISK, markers=["cse"]).is_open


@pytest.mark.parametrize(
    ("risk", "hours"),
    [("high", 1), ("medium", 4), ("low", 12), ("no-apparent-risk", 24)],
)
def test_the_first_review_is_due_at_the_configured_interval_for_the_risk(risk, hours):
    due = next_due(episode(dob=date(1980, 1, 1), risk=MissingRisk(risk)), REPORTED, POLICY.missing)
    assert (due.kind, due.due_at) == (DueKind.SUPERVISORY_REVIEW, REPORTED + timedelta(hours=hours))


def test_a_review_regrading_to_high_brings_the_next_review_forward():
    review = SupervisoryReview(
        REPORTED + timedelta(hours=2), "Sgt 4", MissingRisk.HIGH, "seen with adult"
    )
    ep = record_review(episode(), review, POLICY.missing)
    assert next_due(ep, REPORTED, POLICY.missing).due_at == REPORTED + timedelta(hours=3)


def test_a_review_dated_before_the_episode_began_is_refused():
    review = SupervisoryReview(REPORTED - timedelta(minutes=1), "Sgt 4", MissingRisk.LOW, "ok")
    with pytest.raises(InputError, match="before the episode began"):
        record_review(episode(), review, POLICY.missing)


def test_an_overdue_review_is_reported_as_overdue():
    due = next_due(episode(), REPORTED + timedelta(hours=13), POLICY.missing)
    assert due.overdue


def test_a_returned_child_is_owed_a_safe_and_well_check_then_an_rhi_within_72_hours():
    found_at = REPORTED + timedelta(hours=5)
    ep = record_found(episode(), found_at)
    assert next_due(ep, found_at, POLICY.missing).kind is DueKind.SAFE_AND_WELL_CHECK
    ep = record_safe_and_well(ep, found_at + timedelta(hours=1))
    due = next_due(ep, found_at, POLICY.missing)
    assert (due.kind, due.due_at) == (DueKind.RETURN_HOME_INTERVIEW, found_at + timedelta(hours=72))
    ep = record_rhi_offered(ep, found_at + timedelta(hours=30))
    assert not ep.is_open and next_due(ep, found_at, POLICY.missing) is None


def test_an_adult_episode_closes_after_the_safe_and_well_check():
    ep = record_found(episode(dob=date(1980, 1, 1)), REPORTED + timedelta(hours=1))
    ep = record_safe_and_well(ep, REPORTED + timedelta(hours=2))
    assert not ep.is_open


def test_an_rhi_for_an_adult_is_refused():
    ep = record_found(episode(dob=date(1980, 1, 1)), REPORTED + timedelta(hours=1))
    with pytest.raises(DomainRuleViolation, match="children"):
        record_rhi_offered(ep, REPORTED + timedelta(hours=2))


def test_a_safe_and_well_check_before_the_person_is_found_is_refused():
    with pytest.raises(DomainRuleViolation, match="not been recorded as found"):
        record_safe_and_well(episode(), REPORTED)


def test_the_timeline_lists_events_in_time_order():
    ep = record_review(
        episode(),
        SupervisoryReview(REPORTED + timedelta(hours=1), "Sgt", MissingRisk.LOW, "ok"),
        POLICY.missing,
    )
    ep = record_found(ep, REPORTED + timedelta(hours=3))
    assert [what.split(" ")[0] for _, what in timeline(ep)] == ["reported", "reviewed", "found"]


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["review", "found", "safe-and-well", "rhi"]),
        st.integers(0, 200),
        st.sampled_from(list(MissingRisk)),
    ),
    max_size=8,
)


def apply(ep, step, at):
    kind, _, level = step
    actions = {
        "review": lambda: record_review(
            ep, SupervisoryReview(at, "Sgt", level, "reviewed"), POLICY.missing
        ),
        "found": lambda: record_found(ep, at),
        "safe-and-well": lambda: record_safe_and_well(ep, at),
        "rhi": lambda: record_rhi_offered(ep, at),
    }
    try:
        return actions[kind]()
    except (InputError, DomainRuleViolation):
        return ep  # a refused step changes nothing


@settings(max_examples=150, deadline=None)
@given(STEPS, st.booleans(), st.sampled_from(list(MissingRisk)))
def test_no_open_episode_is_ever_without_a_next_due_date(steps, child, risk):
    dob = date(2012, 1, 1) if child else date(1970, 1, 1)
    ep = episode(dob=dob, risk=risk)
    at = REPORTED
    for step in steps:
        at += timedelta(minutes=step[1])
        ep = apply(ep, step, at)
        due = next_due(ep, at, POLICY.missing)
        assert (due is not None) == ep.is_open
