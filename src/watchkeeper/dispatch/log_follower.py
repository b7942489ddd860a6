"""The unit register follows the incident log, in the log's own transaction.

Bootstrap hands :class:`RegisterFollowsLog` to ``IncidentLog`` as an ``EntryFollower``:
after each entry is appended (through the API, the pages, the CLI or dispatch) it moves
the registered unit the entry names, before the transaction commits. A move the register's
TRANSITIONS refuse raises DomainRuleViolation naming the unit, so the entry is not written
either.

- ``resource-assigned``: the unit is claimed for the incident (already done when dispatch
  accepted or overrode a recommendation: then nothing more happens here).
- ``en-route`` / ``arrived``: the unit, which must be working this incident, moves to en
  route / on scene.
- ``closed``: every unit working the incident becomes available again.

A call sign the register does not hold (a neighbouring force's unit, a test, an imported
history) is left to the log alone: the register records only the units it was given.
Striking an entry does not move a unit back; a dispatcher changes the status by hand.
"""

from __future__ import annotations

from datetime import datetime

from watchkeeper.dispatch.ports import DispatchUnitOfWork
from watchkeeper.dispatch.register import RegisteredUnit
from watchkeeper.dispatch.units import UnitStatus
from watchkeeper.incidents.entries import Arrived, Closed, EnRoute, ResourceAssigned
from watchkeeper.incidents.model import Incident, LogEntry
from watchkeeper.incidents.ports import UnitOfWork
from watchkeeper.kernel.errors import DomainRuleViolation, NotFound

# The status each unit movement entry puts the unit in.
MOVES: dict[type[EnRoute | Arrived], UnitStatus] = {
    EnRoute: UnitStatus.EN_ROUTE,
    Arrived: UnitStatus.ON_SCENE,
}
WORKING = frozenset({UnitStatus.ASSIGNED, UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE})


class RegisterFollowsLog:
    """The EntryFollower that keeps each registered unit's status in step with the log."""

    def follow(self, uow: UnitOfWork, incident: Incident, entry: LogEntry) -> None:
        if not isinstance(uow, DispatchUnitOfWork):
            raise TypeError("the incident log's unit of work holds no unit register")
        payload, now = entry.payload, entry.recorded_at
        if isinstance(payload, ResourceAssigned):
            _claim(uow, incident, payload.unit, now)
        elif isinstance(payload, EnRoute | Arrived):
            _move(uow, incident, payload.unit, MOVES[type(payload)], now)
        elif isinstance(payload, Closed):
            for unit in uow.units.committed_to(incident.incident_id):
                freed = unit.moved_to(UnitStatus.AVAILABLE, now)
                uow.units.update(freed, expected_version=unit.version)


def _registered(uow: DispatchUnitOfWork, call_sign: str) -> RegisteredUnit | None:
    try:
        return uow.units.get(call_sign)
    except NotFound:
        return None  # not a unit of this register: the log alone records it


def _claim(uow: DispatchUnitOfWork, incident: Incident, call_sign: str, now: datetime) -> None:
    unit = _registered(uow, call_sign)
    if unit is None:
        return
    if unit.incident_id == incident.incident_id and unit.status in WORKING:
        return  # claimed alongside the entry (accept / override), or already working it
    _check_not_elsewhere(unit, incident)
    claimed = unit.assigned_to(incident.incident_id, incident.state.opened.category, now)
    uow.units.update(claimed, expected_version=unit.version)


def _move(
    uow: DispatchUnitOfWork,
    incident: Incident,
    call_sign: str,
    status: UnitStatus,
    now: datetime,
) -> None:
    unit = _registered(uow, call_sign)
    if unit is None:
        return
    _check_not_elsewhere(unit, incident)
    moved = unit.moved_to(status, now)  # refuses what TRANSITIONS do not allow, naming it
    uow.units.update(moved, expected_version=unit.version)


def _check_not_elsewhere(unit: RegisteredUnit, incident: Incident) -> None:
    if unit.incident_id is not None and unit.incident_id != incident.incident_id:
        raise DomainRuleViolation(
            f"unit {unit.call_sign} is {unit.status.value} at incident {unit.incident_id}, "
            f"not {incident.incident_id}; nothing was recorded"
        )
