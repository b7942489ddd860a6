"""A seeded year of demand for a large force, and its roster, for the simulation benchmark.

Not a model of any real force: a 60 x 40 km area in 12 districts (4 urban), arrivals a
Poisson process with a daily profile (quiet at 05:00, busy at 18:00), grade mix 15 %
emergency / 55 % priority / 30 % scheduled, 12 % of incidents needing a double-crewed
unit and 1 % an armed response vehicle, on-scene minutes exponential (mean 35-75 by
grade). 400 units on three daily shifts plus a few 24-hour ARV crews.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from watchkeeper.simulation.roster import Roster, UnitGroup, build_roster
from watchkeeper.simulation.trace import Trace, build_trace

SKILLS = ("response", "double-crewed", "arv")
ORIGIN = datetime(2025, 1, 1, tzinfo=UTC)
DISTRICTS = [(f"d{k:02d}", (-25.0 + 10.0 * (k % 6), -10.0 + 20.0 * (k // 6)))
             for k in range(12)]  # fmt: skip
URBAN = {"d02", "d03", "d08", "d09"}
SHIFTS = (("early", 7 * 60.0, 10.0), ("late", 14 * 60.0, 10.0), ("night", 22 * 60.0, 10.0))


def _arrivals(rng: np.random.Generator, per_day: float, days: int) -> np.ndarray:
    hours = np.arange(24)
    profile = 1.0 + 0.6 * np.sin((hours - 12.0) / 24.0 * 2 * np.pi)  # low ~06:00, high ~18:00
    rate = np.tile(profile / profile.sum() * per_day, days)  # per hour
    counts = rng.poisson(rate)
    starts = np.repeat(np.arange(rate.size) * 60.0, counts)
    return np.sort(starts + rng.uniform(0.0, 60.0, starts.size))


def year_trace(seed: int = 2017, per_day: float = 1930.0, days: int = 365) -> Trace:
    """About 700,000 incidents over a year (per_day x days), seeded."""
    rng = np.random.default_rng(seed)
    received = _arrivals(rng, per_day, days)
    n = received.size
    district = rng.integers(0, len(DISTRICTS), n)
    centres = np.array([c for _, c in DISTRICTS])
    x = centres[district, 0] + rng.uniform(-5, 5, n)
    y = centres[district, 1] + rng.uniform(-5, 5, n)
    urban = np.isin(np.array([d for d, _ in DISTRICTS])[district], sorted(URBAN))
    grade = rng.choice(3, n, p=[0.15, 0.55, 0.30])
    target = np.where(grade == 0, np.where(urban, 15.0, 20.0), np.where(grade == 1, 60.0, np.inf))
    need = rng.choice(3, n, p=[0.87, 0.12, 0.01])
    skills = np.array([0b001, 0b011, 0b101], dtype=np.uint32)[need]
    service = rng.exponential(np.array([75.0, 55.0, 35.0])[grade])
    return build_trace(
        ORIGIN,
        received,
        x_km=x,
        y_km=y,
        area=district,
        urban=urban,
        grade=grade,
        target=target,
        category=need,
        vulnerable=rng.random(n) < 0.3,
        risk=rng.uniform(0, 40, n) + np.where(grade == 0, 20.0, 0.0),
        skills=skills,
        service=service,
        areas=[d for d, _ in DISTRICTS],
        categories=("general", "double-crewed", "armed"),
        skill_names=SKILLS,
    )


def large_roster(units: int = 400) -> Roster:
    """``units`` units: 8 ARV crews on 24 hours, the rest spread over districts and shifts."""
    groups = [UnitGroup("d02", 4, ("response", "arv")), UnitGroup("d09", 4, ("response", "arv"))]
    rest = units - 8
    per = rest // (len(DISTRICTS) * len(SHIFTS))
    extra = rest - per * len(DISTRICTS) * len(SHIFTS)
    for k, (district, _) in enumerate(DISTRICTS):
        for s, (name, start, hours) in enumerate(SHIFTS):
            count = per + (1 if k * len(SHIFTS) + s < extra else 0)
            skills = ("response", "double-crewed") if k % 2 == 0 else ("response",)
            groups.append(
                UnitGroup(district, count, skills, start, hours, name=f"{district}-{name}")
            )
    return build_roster(groups, SKILLS, dict(DISTRICTS))
