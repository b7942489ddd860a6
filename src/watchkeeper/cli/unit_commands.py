"""``watchkeeper units``: list the unit register, register a unit, change a unit's status."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from watchkeeper.access.model import Actor
from watchkeeper.cli.context import state_of
from watchkeeper.dispatch.register import NewUnit, RegisteredUnit, UnitChange
from watchkeeper.dispatch.roster import KM_PER_DEGREE_LAT, demo_roster
from watchkeeper.dispatch.units import UnitKind, UnitStatus
from watchkeeper.kernel.errors import InputError
from watchkeeper.kernel.geo import Point
from watchkeeper.synthetic.config import load_synthetic_config
from watchkeeper.synthetic.places import AREA_OFFSETS

if TYPE_CHECKING:  # bootstrap loads on first use (cli/context.py): fast start-up
    from watchkeeper.bootstrap import Application

app = typer.Typer(help="The unit register: units, skills, shifts, status and position.")


def _time(text: str | None, field: str) -> datetime | None:
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{field} {text!r} is not an ISO date-time") from None
    if parsed.tzinfo is None:
        raise InputError(f"{field} {text!r} needs a time zone offset (e.g. +00:00)")
    return parsed


def _point(lat: float | None, lon: float | None) -> Point | None:
    if (lat is None) != (lon is None):
        raise InputError("give both --lat and --lon, or neither")
    if lat is None or lon is None:
        return None
    try:
        return Point(lat, lon)
    except ValueError as exc:
        raise InputError(f"position: {exc}") from None


def _as_json(unit: RegisteredUnit) -> dict[str, object]:
    return {
        "call_sign": unit.call_sign,
        "kind": unit.kind.value,
        "skills": sorted(unit.skills),
        "crew_size": unit.crew_size,
        "area": unit.area,
        "status": unit.status.value,
        "shift_start": unit.shift_start.isoformat() if unit.shift_start else None,
        "shift_end": unit.shift_end.isoformat() if unit.shift_end else None,
        "position": [unit.position.lat, unit.position.lon] if unit.position else None,
        "incident_id": unit.incident_id,
        "version": unit.version,
    }


@app.command("list")
def list_units(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON list.")] = False,
) -> None:
    """Every registered unit: status, skills, area, shift and position."""
    state = state_of(ctx)
    units = state.application().dispatch.units(state.actor())
    if as_json:
        typer.echo(json.dumps([_as_json(u) for u in units]))
        return
    table = Table("unit", "status", "skills", "crew", "area", "shift ends (UTC)", "incident")
    for u in units:
        table.add_row(
            u.call_sign,
            u.status.value,
            ", ".join(sorted(u.skills)),
            str(u.crew_size),
            u.area,
            f"{u.shift_end:%Y-%m-%d %H:%M}" if u.shift_end else "—",
            u.incident_id or "—",
        )
    Console().print(table)


@app.command("add")
def add_unit(
    ctx: typer.Context,
    call_sign: Annotated[str, typer.Argument(help="The unit's call sign, e.g. CE01.")],
    area: Annotated[str, typer.Option(help="The area it patrols (a force profile area).")],
    skill: Annotated[
        list[str] | None, typer.Option("--skill", help="A skill code; repeat for more.")
    ] = None,
    kind: Annotated[UnitKind, typer.Option(help="officer or vehicle.")] = UnitKind.VEHICLE,
    crew: Annotated[int, typer.Option(min=1, max=12, help="Officers on board.")] = 1,
    lat: Annotated[float | None, typer.Option(help="Latitude of its position.")] = None,
    lon: Annotated[float | None, typer.Option(help="Longitude of its position.")] = None,
    shift_start: Annotated[str | None, typer.Option(help="ISO time with offset.")] = None,
    shift_end: Annotated[str | None, typer.Option(help="ISO time with offset.")] = None,
    unavailable: Annotated[bool, typer.Option(help="Register it unavailable.")] = False,
) -> None:
    """Register a unit (skills and area are checked against the configuration)."""
    state = state_of(ctx)
    request = NewUnit(
        call_sign=call_sign,
        kind=kind,
        skills=frozenset(skill or ["response"]),
        area=area,
        crew_size=crew,
        shift_start=_time(shift_start, "--shift-start"),
        shift_end=_time(shift_end, "--shift-end"),
        status=UnitStatus.UNAVAILABLE if unavailable else UnitStatus.AVAILABLE,
        position=_point(lat, lon),
    )
    unit = state.application().dispatch.register(state.actor(), request)
    typer.echo(
        f"registered {unit.call_sign} ({unit.status.value}, {', '.join(sorted(unit.skills))})"
    )


@app.command("status")
def change_status(
    ctx: typer.Context,
    call_sign: Annotated[str, typer.Argument(help="The unit's call sign.")],
    status: Annotated[UnitStatus, typer.Argument(help="The status to move it to.")],
    lat: Annotated[float | None, typer.Option(help="Latitude of its new position.")] = None,
    lon: Annotated[float | None, typer.Option(help="Longitude of its new position.")] = None,
) -> None:
    """Move a unit to another status (only the moves the register allows)."""
    state = state_of(ctx)
    change = UnitChange(status=status, position=_point(lat, lon))
    unit = state.application().dispatch.update(state.actor(), call_sign, change)
    typer.echo(f"{unit.call_sign} is now {unit.status.value}")


def area_centres(areas: list[str]) -> dict[str, Point]:
    """The centre of each synthetic area (the generator's made-up layout)."""
    geo = load_synthetic_config().geography
    km = geo.area_km.value
    lat0, lon0 = geo.centre_lat.value, geo.centre_lon.value
    km_per_lon = KM_PER_DEGREE_LAT * math.cos(math.radians(lat0))
    out = {}
    for area in areas:
        north, east = AREA_OFFSETS.get(area, (0.0, 0.0))
        out[area] = Point(lat0 + north * km / KM_PER_DEGREE_LAT, lon0 + east * km / km_per_lon)
    return out


def seed_demo_roster(application: Application, actor: Actor, seed: int) -> int:
    """Register the demo roster if the register is empty; how many units were added."""
    if application.dispatch.units(actor):
        return 0
    areas = sorted(a for a in application.profile.areas if a in AREA_OFFSETS)
    roster = demo_roster(area_centres(areas), application.clock.now(), seed)
    for request in roster:
        application.dispatch.register(actor, request)
    return len(roster)
