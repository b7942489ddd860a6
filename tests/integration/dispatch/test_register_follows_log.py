"""The unit register follows the incident log: en route, arrived and closed move units.

Each movement is written in the log's own transaction: a move the register refuses leaves
neither a log entry nor a changed unit. Runs on SQLite and (when configured) PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import build
from watchkeeper.dispatch.register import NewUnit, UnitChange
from watchkeeper.dispatch.units import UnitKind, UnitStatus
from watchkeeper.incidents.entries import (
    Arrived,
    CallSource,
    Closed,
    EnRoute,
    Location,
    ResourceAssigned,
)
from watchkeeper.incidents.services import NewIncident
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import ConcurrencyConflict, DomainRuleViolation
from watchkeeper.kernel.geo import Point
from watchkeeper.persistence import schema
from watchkeeper.settings import Settings

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
HANDLER = Actor("handler", Role.CALL_HANDLER, "web")
DISPATCHER = Actor("dispatcher", Role.DISPATCHER, "web")
SUPERVISOR = Actor("supervisor", Role.SUPERVISOR, "web")


class FastHasher:
    def hash(self, password):
        return f"fake${password}"

    def verify(self, password_hash, password):
        return password_hash == f"fake${password}"


@pytest.fixture
def wired(database_url, tmp_path):
    schema.upgrade(database_url)
    clock = FixedClock(T0)
    settings = Settings(
        database_url=database_url,
        force_profile_path=None,
        audit_key_file=tmp_path / "audit.key",
        audit_head_file=tmp_path / "audit.head",
    )
    application = build(settings, clock, hasher=FastHasher())
    yield application, clock
    application.dispatch.cache.settle()
    application.close()


def register(application, call_sign):
    unit = NewUnit(
        call_sign=call_sign,
        kind=UnitKind.VEHICLE,
        skills=frozenset({"response"}),
        area="central",
        position=Point(52.481, -1.891),
    )
    application.dispatch.register(DISPATCHER, unit)


def log(application, category="burglary"):
    location = Location("1 High Street", "central", 52.48, -1.89)
    request = NewIncident(CallSource.EMERGENCY_999, location, category, "P2")
    return application.incidents.log_incident(HANDLER, request)


def unit(application, call_sign):
    (found,) = [u for u in application.dispatch.units(DISPATCHER) if u.call_sign == call_sign]
    return found


def kinds(application, incident):
    return [
        e.payload.kind for e in application.incidents.show(DISPATCHER, incident).incident.entries
    ]


def test_a_sent_unit_goes_en_route_on_scene_and_is_free_again_when_the_incident_closes(wired):
    application, clock = wired
    register(application, "CE01")
    burglary = log(application)
    clock.advance(timedelta(minutes=1))
    application.dispatch.override(DISPATCHER, burglary, "CE01", "closest car")
    assert unit(application, "CE01").status is UnitStatus.ASSIGNED

    clock.advance(timedelta(minutes=1))
    application.incidents.record(DISPATCHER, burglary, EnRoute("CE01"))
    en_route = unit(application, "CE01")
    assert (en_route.status, en_route.incident_id) == (UnitStatus.EN_ROUTE, burglary)
    assert en_route.updated_at == clock.now()

    clock.advance(timedelta(minutes=6))
    application.incidents.record(DISPATCHER, burglary, Arrived("CE01"))
    assert unit(application, "CE01").status is UnitStatus.ON_SCENE

    clock.advance(timedelta(minutes=30))
    application.incidents.record(SUPERVISOR, burglary, Closed("advice-given"))
    freed = unit(application, "CE01")
    assert (freed.status, freed.incident_id, freed.job_category) == (
        UnitStatus.AVAILABLE,
        None,
        None,
    )
    assert kinds(application, burglary)[-4:] == [
        "resource-assigned",
        "en-route",
        "arrived",
        "closed",
    ]


def test_a_unit_may_arrive_without_an_en_route_entry(wired):
    application, _ = wired
    register(application, "CE01")
    burglary = log(application)
    application.dispatch.override(DISPATCHER, burglary, "CE01", "closest car")

    application.incidents.record(DISPATCHER, burglary, Arrived("CE01"))

    assert unit(application, "CE01").status is UnitStatus.ON_SCENE


def test_en_route_for_a_unit_never_sent_is_refused_naming_it_and_nothing_is_written(wired):
    application, _ = wired
    register(application, "CE01")
    burglary = log(application)
    before = application.incidents.show(DISPATCHER, burglary).incident.version

    with pytest.raises(DomainRuleViolation, match="unit CE01 cannot go from available to en-route"):
        application.incidents.record(DISPATCHER, burglary, EnRoute("CE01"))

    assert application.incidents.show(DISPATCHER, burglary).incident.version == before
    assert "en-route" not in kinds(application, burglary)
    still = unit(application, "CE01")
    assert (still.status, still.version) == (UnitStatus.AVAILABLE, 1)


def test_a_unit_working_another_incident_cannot_arrive_at_this_one(wired):
    application, _ = wired
    register(application, "CE01")
    first, second = log(application), log(application, "theft")
    application.dispatch.override(DISPATCHER, first, "CE01", "closest car")

    with pytest.raises(DomainRuleViolation, match=f"unit CE01 is assigned at incident {first}"):
        application.incidents.record(DISPATCHER, second, Arrived("CE01"))

    assert "arrived" not in kinds(application, second)
    assert unit(application, "CE01").incident_id == first


def test_arriving_twice_or_going_back_en_route_is_refused(wired):
    application, _ = wired
    register(application, "CE01")
    burglary = log(application)
    application.dispatch.override(DISPATCHER, burglary, "CE01", "closest car")
    application.incidents.record(DISPATCHER, burglary, Arrived("CE01"))

    with pytest.raises(DomainRuleViolation, match="unit CE01 is already on-scene"):
        application.incidents.record(DISPATCHER, burglary, Arrived("CE01"))
    with pytest.raises(DomainRuleViolation, match="unit CE01 cannot go from on-scene to en-route"):
        application.incidents.record(DISPATCHER, burglary, EnRoute("CE01"))

    assert kinds(application, burglary).count("arrived") == 1


def test_closing_frees_every_unit_on_the_incident_and_no_other(wired):
    application, _ = wired
    for call_sign in ("CE01", "CE02", "CE03"):
        register(application, call_sign)
    burglary, theft = log(application), log(application, "theft")
    application.dispatch.override(DISPATCHER, burglary, "CE01", "closest car")
    application.incidents.record(DISPATCHER, burglary, ResourceAssigned("CE02", "second car"))
    application.dispatch.override(DISPATCHER, theft, "CE03", "free car")
    application.incidents.record(DISPATCHER, burglary, Arrived("CE01"))

    application.incidents.record(SUPERVISOR, burglary, Closed("crime-recorded"))

    assert unit(application, "CE01").status is UnitStatus.AVAILABLE
    assert unit(application, "CE02").status is UnitStatus.AVAILABLE
    other = unit(application, "CE03")
    assert (other.status, other.incident_id) == (UnitStatus.ASSIGNED, theft)


def test_a_plain_assignment_entry_claims_a_registered_unit_too(wired):
    application, _ = wired
    register(application, "CE01")
    burglary, theft = log(application), log(application, "theft")

    application.incidents.record(DISPATCHER, burglary, ResourceAssigned("CE01", "radio"))

    claimed = unit(application, "CE01")
    assert (claimed.status, claimed.incident_id) == (UnitStatus.ASSIGNED, burglary)
    with pytest.raises(DomainRuleViolation, match="unit CE01 is assigned at incident"):
        application.incidents.record(DISPATCHER, theft, ResourceAssigned("CE01", "radio"))
    assert "resource-assigned" not in kinds(application, theft)


def test_a_unit_the_register_does_not_hold_is_left_to_the_log(wired):
    application, _ = wired
    register(application, "CE01")
    burglary = log(application)

    application.incidents.record(DISPATCHER, burglary, ResourceAssigned("MUTUAL-AID-7", "loan"))
    application.incidents.record(DISPATCHER, burglary, EnRoute("MUTUAL-AID-7"))
    application.incidents.record(DISPATCHER, burglary, Arrived("MUTUAL-AID-7"))
    application.incidents.record(SUPERVISOR, burglary, Closed("advice-given"))

    assert kinds(application, burglary)[-3:] == ["en-route", "arrived", "closed"]
    assert [(u.call_sign, u.status, u.version) for u in application.dispatch.units(DISPATCHER)] == [
        ("CE01", UnitStatus.AVAILABLE, 1)
    ]


def test_moving_a_working_unit_on_the_register_writes_the_movement_to_the_incident_log(wired):
    application, clock = wired
    register(application, "CE01")
    burglary = log(application)
    application.dispatch.override(DISPATCHER, burglary, "CE01", "closest car")
    clock.advance(timedelta(minutes=3))

    moving = application.dispatch.update(DISPATCHER, "CE01", UnitChange(UnitStatus.EN_ROUTE))
    clock.advance(timedelta(minutes=4))
    there = application.dispatch.update(
        DISPATCHER, "CE01", UnitChange(UnitStatus.ON_SCENE, position=Point(52.48, -1.89))
    )

    assert (moving.status, there.status, there.position) == (
        UnitStatus.EN_ROUTE,
        UnitStatus.ON_SCENE,
        Point(52.48, -1.89),
    )
    state = application.incidents.show(DISPATCHER, burglary).state
    assert kinds(application, burglary)[-2:] == ["en-route", "arrived"]
    assert state.arrived_at == clock.now()
    with pytest.raises(DomainRuleViolation, match="unit CE01 is already on-scene"):
        application.dispatch.update(DISPATCHER, "CE01", UnitChange(UnitStatus.ON_SCENE))
    assert kinds(application, burglary).count("arrived") == 1


def test_a_stale_register_move_writes_no_log_entry(wired):
    application, _ = wired
    register(application, "CE01")
    burglary = log(application)
    application.dispatch.override(DISPATCHER, burglary, "CE01", "closest car")

    stale = UnitChange(UnitStatus.EN_ROUTE, expected_version=1)  # it is at 2 since the claim
    with pytest.raises(ConcurrencyConflict, match="unit CE01 changed since you read it"):
        application.dispatch.update(DISPATCHER, "CE01", stale)

    assert "en-route" not in kinds(application, burglary)
    assert unit(application, "CE01").status is UnitStatus.ASSIGNED
