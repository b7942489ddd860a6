"""Dispatch demand read from an incident's state, the force profile and the dispatch config."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watchkeeper.dispatch.config import bundled_dispatch_document, parse_dispatch_config
from watchkeeper.dispatch.demand import demand_for
from watchkeeper.incidents.entries import (
    CallSource,
    Grade,
    Graded,
    Location,
    Opened,
    ResourceAssigned,
    VulnerabilityMarked,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.settings import load_force_profile

T0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
PROFILE = load_force_profile()
CONFIG = parse_dispatch_config(bundled_dispatch_document())


def incident(category="domestic-abuse", area="west", lat=52.4, lon=-1.9):
    opened = Opened(CallSource.EMERGENCY_999, Location("1 High St", area, lat, lon), category)
    inc = Incident.open(IncidentId("INC-1"), opened, T0, "ch", T0)
    inc.record(Graded(Grade.EMERGENCY, "P1"), T0, "ch", T0)
    return inc


def test_a_graded_incident_asks_for_units_by_its_deadline_with_its_needs():
    inc = incident()
    inc.record(VulnerabilityMarked("weapons"), T0, "ch", T0)
    d = demand_for(inc.state, 42.0, PROFILE, CONFIG)
    assert d is not None
    assert d.deadline == T0 + timedelta(minutes=20)  # west is rural: 20-minute emergency target
    assert (d.area_class, d.location) == ("rural", Point(52.4, -1.9))
    assert d.needs.required == {"response", "double-crewed"}
    assert d.needs.preferred == {"da-trained", "arv"}
    assert d.minutes_to_deadline(T0 + timedelta(minutes=5)) == 15.0


def test_an_incident_without_coordinates_has_no_location():
    d = demand_for(incident(lat=None, lon=None).state, 1.0, PROFILE, CONFIG)
    assert d is not None and d.location is None


def test_incidents_already_assigned_or_resolved_without_deployment_ask_for_nobody():
    assigned = incident()
    assigned.record(ResourceAssigned("B21"), T0, "disp", T0)
    rwd = incident()
    rwd.record(Graded(Grade.RESOLUTION_WITHOUT_DEPLOYMENT, "P4", "advice given"), T0, "ch", T0)
    assert demand_for(assigned.state, 1.0, PROFILE, CONFIG) is None
    assert demand_for(rwd.state, 1.0, PROFILE, CONFIG) is None
