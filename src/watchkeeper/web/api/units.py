"""``/api/units``: the unit status board (derived from the incident log for now)."""

from __future__ import annotations

from fastapi import APIRouter

from watchkeeper.incidents.unit_board import UnitPosition
from watchkeeper.web.api.context import SignedIn, Units
from watchkeeper.web.api.schemas import LocationRead, UnitRead

router = APIRouter(prefix="/api/units", tags=["units"])


def present(position: UnitPosition) -> UnitRead:
    loc = position.location
    return UnitRead(
        unit=position.unit,
        status=position.status.value,
        incident_id=position.incident_id,
        location=LocationRead(text=loc.text, area=loc.area, lat=loc.lat, lon=loc.lon)
        if loc
        else None,
        since=position.since,
    )


@router.get("")
def unit_board(board: Units, actor: SignedIn) -> list[UnitRead]:
    """Every unit the log names, its status and the incident it is committed to."""
    return [present(position) for position in board.units(actor)]
