"""Simulation speed: a year of demand for a large force, Watchkeeper's engine against SimPy.

Run: ``python -m benchmarks.bench_simulation [--days 365] [--per-day 1930] [--units 400]
[--incidents 0] [--simpy-incidents 100000] [--repeats 1] [--seed 2017]``. Builds the seeded
workload of ``benchmarks/sim_workload.py`` (about 705,000 incidents, 400 units on shifts;
``--incidents N`` keeps the first N, 0 = all), then times:

1. the engine, ``status-quo`` policy, the whole trace (no noise);
2. the engine and the plain SimPy model (``benchmarks/simpy_reference.py``) on the same
   first ``--simpy-incidents`` incidents (0 = the whole trace), checking that every
   per-incident wait is identical, and the ratio of their times. ``--repeats R`` runs the
   pair R times, alternating, and reports the median of the R ratios (on a shared machine
   one pair can be off by 20 %);
3. the engine, ``watchkeeper`` policy, the whole trace.

Both wall time and process CPU time are recorded: on a shared machine the CPU time is the
fairer ratio. Prints a markdown table and writes benchmarks/out/simulation.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import simpy

from benchmarks.sim_workload import large_roster, year_trace
from benchmarks.simpy_reference import simpy_waits
from watchkeeper.dispatch.config import bundled_dispatch_document, parse_dispatch_config
from watchkeeper.incidents.policy import parse_force_profile
from watchkeeper.simulation.config import SimConfig, sim_config
from watchkeeper.simulation.engine import simulate
from watchkeeper.simulation.results import summarise
from watchkeeper.simulation.roster import Roster
from watchkeeper.simulation.trace import Trace

OUT = Path(__file__).resolve().parent / "out" / "simulation.json"
MEASURES = (
    "attended_within_target.emergency",
    "attended_within_target.priority",
    "attended_within_target.vulnerable",
    "queue_delay.p90",
    "risk_weighted_lateness",
    "utilisation",
)


def bundled_config() -> SimConfig:
    text = resources.files("watchkeeper.resources").joinpath("force-default.toml").read_text()
    profile = parse_force_profile(tomllib.loads(text))
    return sim_config(parse_dispatch_config(bundled_dispatch_document()), profile)


def _engine(trace: Trace, roster: Roster, policy: str, config: SimConfig) -> dict[str, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = simulate(trace, roster, policy, seed=1, config=config)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    measures = summarise(trace, result).measures
    shown = {k: measures[k] for k in MEASURES if k in measures}
    return {
        "policy": policy,
        "incidents": len(trace),
        "events": result.events,
        "wall_s": wall,
        "cpu_s": cpu,
        "events_per_cpu_s": result.events / cpu,
        "measures": shown,
        "waits": result.waits,
    }


def _simpy(trace: Trace, roster: Roster, config: SimConfig) -> dict[str, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    waits = np.array(simpy_waits(trace, roster, config))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"incidents": len(trace), "wall_s": wall, "cpu_s": cpu, "waits": waits}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=float, default=1930.0)
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--incidents", type=int, default=0, help="first N only (0: all)")
    parser.add_argument("--simpy-incidents", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=1, help="engine/SimPy pairs timed")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--skip-watchkeeper", action="store_true")
    args = parser.parse_args(argv)

    config = bundled_config()
    trace = year_trace(args.seed, args.per_day, args.days)
    if args.incidents:
        trace = trace.head(args.incidents)
    roster = large_roster(args.units)
    full = _engine(trace, roster, "status-quo", config)
    subset = trace.head(args.simpy_incidents) if args.simpy_incidents else trace
    pairs = []
    for _ in range(max(1, args.repeats)):
        mine = _engine(subset, roster, "status-quo", config)
        reference = _simpy(subset, roster, config)
        same = bool(np.array_equal(mine["waits"], reference["waits"], equal_nan=True))
        pairs.append((mine, reference, same))
    identical = all(same for _, _, same in pairs)
    ratios = sorted(r["cpu_s"] / e["cpu_s"] for e, r, _ in pairs)
    # the pair whose CPU ratio is the median (the lower middle one for an even count)
    mine, reference, _ = next(
        p for p in pairs if p[1]["cpu_s"] / p[0]["cpu_s"] == ratios[(len(ratios) - 1) // 2]
    )
    watchkeeper = None if args.skip_watchkeeper else _engine(trace, roster, "watchkeeper", config)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SimPy {simpy.__version__}",
        "load_average": os.getloadavg(),
        "incidents": len(trace),
        "units": len(roster),
        "days": args.days,
        "status_quo_full": {k: v for k, v in full.items() if k != "waits"},
        "comparison": {
            "incidents": len(subset),
            "engine_cpu_s": mine["cpu_s"],
            "engine_wall_s": mine["wall_s"],
            "simpy_cpu_s": reference["cpu_s"],
            "simpy_wall_s": reference["wall_s"],
            "ratio_cpu": reference["cpu_s"] / mine["cpu_s"],
            "ratio_wall": reference["wall_s"] / mine["wall_s"],
            "ratios_cpu_all_pairs": ratios,
            "waits_identical": identical,
        },
        "watchkeeper_full": None
        if watchkeeper is None
        else {k: v for k, v in watchkeeper.items() if k != "waits"},
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    _print(report)


def _print(report: dict[str, Any]) -> None:
    print(f"simulation benchmark, {report['date']}, {report['machine']}")
    print(
        f"{report['incidents']:,} incidents over {report['days']} days, {report['units']} units\n"
    )
    print("| run | incidents | events | wall s | CPU s | events / CPU s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for key in ("status_quo_full", "watchkeeper_full"):
        run = report[key]
        if run:
            print(
                f"| engine, {run['policy']} | {run['incidents']:,} | {run['events']:,} | "
                f"{run['wall_s']:.1f} | {run['cpu_s']:.1f} | {run['events_per_cpu_s']:,.0f} |"
            )
    for key in ("status_quo_full", "watchkeeper_full"):
        if report[key]:
            shown = ", ".join(f"{k} {v:.3g}" for k, v in report[key]["measures"].items())
            print(f"{report[key]['policy']}: {shown}")
    c = report["comparison"]
    print(
        f"\nSimPy vs engine, status quo, first {c['incidents']:,} incidents: SimPy "
        f"{c['simpy_cpu_s']:.1f} CPU s ({c['simpy_wall_s']:.1f} wall), engine "
        f"{c['engine_cpu_s']:.2f} CPU s ({c['engine_wall_s']:.2f} wall): "
        f"ratio {c['ratio_cpu']:.1f}x CPU (median of {len(c['ratios_cpu_all_pairs'])}: "
        f"{', '.join(f'{r:.1f}' for r in c['ratios_cpu_all_pairs'])}), "
        f"{c['ratio_wall']:.1f}x wall; "
        f"per-incident waits identical: {c['waits_identical']}"
    )


if __name__ == "__main__":
    main()
