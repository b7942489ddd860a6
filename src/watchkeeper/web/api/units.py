"""``/api/units``: the unit register — list, register, and change a unit's standing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from watchkeeper.dispatch.register import NewUnit, RegisteredUnit, UnitChange
from watchkeeper.dispatch.units import UnitKind, UnitStatus
from watchkeeper.kernel.geo import Point
from watchkeeper.web.api.context import App, SignedIn
from watchkeeper.web.api.schemas import (
    PositionCreate,
    PositionRead,
    UnitCreate,
    UnitRead,
    UnitUpdate,
)

router = APIRouter(prefix="/api/units", tags=["units"])
CallSignPath = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9/_-]+$")]


def present(unit: RegisteredUnit) -> UnitRead:
    return UnitRead(
        call_sign=unit.call_sign,
        kind=unit.kind.value,
        skills=sorted(unit.skills),
        crew_size=unit.crew_size,
        area=unit.area,
        shift_start=unit.shift_start,
        shift_end=unit.shift_end,
        status=unit.status.value,
        position=PositionRead(lat=unit.position.lat, lon=unit.position.lon)
        if unit.position
        else None,
        incident_id=unit.incident_id,
        job_category=unit.job_category,
        updated_at=unit.updated_at,
        version=unit.version,
    )


def _point(position: PositionCreate | None) -> Point | None:
    return Point(position.lat, position.lon) if position else None


@router.get("")
def list_units(application: App, actor: SignedIn) -> list[UnitRead]:
    """Every registered unit: status, skills, shift, position and the incident it works."""
    return [present(unit) for unit in application.dispatch.units(actor)]


@router.post("", status_code=status.HTTP_201_CREATED)
def register_unit(body: UnitCreate, application: App, actor: SignedIn) -> UnitRead:
    """Add a unit to the register; it starts available or unavailable."""
    request = NewUnit(
        call_sign=body.call_sign,
        kind=UnitKind(body.kind),
        skills=frozenset(body.skills),
        area=body.area,
        crew_size=body.crew_size,
        shift_start=body.shift_start,
        shift_end=body.shift_end,
        status=UnitStatus(body.status),
        position=_point(body.position),
    )
    return present(application.dispatch.register(actor, request))


@router.patch("/{call_sign}")
def update_unit(
    call_sign: CallSignPath, body: UnitUpdate, application: App, actor: SignedIn
) -> UnitRead:
    """Change a unit's status (only allowed moves; 'assigned' comes from a dispatch)."""
    change = UnitChange(
        status=UnitStatus(body.status) if body.status else None,
        position=_point(body.position),
        skills=frozenset(body.skills) if body.skills is not None else None,
        shift_end=body.shift_end,
        expected_version=body.expected_version,
    )
    return present(application.dispatch.update(actor, call_sign, change))
