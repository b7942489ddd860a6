"""The unit register in SQL (the UnitRegister port), over the unit of work's connection."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from watchkeeper.dispatch.register import RegisteredUnit
from watchkeeper.dispatch.units import UnitKind, UnitStatus
from watchkeeper.kernel.errors import ConcurrencyConflict, InputError, NotFound
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence.tables_units import units


class SqlUnitStore:
    """The UnitRegister port: rows rewritten on change, guarded by their version."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def add(self, unit: RegisteredUnit) -> None:
        exists = sa.select(units.c.call_sign).where(units.c.call_sign == unit.call_sign)
        if self._connection.execute(exists).first() is not None:
            raise InputError(f"unit call sign {unit.call_sign!r} is already registered")
        try:
            self._connection.execute(sa.insert(units), [unit_row(unit)])
        except IntegrityError as exc:  # registered by someone else meanwhile
            raise ConcurrencyConflict(f"unit {unit.call_sign} was registered meanwhile") from exc

    def get(self, call_sign: str) -> RegisteredUnit:
        row = self._connection.execute(
            sa.select(units).where(units.c.call_sign == call_sign)
        ).first()
        if row is None:
            raise NotFound(f"no unit has the call sign {call_sign!r}")
        return unit_from_row(row._mapping)

    def all(self) -> list[RegisteredUnit]:
        rows = self._connection.execute(sa.select(units).order_by(units.c.call_sign))
        return [unit_from_row(row._mapping) for row in rows]

    def committed_to(self, incident_id: IncidentId) -> list[RegisteredUnit]:
        query = sa.select(units).where(units.c.incident_id == incident_id)
        rows = self._connection.execute(query.order_by(units.c.call_sign))
        return [unit_from_row(row._mapping) for row in rows]

    def update(self, unit: RegisteredUnit, expected_version: int) -> None:
        values = unit_row(unit)
        del values["call_sign"]
        claimed = self._connection.execute(
            sa.update(units)
            .where(units.c.call_sign == unit.call_sign)
            .where(units.c.version == expected_version)
            .values(**values)
        )
        if claimed.rowcount != 1:
            raise ConcurrencyConflict(
                f"unit {unit.call_sign} is no longer at version {expected_version}: "
                "someone else changed it first (or it is not registered); reload and try again"
            )

    def change_marker(self) -> tuple[int, int]:
        query = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(units.c.version), 0))
        count, versions = self._connection.execute(query.select_from(units)).one()
        return int(count), int(versions)


def unit_row(unit: RegisteredUnit) -> dict[str, Any]:
    """A ``units`` row for this record."""
    return {
        "call_sign": unit.call_sign,
        "kind": unit.kind.value,
        "skills": sorted(unit.skills),
        "crew_size": unit.crew_size,
        "area": unit.area,
        "shift_start": unit.shift_start,
        "shift_end": unit.shift_end,
        "status": unit.status.value,
        "lat": unit.position.lat if unit.position else None,
        "lon": unit.position.lon if unit.position else None,
        "incident_id": unit.incident_id,
        "job_category": unit.job_category,
        "updated_at": unit.updated_at,
        "version": unit.version,
    }


def unit_from_row(row: Any) -> RegisteredUnit:
    """The record a ``units`` row holds."""
    placed = row["lat"] is not None and row["lon"] is not None
    return RegisteredUnit(
        call_sign=row["call_sign"],
        kind=UnitKind(row["kind"]),
        skills=frozenset(row["skills"]),
        crew_size=row["crew_size"],
        area=row["area"],
        shift_start=row["shift_start"],
        shift_end=row["shift_end"],
        status=UnitStatus(row["status"]),
        position=Point(row["lat"], row["lon"]) if placed else None,
        updated_at=row["updated_at"],
        version=row["version"],
        incident_id=IncidentId(row["incident_id"]) if row["incident_id"] else None,
        job_category=row["job_category"],
    )
