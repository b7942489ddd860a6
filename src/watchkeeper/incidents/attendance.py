"""Attendance deadlines: when an incident must be attended, and whether it was.

Targets are force configuration (``ForceProfile.target_minutes``), never code: the defaults
are the 15/20-minute emergency standard and West Midlands' 60-minute P2 (STANDARDS.md 1.3).
Everything here is a pure function of the derived ``IncidentState``; ``now`` is an input.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from watchkeeper.incidents.entries import Grade
from watchkeeper.incidents.model import IncidentState
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.kernel.clock import minutes_between


def first_graded_at(state: IncidentState) -> datetime | None:
    """When the incident was first graded (a re-grade keeps this moment)."""
    return state.first_graded_at


def clock_started_at(state: IncidentState, profile: ForceProfile) -> datetime | None:
    """The moment the attendance clock started; None while the incident is ungraded."""
    if state.grade is None or state.graded_at is None:
        return None
    first = first_graded_at(state) or state.graded_at
    regraded = state.graded_at != first
    if profile.regrade_restarts_clock and regraded:
        return state.graded_at
    return state.logged_at if profile.clock_start == "logged" else first


def timed_target(state: IncidentState, profile: ForceProfile) -> tuple[datetime, float] | None:
    """The clock start and target minutes when the grade has a timed target, else None.

    Resolution without deployment never has one (nobody attends); a scheduled incident
    with a booked appointment is due at the appointment instead of against a clock.
    """
    start = clock_started_at(state, profile)
    if state.grade is None or start is None:
        return None
    grade = state.grade.grade
    if grade is Grade.RESOLUTION_WITHOUT_DEPLOYMENT:
        return None
    if grade is Grade.SCHEDULED and state.appointment_at is not None:
        return None
    target = profile.target_minutes(grade, state.location.area)
    return None if target is None else (start, target)


def deadline(state: IncidentState, profile: ForceProfile) -> datetime | None:
    """When the incident must be attended by; None when no attendance is due."""
    booked = state.grade is not None and state.grade.grade is Grade.SCHEDULED
    if booked and state.appointment_at is not None:
        return state.appointment_at
    timed = timed_target(state, profile)
    if timed is None:
        return None
    start, target = timed
    return start + timedelta(minutes=target)


def attendance_end(state: IncidentState, now: datetime) -> datetime:
    """Where the attendance clock stops: first arrival, or ``now`` while nobody is there."""
    if state.arrived_at is not None and state.arrived_at <= now:
        return state.arrived_at
    return now


def waited_minutes(state: IncidentState, now: datetime) -> float:
    """Minutes from logging until first arrival (or ``now``); never negative."""
    return max(0.0, minutes_between(state.logged_at, attendance_end(state, now)))


def minutes_to_breach(state: IncidentState, profile: ForceProfile, now: datetime) -> float | None:
    """Minutes left before the deadline (negative once breached); None when none is due.

    Once an officer has arrived, attendance is measured at arrival, so the value stops
    moving: negative if they arrived after the deadline.
    """
    due = deadline(state, profile)
    if due is None:
        return None
    return minutes_between(attendance_end(state, now), due)


def attended_within_target(state: IncidentState, profile: ForceProfile) -> bool | None:
    """Whether the first arrival met the deadline; None if none is due or nobody arrived."""
    due = deadline(state, profile)
    if due is None or state.arrived_at is None:
        return None
    return state.arrived_at <= due
