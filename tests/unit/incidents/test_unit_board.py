"""The unit board derived from the log: every unit named, its latest commitment, free on close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.access.model import Actor, Role
from watchkeeper.incidents.entries import (
    Arrived,
    CallSource,
    Closed,
    EnRoute,
    Location,
    Opened,
    ResourceAssigned,
    Struck,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.incidents.unit_board import UnitBoardService, UnitStatus, unit_board
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import PermissionDenied
from watchkeeper.kernel.ids import IncidentId

T0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _incident(name: str, *entries: tuple[float, object]) -> Incident:
    opened = Opened(CallSource.EMERGENCY_999, Location(f"{name} Street", "north"), "violence")
    incident = Incident.open(IncidentId(f"INC-{name}"), opened, T0, "ch", T0)
    for minute, payload in entries:
        incident.record(payload, _at(minute), "dispatcher", _at(minute))  # type: ignore[arg-type]
    return incident


def test_a_unit_moves_from_assigned_to_en_route_to_on_scene():
    for steps, expected in [
        ([(1, ResourceAssigned("BX-1"))], UnitStatus.ASSIGNED),
        ([(1, ResourceAssigned("BX-1")), (2, EnRoute("BX-1"))], UnitStatus.EN_ROUTE),
        (
            [(1, ResourceAssigned("BX-1")), (2, EnRoute("BX-1")), (9, Arrived("BX-1"))],
            UnitStatus.ON_SCENE,
        ),
    ]:
        (position,) = unit_board([_incident("A", *steps)])

        assert position.status is expected
        assert position.incident_id == "INC-A"
        assert position.location == Location("A Street", "north")


def test_a_unit_is_free_once_its_incident_closed():
    closed = _incident("A", (1, ResourceAssigned("BX-1")), (20, Closed("advice")))

    (position,) = unit_board([closed])

    assert position.status is UnitStatus.FREE
    assert position.incident_id is None and position.since == _at(20)


def test_the_latest_commitment_wins_across_incidents():
    first = _incident("A", (1, ResourceAssigned("BX-1")), (30, Closed("advice")))
    later = _incident("B", (10, ResourceAssigned("BX-1")))

    (position,) = unit_board([later, first])

    assert position.status is UnitStatus.ASSIGNED and position.incident_id == "INC-B"


def test_a_struck_assignment_does_not_put_a_unit_on_the_board():
    incident = _incident("A", (1, ResourceAssigned("BX-9")), (2, Struck(2, "wrong unit")))

    assert unit_board([incident]) == []


def test_units_are_listed_in_name_order():
    incident = _incident("A", (1, ResourceAssigned("ZX-2")), (1, ResourceAssigned("AB-1")))

    assert [p.unit for p in unit_board([incident])] == ["AB-1", "ZX-2"]


class _FakeRepository:
    def __init__(self, incidents: list[Incident]) -> None:
        self._incidents = incidents

    def open_at(self, as_of=None):
        return iter([i for i in self._incidents if i.state.is_open])


class _FakeUnitOfWork:
    def __init__(self, incidents: list[Incident]) -> None:
        self.incidents = _FakeRepository(incidents)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def test_the_service_reads_units_on_open_incidents():
    incidents = [_incident("A", (1, ResourceAssigned("BX-1")))]
    service = UnitBoardService(lambda: _FakeUnitOfWork(incidents), FixedClock(_at(5)))

    units = service.units(Actor("d", Role.DISPATCHER))

    assert [(p.unit, p.status) for p in units] == [("BX-1", UnitStatus.ASSIGNED)]


def test_reading_the_unit_board_needs_the_units_permission():
    service = UnitBoardService(lambda: _FakeUnitOfWork([]), FixedClock(T0))

    with pytest.raises(PermissionDenied):
        service.units(Actor("c", Role.CALL_HANDLER))
