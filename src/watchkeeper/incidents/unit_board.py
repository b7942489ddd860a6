"""The unit status board, DERIVED FROM THE INCIDENT LOG until dispatch adds a unit register.

There is no register of units yet: a unit exists here only because a log entry named it
(``ResourceAssigned``, ``EnRoute`` or ``Arrived``). Its status is what the latest of those
entries says — assigned, en route or on scene at an open incident — or free once that
incident has closed. Units never named in the log, off-duty units and positions are
unknown to this board; the dispatch issue replaces it with a real register.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from watchkeeper.access.model import Actor, Permission, authorise
from watchkeeper.incidents.entries import Arrived, EnRoute, Location, ResourceAssigned
from watchkeeper.incidents.model import Incident, LogEntry
from watchkeeper.incidents.ports import UnitOfWork
from watchkeeper.kernel.clock import Clock
from watchkeeper.kernel.ids import IncidentId


class UnitStatus(StrEnum):
    """Where a unit stands, as far as the log says."""

    ASSIGNED = "assigned"
    EN_ROUTE = "en-route"
    ON_SCENE = "on-scene"
    FREE = "free"


_STATUS_OF = {ResourceAssigned: UnitStatus.ASSIGNED, EnRoute: UnitStatus.EN_ROUTE}


@dataclass(frozen=True, slots=True)
class UnitPosition:
    """One unit on the board: its status, and the incident it is (or was last) committed to."""

    unit: str
    status: UnitStatus
    incident_id: IncidentId | None
    location: Location | None
    since: datetime


def _movements(incident: Incident) -> Iterable[tuple[str, UnitStatus, LogEntry]]:
    """(unit, status, entry) for each unstruck unit entry in the log, in log order."""
    struck = incident.state.struck_seqs
    for entry in incident.entries:
        payload = entry.payload
        if entry.seq in struck:
            continue
        if isinstance(payload, Arrived):
            yield payload.unit, UnitStatus.ON_SCENE, entry
        elif isinstance(payload, ResourceAssigned | EnRoute):
            yield payload.unit, _STATUS_OF[type(payload)], entry


def unit_board(incidents: Iterable[Incident]) -> list[UnitPosition]:
    """Each unit's latest commitment across the given logs; free once its incident closed."""
    latest: dict[str, tuple[datetime, UnitPosition]] = {}
    for incident in incidents:
        state = incident.state
        for unit, status, entry in _movements(incident):
            known = latest.get(unit)
            if known is not None and known[0] > entry.at:
                continue  # the unit's later commitment, wherever it is, wins
            if state.closed_at is not None:
                position = UnitPosition(unit, UnitStatus.FREE, None, None, state.closed_at)
            else:
                position = UnitPosition(
                    unit, status, incident.incident_id, state.location, entry.at
                )
            latest[unit] = (entry.at, position)
    return sorted((position for _, position in latest.values()), key=lambda p: p.unit)


class UnitBoardService:
    """Reads the unit board from the log (see the module docstring: derived, not a register)."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def units(self, actor: Actor) -> list[UnitPosition]:
        """Units committed to open incidents now.

        Only open incidents are read, so a unit whose last incident has closed drops off
        the board rather than showing as free; a store query for recently closed
        incidents (or the dispatch unit register) will bring those back.
        """
        authorise(actor, Permission.UNITS_READ)
        with self._uow() as uow:
            incidents = list(uow.incidents.open_at(self._clock.now()))
        return unit_board(incidents)
