"""What happens to a synthetic incident after it is logged: a timed plan of entries.

A plan is drawn once (minutes after logging); only the steps at or before ``now`` are
recorded, through ``Incident.record`` so every domain rule applies. Steps after ``now``
have not happened yet, which is what leaves a living open set at ``now``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from watchkeeper.incidents.entries import (
    AppointmentBooked,
    Arrived,
    BacklogReviewed,
    Closed,
    ContactMade,
    EnRoute,
    EntryPayload,
    Grade,
    ResourceAssigned,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.synthetic.config import SyntheticConfig

MAX_REVIEWS = 6


@dataclass(frozen=True, slots=True)
class Staff:
    """Who writes the entries: call handlers, dispatchers, supervisors, units by area."""

    call_handlers: tuple[str, ...]
    dispatchers: tuple[str, ...]
    supervisors: tuple[str, ...]
    units: dict[str, tuple[str, ...]]


def staff_for(config: SyntheticConfig, areas: tuple[str, ...]) -> Staff:
    """Invented staff ids (call handlers ``ch-1001``...) and unit call signs (``NR01``...)."""
    u = config.units
    per_area = int(u.response_per_area.value)
    return Staff(
        tuple(f"ch-{1001 + i}" for i in range(int(u.call_handlers.value))),
        tuple(f"disp-{3001 + i}" for i in range(int(u.dispatchers.value))),
        tuple(f"sup-{2001 + i}" for i in range(int(u.supervisors.value))),
        {a: tuple(f"{a[0].upper()}R{n:02d}" for n in range(1, per_area + 1)) for a in areas},
    )


@dataclass(frozen=True, slots=True)
class Step:
    minute: float
    author: str
    payload: EntryPayload


class Lifecycle:
    """Draws a plan for an incident's grade and records the steps that have happened."""

    def __init__(
        self,
        config: SyntheticConfig,
        profile: ForceProfile,
        log_sigma: float,
        staff: Staff,
        rng: np.random.Generator,
    ) -> None:
        self._config, self._profile, self._sigma = config, profile, log_sigma
        self._staff, self._rng = staff, rng

    def _lognormal(self, median: float) -> float:
        return float(median * math.exp(self._sigma * self._rng.standard_normal()))

    def _pick(self, names: tuple[str, ...]) -> str:
        return names[int(self._rng.integers(len(names)))]

    def _held(self, grade: Grade) -> bool:
        b = self._config.backlog
        share = {Grade.PRIORITY: b.held_share_priority, Grade.SCHEDULED: b.held_share_scheduled}
        rate = share.get(grade)
        return rate is not None and self._rng.random() < rate.value

    def _attendance_minutes(self, grade: Grade, held: bool) -> float:
        a = self._config.attendance
        if grade is Grade.EMERGENCY:
            minutes = self._lognormal(a.emergency_median_minutes.value)
        elif grade is Grade.PRIORITY:
            minutes = self._lognormal(a.priority_median_minutes.value)
        else:
            minutes = self._lognormal(a.scheduled_appointment_median_hours.value * 60)
        if held:
            minutes *= self._lognormal(self._config.backlog.held_delay_median_factor.value)
        return max(minutes, 1.0)

    def plan(self, grade: Grade, area: str, logged: datetime, start: float) -> list[Step]:
        """Steps after the intake entries (which end ``start`` minutes after ``logged``)."""
        if grade is Grade.RESOLUTION_WITHOUT_DEPLOYMENT:
            return self._resolved_by_phone(start)
        held = self._held(grade)
        attend = start + self._attendance_minutes(grade, held)
        steps: list[Step] = []
        if grade is Grade.SCHEDULED and not held:
            attend, steps = self._appointment(logged, start, attend)
        assigned = self._assigned_minute(start, attend)
        steps += self._deployment(area, assigned, attend)
        steps += self._callback(start, assigned) + self._reviews(attend)
        return steps

    def _assigned_minute(self, start: float, attend: float) -> float:
        """Travel is the share of the wait after dispatch, capped at the priority median so
        a long-held incident waits for a unit, not on the road."""
        a = self._config.attendance
        wait = attend - start
        travel = (1.0 - a.dispatch_fraction.value) * min(wait, a.priority_median_minutes.value)
        return attend - travel

    def _resolved_by_phone(self, start: float) -> list[Step]:
        handler = self._pick(self._staff.call_handlers)
        median = self._config.attendance.callback_resolution_median_minutes.value
        contact = start + self._lognormal(median)
        close = contact + float(self._rng.uniform(3.0, 20.0))
        return [
            Step(contact, handler, ContactMade("advice given by telephone", "call-back")),
            Step(close, handler, Closed("resolved-without-deployment", "resolved by telephone")),
        ]

    def _appointment(
        self, logged: datetime, start: float, attend: float
    ) -> tuple[float, list[Step]]:
        booked = start + float(self._rng.uniform(2.0, 20.0))
        # Appointments are offered in half-hour slots of the wall clock.
        slot_at = _next_half_hour(logged + timedelta(minutes=max(attend, booked + 60.0)))
        slot = (slot_at - logged).total_seconds() / 60.0
        late = self._lognormal(self._config.attendance.scheduled_lateness_median_minutes.value)
        step = Step(booked, self._pick(self._staff.call_handlers), AppointmentBooked(slot_at))
        return slot + late, [step]

    def _deployment(self, area: str, assigned: float, attend: float) -> list[Step]:
        units = self._staff.units.get(area) or next(iter(self._staff.units.values()))
        unit = self._pick(units)
        en_route = min(attend, assigned + float(self._rng.uniform(0.2, 2.0)))
        closed = attend + self._lognormal(self._config.attendance.on_scene_median_minutes.value)
        closing = self._config.closing.shares
        category = str(self._rng.choice(list(closing), p=list(closing.values())))
        dispatcher = self._pick(self._staff.dispatchers)
        return [
            Step(assigned, dispatcher, ResourceAssigned(unit, "nearest available unit")),
            Step(en_route, unit, EnRoute(unit)),
            Step(attend, unit, Arrived(unit)),
            Step(closed, unit, Closed(category)),
        ]

    def _callback(self, start: float, assigned: float) -> list[Step]:
        """A call-back to a caller still waiting for a unit past the call-back interval."""
        due = self._profile.backlog.callback_due_minutes
        share = self._config.backlog.callback_share.value
        if assigned - start <= due or self._rng.random() >= share:
            return []
        at = start + float(self._rng.uniform(due, min(assigned - start, due * 4)))
        outcome = "caller updated; still waiting for attendance"
        return [Step(at, self._pick(self._staff.call_handlers), ContactMade(outcome, "call-back"))]

    def _reviews(self, attend: float) -> list[Step]:
        interval = self._profile.backlog.review_interval_minutes
        if attend <= interval or self._rng.random() >= self._config.backlog.reviewed_share.value:
            return []
        supervisor = self._pick(self._staff.supervisors)
        steps = []
        for k in range(1, MAX_REVIEWS + 1):
            at = interval * k + float(self._rng.uniform(-10.0, 20.0))
            if at >= attend:
                break
            note = "risk re-read; priority kept; caller contact checked"
            steps.append(Step(at, supervisor, BacklogReviewed(note, "reviewed")))
        return steps


def _next_half_hour(at: datetime) -> datetime:
    floor = at.replace(minute=0, second=0, microsecond=0)
    steps = math.ceil((at - floor).total_seconds() / 1800.0)
    return floor + timedelta(minutes=30 * steps)


def record_steps(incident: Incident, steps: list[Step], now: datetime) -> None:
    """Record, in time order, every step at or before ``now``."""
    logged = incident.entries[0].at
    for step in sorted(steps, key=lambda s: s.minute):
        at = logged + timedelta(seconds=round(step.minute * 60))
        if at > now:
            break
        incident.record(step.payload, at, step.author, at)
