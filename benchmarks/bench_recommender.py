"""Dispatch recommender at control-room size: 500 units x 2,000 open incidents.

Run: ``python -m benchmarks.bench_recommender [--units 500] [--incidents 2000] [--seed 2017]``.
Builds a seeded instance (positions uniform in a 30 km box), times a full recommendation
(median of repeats), the greedy nearest-unit baseline and the breach forecast in the same
run, compares their risk-weighted lateness, prints a markdown table and writes
benchmarks/out/recommender.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import scipy

from watchkeeper.dispatch.config import (
    DispatchConfig,
    SkillNeeds,
    bundled_dispatch_document,
    parse_dispatch_config,
)
from watchkeeper.dispatch.demand import DispatchDemand
from watchkeeper.dispatch.forecast import forecast_breaches
from watchkeeper.dispatch.recommender import greedy_nearest, recommend
from watchkeeper.dispatch.units import Unit, UnitKind, UnitStatus
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import IncidentId

OUT = Path(__file__).resolve().parent / "out" / "recommender.json"
NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
CENTRE = Point(52.48, -1.90)  # a 30 km box around a city centre
HALF_BOX_KM = 15.0
CATEGORIES = ("violence", "domestic-abuse", "concern-for-welfare", "theft", "weapons",
              "missing-person", "threat-to-life", "anti-social-behaviour")  # fmt: skip
CATEGORY_WEIGHTS = (0.2, 0.2, 0.15, 0.2, 0.03, 0.07, 0.03, 0.12)
STATUSES = (UnitStatus.AVAILABLE, UnitStatus.ON_SCENE, UnitStatus.EN_ROUTE, UnitStatus.UNAVAILABLE)
STATUS_WEIGHTS = (0.6, 0.25, 0.1, 0.05)


def _points(rng: np.random.Generator, n: int) -> list[Point]:
    dlat = HALF_BOX_KM / 111.2
    dlon = HALF_BOX_KM / (111.2 * np.cos(np.radians(CENTRE.lat)))
    lats = CENTRE.lat + rng.uniform(-dlat, dlat, n)
    lons = CENTRE.lon + rng.uniform(-dlon, dlon, n)
    return [Point(float(a), float(b)) for a, b in zip(lats, lons, strict=True)]


def _units(rng: np.random.Generator, n: int) -> list[Unit]:
    out = []
    for i, at in enumerate(_points(rng, n)):
        skills = {"response"}
        skills |= {"double-crewed"} if rng.random() < 0.6 else set()
        skills |= {"da-trained"} if rng.random() < 0.3 else set()
        skills |= {"arv"} if rng.random() < 0.05 else set()
        status = STATUSES[int(rng.choice(len(STATUSES), p=STATUS_WEIGHTS))]
        shift = NOW + timedelta(minutes=float(rng.uniform(10, 600)))
        job = str(rng.choice(CATEGORIES)) if status is not UnitStatus.AVAILABLE else None
        kind = UnitKind.VEHICLE if "double-crewed" in skills else UnitKind.OFFICER
        out.append(Unit(f"U{i:04d}", kind, frozenset(skills), status, at, shift, "central", job))
    return out


def _demands(rng: np.random.Generator, n: int, config: DispatchConfig) -> list[DispatchDemand]:
    out = []
    for i, at in enumerate(_points(rng, n)):
        category = CATEGORIES[int(rng.choice(len(CATEGORIES), p=CATEGORY_WEIGHTS))]
        needs: SkillNeeds = config.needs_for(category, ())
        due = NOW + timedelta(minutes=float(rng.uniform(-15, 90)))
        area_class = "rural" if rng.random() < 0.2 else "urban"
        score = float(rng.gamma(4.0, 10.0))
        incident = IncidentId(f"INC-{i:05d}")
        out.append(DispatchDemand(incident, score, due, at, "central", area_class, category, needs))
    return sorted(out, key=lambda d: (-d.score, d.incident_id))  # the risk-ranked backlog


def _time(fn: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def run(n_units: int, n_incidents: int, seed: int, repeats: int) -> dict[str, Any]:
    config = parse_dispatch_config(bundled_dispatch_document())
    unit_rng, demand_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    units, demands = _units(unit_rng, n_units), _demands(demand_rng, n_incidents, config)
    rows = {}
    for name, fn in {
        "optimal (linear_sum_assignment)": lambda: recommend(demands, units, NOW, config),
        "greedy nearest unit (baseline)": lambda: greedy_nearest(demands, units, NOW, config),
    }.items():
        times, rec = _time(fn, repeats)
        late = [p for p in rec.picks if p.lateness_minutes > 0]
        rows[name] = {
            "median_seconds": statistics.median(times),
            "times": times,
            "picks": len(rec.picks),
            "late_picks": len(late),
            "shortfalls": len(rec.shortfalls),
            "risk_weighted_lateness": rec.weighted_lateness,
        }
    times, forecasts = _time(lambda: forecast_breaches(demands, units, NOW, config), repeats)
    rows["breach forecast (all incidents)"] = {
        "median_seconds": statistics.median(times),
        "times": times,
        "breach_next_hour_expected": sum(f.p_breach_next_hour for f in forecasts),
    }
    available = sum(1 for u in units if u.status is UnitStatus.AVAILABLE)
    return {"units": n_units, "available": available, "incidents": n_incidents, "rows": rows}


def markdown(report: dict[str, Any]) -> str:
    head = (
        f"{report['units']} units ({report['available']} available) x "
        f"{report['incidents']} open incidents\n\n"
        "| method | median time | picks | late picks | shortfalls | risk-weighted lateness |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: |\n"
    )
    lines = []
    for name, row in report["rows"].items():
        if "picks" in row:
            lines.append(
                f"| {name} | {row['median_seconds'] * 1000:.0f} ms | {row['picks']} | "
                f"{row['late_picks']} | {row['shortfalls']} | {row['risk_weighted_lateness']:,.0f} |"
            )
        else:
            lines.append(
                f"| {name} | {row['median_seconds'] * 1000:.0f} ms | | | | "
                f"expected breaches next hour: {row['breach_next_hour_expected']:.0f} |"
            )
    best, base = (report["rows"][k]["risk_weighted_lateness"] for k in list(report["rows"])[:2])
    tail = f"\n\nOptimal vs greedy: {100 * (1 - best / base):.1f}% less risk-weighted lateness."
    return head + "\n".join(lines) + tail


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    report = run(args.units, args.incidents, args.seed, args.repeats)
    print(markdown(report))
    environment = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }
    document = {"seed": args.seed, "now": NOW.isoformat(), "environment": environment, **report}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
