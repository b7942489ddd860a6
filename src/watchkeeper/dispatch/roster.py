"""A demonstration roster: units by area with skills, positioned around each area's centre.

Made up for the demo and the simulator's default scenario; every number is assumed and
labelled so. A force loads its real roster through ``watchkeeper units add`` or the API.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from watchkeeper.dispatch.register import NewUnit
from watchkeeper.dispatch.units import UnitKind, UnitStatus
from watchkeeper.kernel.geo import Point

KM_PER_DEGREE_LAT = 111.32


@dataclass(frozen=True, slots=True)
class RosterShape:
    """How many units of each kind (assumed: a demo, not any force's establishment)."""

    response_per_area: int = 5  # assumed: of which about half double-crewed
    da_trained_per_area: int = 1  # assumed: one DA-trained double-crewed car per area
    force_wide: tuple[tuple[str, frozenset[str], int], ...] = (
        ("ARV", frozenset({"response", "arv", "double-crewed"}), 2),  # assumed
        ("DOG", frozenset({"response", "dog"}), 1),  # assumed
        ("MPS", frozenset({"response", "missing-person-search"}), 1),  # assumed
        ("RPU", frozenset({"response", "roads-policing", "double-crewed"}), 1),  # assumed
        ("MHT", frozenset({"response", "mental-health-triage"}), 1),  # assumed: street triage
    )
    shift_hours: float = 10.0  # assumed: a 10-hour response shift
    unavailable_share: float = 0.1  # assumed: on refreshment break, at custody, ...
    spread_km: float = 2.0  # units sit within this distance of their area's centre


def _near(centre: Point, spread_km: float, rng: random.Random) -> Point:
    north, east = rng.uniform(-spread_km, spread_km), rng.uniform(-spread_km, spread_km)
    km_per_lon = KM_PER_DEGREE_LAT * math.cos(math.radians(centre.lat))
    return Point(
        round(centre.lat + north / KM_PER_DEGREE_LAT, 6),
        round(centre.lon + east / km_per_lon, 6),
    )


def demo_roster(
    centres: Mapping[str, Point],
    now: datetime,
    seed: int,
    shape: RosterShape | None = None,
) -> list[NewUnit]:
    """Units for every area (response, DA-trained) and force-wide specialists; seeded."""
    shape = shape or RosterShape()
    rng = random.Random(seed)
    start = now - timedelta(hours=shape.shift_hours / 2)
    end = start + timedelta(hours=shape.shift_hours)
    areas = sorted(centres)
    plan: list[tuple[str, frozenset[str], str, int]] = []
    for area in areas:
        prefix = area[:2].upper()
        for n in range(1, shape.response_per_area + 1):
            double = n % 2 == 0
            response = {"response", "double-crewed"} if double else {"response"}
            plan.append((f"{prefix}{n:02d}", frozenset(response), area, 2 if double else 1))
        for n in range(1, shape.da_trained_per_area + 1):
            da_car = frozenset({"response", "double-crewed", "da-trained"})
            plan.append((f"{prefix}DA{n}", da_car, area, 2))
    for code, skills, count in shape.force_wide:
        for n in range(1, count + 1):
            area = areas[(n - 1) % len(areas)] if areas else "unknown"
            crew = 2 if "double-crewed" in skills else 1
            plan.append((f"{code}{n}", skills, area, crew))
    out = []
    for call_sign, skills, area, crew in plan:
        off = rng.random() < shape.unavailable_share
        out.append(
            NewUnit(
                call_sign=call_sign,
                kind=UnitKind.VEHICLE,
                skills=skills,
                area=area,
                crew_size=crew,
                shift_start=start,
                shift_end=end,
                status=UnitStatus.UNAVAILABLE if off else UnitStatus.AVAILABLE,
                position=_near(centres[area], shape.spread_km, rng),
            )
        )
    return out
