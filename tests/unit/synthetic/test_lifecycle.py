"""Lifecycle plans: attendance in order, nothing recorded after now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from watchkeeper.incidents.entries import CallSource, Grade, Location, Opened
from watchkeeper.incidents.model import Incident, Status
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.settings import load_force_profile
from watchkeeper.synthetic.config import load_synthetic_config
from watchkeeper.synthetic.lifecycle import Lifecycle, record_steps, staff_for

LOGGED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _lifecycle(seed: int) -> Lifecycle:
    config = load_synthetic_config()
    staff = staff_for(config, ("north", "central"))
    return Lifecycle(config, load_force_profile(), 0.8, staff, np.random.default_rng(seed))


def _incident() -> Incident:
    opened = Opened(CallSource.EMERGENCY_999, Location("1 Oak Road", "north"), "violence")
    return Incident.open(IncidentId("INC-TEST"), opened, LOGGED, "ch-1001", LOGGED)


def test_a_deployed_incident_is_assigned_then_arrives_then_closes():
    lifecycle = _lifecycle(1)
    for _ in range(100):
        steps = lifecycle.plan(Grade.EMERGENCY, "north", LOGGED, 3.0)
        kinds = [s.payload.kind for s in sorted(steps, key=lambda s: s.minute)]
        assert kinds[-3:] == ["en-route", "arrived", "closed"] or kinds[-2:] == [
            "arrived",
            "closed",
        ]
        assert kinds.index("resource-assigned") < kinds.index("arrived")


def test_steps_after_now_are_not_recorded():
    incident = _incident()
    steps = _lifecycle(2).plan(Grade.PRIORITY, "north", LOGGED, 3.0)
    record_steps(incident, steps, LOGGED + timedelta(minutes=4))
    assert len(incident.entries) == 1
    assert incident.state.status is Status.OPEN


def test_resolution_without_deployment_closes_after_a_call_back():
    incident = _incident()
    steps = _lifecycle(3).plan(Grade.RESOLUTION_WITHOUT_DEPLOYMENT, "north", LOGGED, 3.0)
    record_steps(incident, steps, LOGGED + timedelta(days=2))
    state = incident.state
    assert state.status is Status.CLOSED
    assert state.last_contact_at is not None and state.arrived_at is None


def test_scheduled_incidents_are_attended_at_a_half_hour_appointment():
    lifecycle = _lifecycle(4)
    booked = []
    for _ in range(40):
        incident = _incident()
        record_steps(
            incident,
            lifecycle.plan(Grade.SCHEDULED, "north", LOGGED, 3.0),
            LOGGED + timedelta(days=30),
        )
        if incident.state.appointment_at is not None:
            booked.append(incident.state)
    assert booked
    for state in booked:
        assert state.appointment_at.minute in (0, 30)
        assert state.arrived_at >= state.appointment_at
