"""Ports the dispatch services need; persistence implements them, bootstrap wires them."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from watchkeeper.dispatch.register import RegisteredUnit
from watchkeeper.incidents.ports import UnitOfWork
from watchkeeper.kernel.ids import IncidentId


class UnitRegister(Protocol):
    """Stores the unit register: one record per call sign, versioned."""

    def add(self, unit: RegisteredUnit) -> None:
        """Store a new unit; InputError if the call sign is taken."""

    def get(self, call_sign: str) -> RegisteredUnit:
        """One unit; raises NotFound naming the call sign."""

    def all(self) -> list[RegisteredUnit]:
        """Every unit, by call sign."""

    def committed_to(self, incident_id: IncidentId) -> list[RegisteredUnit]:
        """The units whose register entry says they are working this incident, by call sign."""

    def update(self, unit: RegisteredUnit, expected_version: int) -> None:
        """Store a changed unit; ConcurrencyConflict unless stored at ``expected_version``."""

    def change_marker(self) -> tuple[int, int]:
        """Moves with every stored change: (units, sum of versions); rows are never deleted."""


@runtime_checkable
class DispatchUnitOfWork(UnitOfWork, Protocol):
    """The incidents unit of work plus the unit register, in one transaction."""

    units: UnitRegister
