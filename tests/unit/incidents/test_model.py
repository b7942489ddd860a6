"""The incident log: append-only, struck not deleted, state derived from entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.incidents.entries import (
    Arrived,
    BacklogReviewed,
    CallSource,
    Closed,
    ContactMade,
    Grade,
    Graded,
    Level,
    LinkedDuplicate,
    Location,
    Opened,
    ResourceAssigned,
    Struck,
    ThriveAssessed,
    ThriveElement,
    ThriveRating,
    VulnerabilityMarked,
)
from watchkeeper.incidents.model import Incident, Status, derive_state
from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.kernel.ids import IncidentId

T0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def _opened() -> Opened:
    return Opened(CallSource.EMERGENCY_999, Location("1 High Street", "north"), "domestic-abuse")


def _incident() -> Incident:
    incident = Incident.open(IncidentId("INC-1"), _opened(), T0, "ch-1", T0)
    incident.record(Graded(Grade.PRIORITY, "P2"), T0, "ch-1", T0)
    return incident


def test_a_new_incident_is_open_and_graded_from_its_log() -> None:
    state = _incident().state
    assert state.status is Status.OPEN
    assert state.grade is not None and state.grade.grade is Grade.PRIORITY
    assert state.logged_at == T0


def test_regrading_needs_a_reason() -> None:
    incident = _incident()
    with pytest.raises(DomainRuleViolation, match="reason"):
        incident.record(Graded(Grade.EMERGENCY, "P1"), T0, "sup-1", T0)
    incident.record(Graded(Grade.EMERGENCY, "P1", "weapon mentioned"), T0, "sup-1", T0)
    assert incident.state.grade == Graded(Grade.EMERGENCY, "P1", "weapon mentioned")


def test_regrading_a_closed_incident_is_refused() -> None:
    incident = _incident()
    incident.record(Closed("no-further-action"), T0 + timedelta(hours=1), "ch-1", T0)
    with pytest.raises(DomainRuleViolation, match="closed"):
        incident.record(
            Graded(Grade.EMERGENCY, "P1", "late info"), T0 + timedelta(hours=2), "x", T0
        )


def test_an_entry_before_the_incident_was_logged_is_refused() -> None:
    incident = _incident()
    with pytest.raises(DomainRuleViolation, match="before the incident was logged"):
        incident.record(Arrived("PC-1"), T0 - timedelta(minutes=1), "ch-1", T0)


def test_a_struck_entry_stays_in_the_log_but_no_longer_counts() -> None:
    incident = _incident()
    incident.record(VulnerabilityMarked("child"), T0, "ch-1", T0)
    incident.record(Struck(3, "marker added to wrong incident"), T0, "sup-1", T0)
    assert len(incident.entries) == 4
    assert "child" not in incident.state.markers
    assert incident.state.struck_seqs == frozenset({3})


def test_striking_a_close_reopens_the_incident() -> None:
    incident = _incident()
    incident.record(Closed("advice-given"), T0 + timedelta(minutes=5), "ch-1", T0)
    incident.record(Struck(3, "closed in error"), T0 + timedelta(minutes=6), "sup-1", T0)
    assert incident.state.status is Status.OPEN


@pytest.mark.parametrize(
    ("target", "reason", "message"),
    [(1, "x", "cannot be struck"), (9, "x", "cannot be struck"), (2, " ", "reason")],
)
def test_bad_strikes_are_refused(target: int, reason: str, message: str) -> None:
    with pytest.raises(DomainRuleViolation, match=message):
        _incident().record(Struck(target, reason), T0, "sup-1", T0)


def test_a_strike_cannot_be_struck_or_repeated() -> None:
    incident = _incident()
    incident.record(ContactMade("no answer"), T0, "ch-1", T0)
    incident.record(Struck(3, "wrong incident"), T0, "sup-1", T0)
    with pytest.raises(DomainRuleViolation, match="already struck"):
        incident.record(Struck(3, "again"), T0, "sup-1", T0)
    with pytest.raises(DomainRuleViolation, match="strike cannot itself"):
        incident.record(Struck(4, "undo"), T0, "sup-1", T0)


def test_an_incident_cannot_duplicate_itself() -> None:
    with pytest.raises(DomainRuleViolation, match="itself"):
        _incident().record(LinkedDuplicate("INC-1"), T0, "ch-1", T0)


def test_lifecycle_moves_through_assigned_on_scene_and_closed() -> None:
    incident = _incident()
    incident.record(ResourceAssigned("PC-1"), T0 + timedelta(minutes=3), "d-1", T0)
    assert incident.state.status is Status.ASSIGNED
    incident.record(Arrived("PC-1"), T0 + timedelta(minutes=20), "PC-1", T0)
    incident.record(Arrived("PC-2"), T0 + timedelta(minutes=25), "PC-2", T0)
    state = incident.state
    assert state.status is Status.ON_SCENE
    assert state.arrived_at == T0 + timedelta(minutes=20)  # first arrival is the attendance time
    incident.record(Closed("crime-recorded"), T0 + timedelta(hours=2), "PC-1", T0)
    assert incident.state.closed_at == T0 + timedelta(hours=2)


def test_as_of_rebuilds_the_state_at_a_past_moment() -> None:
    incident = _incident()
    incident.record(BacklogReviewed("still waiting"), T0 + timedelta(minutes=30), "sup-1", T0)
    incident.record(Closed("resolved"), T0 + timedelta(hours=1), "ch-1", T0)
    before = derive_state(tuple(incident.entries), as_of=T0 + timedelta(minutes=45))
    assert before.status is Status.OPEN and before.last_review_at is not None
    with pytest.raises(DomainRuleViolation, match="must begin"):
        derive_state(tuple(incident.entries), as_of=T0 - timedelta(seconds=1))


def test_thrive_needs_every_element_with_a_rationale() -> None:
    ratings = {e: ThriveRating(Level.LOW, "seen") for e in ThriveElement}
    ThriveAssessed(ratings)  # complete: accepted
    partial = dict(ratings)
    del partial[ThriveElement.ENGAGEMENT]
    with pytest.raises(InputError, match="engagement"):
        ThriveAssessed(partial)
    with pytest.raises(InputError, match="rationale"):
        ThriveAssessed({**ratings, ThriveElement.HARM: ThriveRating(Level.HIGH, "  ")})


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        Incident.open(IncidentId("INC-2"), _opened(), datetime(2026, 1, 1), "ch-1", T0)


@given(st.lists(st.sampled_from(["child", "alone", "mental-health"]), max_size=12), st.data())
def test_markers_follow_the_last_unstruck_entry_for_each_code(
    markers: list[str], data: st.DataObject
) -> None:
    incident = _incident()
    expected: dict[str, bool] = {}
    for code in markers:
        present = data.draw(st.booleans())
        incident.record(VulnerabilityMarked(code, present), T0, "ch-1", T0)
        expected[code] = present
    assert incident.state.markers == frozenset(c for c, p in expected.items() if p)
    assert [e.seq for e in incident.entries] == list(range(1, len(incident.entries) + 1))
