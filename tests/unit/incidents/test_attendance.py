"""Attendance deadlines from the grade, the area's class and the force's clock rules."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.incidents.attendance import (
    attended_within_target,
    deadline,
    minutes_to_breach,
    waited_minutes,
)
from watchkeeper.incidents.entries import (
    AppointmentBooked,
    Arrived,
    CallSource,
    ContactMade,
    Grade,
    Graded,
    Location,
    Opened,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.settings import load_force_profile

T0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
PROFILE = load_force_profile()
LABELS = {
    Grade.EMERGENCY: "P1",
    Grade.PRIORITY: "P2",
    Grade.SCHEDULED: "P3",
    Grade.RESOLUTION_WITHOUT_DEPLOYMENT: "P4",
}


def _minutes(m: float) -> datetime:
    return T0 + timedelta(minutes=m)


def _incident(area: str = "north") -> Incident:
    opened = Opened(CallSource.EMERGENCY_999, Location("1 High Street", area), "violence")
    return Incident.open(IncidentId("INC-1"), opened, T0, "ch-1", T0)


def _graded(grade: Grade, at: float = 0.0, area: str = "north") -> Incident:
    incident = _incident(area)
    incident.record(Graded(grade, LABELS[grade]), _minutes(at), "ch-1", _minutes(at))
    return incident


def _regrade(incident: Incident, grade: Grade, at: float) -> Incident:
    incident.record(Graded(grade, LABELS[grade], "new facts"), _minutes(at), "sup-1", _minutes(at))
    return incident


def _arrive(incident: Incident, at: float) -> Incident:
    incident.record(Arrived("unit-1"), _minutes(at), "unit-1", _minutes(at))
    return incident


def _profile(**changes: object) -> ForceProfile:
    return dataclasses.replace(PROFILE, **changes)  # type: ignore[arg-type]


def test_an_urban_emergency_is_due_fifteen_minutes_after_it_was_logged() -> None:
    assert deadline(_graded(Grade.EMERGENCY, at=2).state, PROFILE) == _minutes(15)


def test_a_rural_emergency_is_due_twenty_minutes_after_it_was_logged() -> None:
    assert deadline(_graded(Grade.EMERGENCY, area="west").state, PROFILE) == _minutes(20)


def test_an_area_missing_from_the_profile_takes_the_default_class() -> None:
    assert deadline(_graded(Grade.EMERGENCY, area="nowhere").state, PROFILE) == _minutes(15)


def test_a_priority_incident_is_due_sixty_minutes_after_it_was_logged() -> None:
    assert deadline(_graded(Grade.PRIORITY).state, PROFILE) == _minutes(60)


def test_an_ungraded_incident_has_no_deadline() -> None:
    state = _incident().state
    assert deadline(state, PROFILE) is None
    assert minutes_to_breach(state, PROFILE, _minutes(500)) is None


def test_resolution_without_deployment_has_no_deadline() -> None:
    state = _graded(Grade.RESOLUTION_WITHOUT_DEPLOYMENT).state
    assert deadline(state, PROFILE) is None
    assert attended_within_target(state, PROFILE) is None


def test_a_scheduled_incident_is_due_at_its_booked_appointment() -> None:
    incident = _graded(Grade.SCHEDULED)
    assert deadline(incident.state, PROFILE) is None
    booked = _minutes(60 * 26)
    incident.record(AppointmentBooked(booked), _minutes(5), "ch-1", _minutes(5))
    assert deadline(incident.state, PROFILE) == booked


def test_a_regrade_applies_the_new_target_from_the_moment_of_logging() -> None:
    incident = _regrade(_graded(Grade.PRIORITY), Grade.EMERGENCY, at=10)
    assert deadline(incident.state, PROFILE) == _minutes(15)


def test_a_clock_started_at_grading_runs_from_the_grading() -> None:
    state = _graded(Grade.PRIORITY, at=7).state
    assert deadline(state, _profile(clock_start="graded")) == _minutes(67)


def test_a_regrade_keeps_a_clock_started_at_the_first_grading() -> None:
    incident = _regrade(_graded(Grade.PRIORITY, at=7), Grade.EMERGENCY, at=30)
    assert deadline(incident.state, _profile(clock_start="graded")) == _minutes(22)


def test_a_force_that_restarts_the_clock_on_regrade_measures_from_the_regrade() -> None:
    incident = _regrade(_graded(Grade.PRIORITY, at=7), Grade.EMERGENCY, at=30)
    assert deadline(incident.state, _profile(regrade_restarts_clock=True)) == _minutes(45)


def test_a_first_grading_does_not_restart_a_clock_that_runs_from_logging() -> None:
    state = _graded(Grade.EMERGENCY, at=7).state
    assert deadline(state, _profile(regrade_restarts_clock=True)) == _minutes(15)


def test_minutes_to_breach_counts_down_and_goes_negative_once_breached() -> None:
    state = _graded(Grade.EMERGENCY).state
    assert minutes_to_breach(state, PROFILE, _minutes(5)) == pytest.approx(10.0)
    assert minutes_to_breach(state, PROFILE, _minutes(21)) == pytest.approx(-6.0)


def test_attendance_is_measured_at_arrival_so_the_countdown_stops() -> None:
    state = _arrive(_graded(Grade.EMERGENCY), at=12).state
    assert minutes_to_breach(state, PROFILE, _minutes(90)) == pytest.approx(3.0)
    assert waited_minutes(state, _minutes(90)) == pytest.approx(12.0)
    assert attended_within_target(state, PROFILE) is True


def test_an_arrival_after_the_deadline_is_a_breach() -> None:
    state = _arrive(_graded(Grade.EMERGENCY), at=16).state
    assert minutes_to_breach(state, PROFILE, _minutes(90)) == pytest.approx(-1.0)
    assert attended_within_target(state, PROFILE) is False


def test_arriving_exactly_at_the_deadline_meets_the_target() -> None:
    state = _arrive(_graded(Grade.EMERGENCY), at=15).state
    assert attended_within_target(state, PROFILE) is True


def test_nobody_having_arrived_yet_is_neither_met_nor_missed() -> None:
    incident = _graded(Grade.EMERGENCY)
    incident.record(ContactMade("reassured"), _minutes(3), "ch-1", _minutes(3))
    assert attended_within_target(incident.state, PROFILE) is None


@given(
    grade=st.sampled_from([Grade.EMERGENCY, Grade.PRIORITY]),
    first=st.floats(0, 600),
    later=st.floats(0, 600),
)
def test_the_countdown_never_rises_as_time_passes(grade: Grade, first: float, later: float) -> None:
    state = _graded(grade).state
    earlier_left = minutes_to_breach(state, PROFILE, _minutes(first))
    later_left = minutes_to_breach(state, PROFILE, _minutes(first + later))
    assert earlier_left is not None and later_left is not None
    assert later_left <= earlier_left
