"""Rescoring the open backlog: vectorised NumPy vs a per-incident loop vs pandas ``apply``.

Run: ``python -m benchmarks.bench_rescoring [--sizes 10000 100000] [--seed 2017]``.
Builds seeded synthetic open incidents, times a full rescore three ways in the same run,
checks the three agree, prints a markdown table and writes benchmarks/out/rescoring.json.
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
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from watchkeeper.incidents.entries import (
    CallSource,
    Grade,
    Graded,
    Level,
    Location,
    Opened,
    ThriveAssessed,
    ThriveElement,
    ThriveRating,
)
from watchkeeper.incidents.model import IncidentState, Status
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.incidents.risk import (
    RiskContext,
    RiskFeatures,
    explain,
    features_of,
    score_features,
)
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.settings import load_force_profile

OUT = Path(__file__).resolve().parent / "out" / "rescoring.json"
NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
AREAS = ("north", "south", "east", "west", "central")
GRADES = (None, *Grade)
GRADE_WEIGHTS = (0.05, 0.2, 0.45, 0.2, 0.1)
REPEATS = {"vectorised": 25, "python-loop": 3, "pandas-apply": 3}


@cache
def _thrive(levels: tuple[int, ...]) -> ThriveAssessed:
    ratings = {
        e: ThriveRating(list(Level)[lv], "synthetic")
        for e, lv in zip(ThriveElement, levels, strict=True)
    }
    return ThriveAssessed(ratings)


@cache
def _opened(category: str, area: str) -> Opened:
    return Opened(CallSource.EMERGENCY_999, Location(f"1 {area} road", area), category)


def _minutes(rng: np.random.Generator, low: float, high: float) -> timedelta:
    return timedelta(minutes=float(rng.uniform(low, high)))


def _maybe(rng: np.random.Generator, p: float, at: datetime) -> datetime | None:
    return at if rng.random() < p else None


def synthetic_state(i: int, rng: np.random.Generator, profile: ForceProfile) -> IncidentState:
    """One open incident logged in the 12 hours before NOW, with seeded attributes."""
    logged = NOW - _minutes(rng, 0, 12 * 60)
    grade = GRADES[rng.choice(len(GRADES), p=GRADE_WEIGHTS)]
    markers = frozenset(m for m in profile.markers if rng.random() < 0.06)
    thrive = None if rng.random() < 0.1 else _thrive(tuple(rng.integers(0, 4, size=6).tolist()))
    arrived = _maybe(rng, 0.15, logged + _minutes(rng, 1, 90))
    return IncidentState(
        IncidentId(f"INC-{i:07d}"),
        _opened(str(rng.choice(list(profile.categories))), str(rng.choice(AREAS))),
        logged,
        status=Status.ON_SCENE if arrived and arrived <= NOW else Status.OPEN,
        grade=Graded(grade, profile.label_for(grade)) if grade else None,
        graded_at=logged + _minutes(rng, 0, 5) if grade else None,
        thrive=thrive,
        markers=markers,
        last_contact_at=_maybe(rng, 0.3, logged + _minutes(rng, 0, 60)),
        appointment_at=_maybe(rng, 0.7, logged + _minutes(rng, 60, 48 * 60)),
        arrived_at=arrived if arrived and arrived <= NOW else None,
    )


def synthetic_backlog(
    n: int, seed: int, profile: ForceProfile
) -> tuple[list[IncidentState], dict[IncidentId, RiskContext]]:
    rng = np.random.default_rng(np.random.SeedSequence([seed, n]))
    states = [synthetic_state(i, rng, profile) for i in range(n)]
    contexts = {
        s.incident_id: RiskContext(*(int(x) for x in rng.poisson(0.4, size=3)))
        for s in states
        if rng.random() < 0.3
    }
    return states, contexts


# --- the three ways of rescoring ---------------------------------------------------------


def by_python_loop(states, contexts, profile: ForceProfile) -> np.ndarray:
    empty = RiskContext()
    return np.array(
        [explain(s, contexts.get(s.incident_id, empty), profile, NOW).score for s in states]
    )


def features_frame(features: RiskFeatures) -> pd.DataFrame:
    names = (
        "base_points",
        "clock_start",
        "target_minutes",
        "deadline",
        "arrived",
        "no_contact_from",
    )
    return pd.DataFrame({name: getattr(features, name) for name in names})


def by_pandas_apply(
    frame: pd.DataFrame, features: RiskFeatures, profile: ForceProfile
) -> np.ndarray:
    w = profile.risk
    t = (NOW - features.origin) / timedelta(seconds=1)

    def one(row: pd.Series) -> float:
        end = min(row["arrived"], t)
        elapsed = max(end - row["clock_start"], 0.0) / 60.0
        waiting = min(
            elapsed / row["target_minutes"] * w.waiting_points_at_target, w.waiting_points_cap
        )
        breach = w.breach_points if end > row["deadline"] else 0.0
        silent = w.no_contact_points if t > row["no_contact_from"] else 0.0
        return float(row["base_points"] + waiting + breach + silent)

    return frame.apply(one, axis=1).to_numpy(dtype=np.float64)


def _time(fn: Callable[[], np.ndarray], repeats: int) -> tuple[list[float], np.ndarray]:
    timings, result = [], np.empty(0)
    for _ in range(repeats):
        started = time.perf_counter_ns()
        result = fn()
        timings.append((time.perf_counter_ns() - started) / 1e6)
    return timings, result


def run_size(n: int, seed: int, profile: ForceProfile) -> dict[str, Any]:
    states, contexts = synthetic_backlog(n, seed, profile)
    started = time.perf_counter_ns()
    features = features_of(states, contexts, profile)
    build_ms = (time.perf_counter_ns() - started) / 1e6
    frame = features_frame(features)
    runs = {
        "vectorised": lambda: score_features(features, profile, NOW)[0],
        "python-loop": lambda: by_python_loop(states, contexts, profile),
        "pandas-apply": lambda: by_pandas_apply(frame, features, profile),
    }
    results: dict[str, Any] = {}
    scores: dict[str, np.ndarray] = {}
    for name, fn in runs.items():
        timings, scores[name] = _time(fn, REPEATS[name])
        results[name] = {
            "median_ms": statistics.median(timings),
            "repeats": len(timings),
            "all_ms": timings,
        }
    base = results["vectorised"]["median_ms"]
    for name in runs:
        results[name]["ratio_to_vectorised"] = results[name]["median_ms"] / base
    agree = all(
        np.allclose(scores[name], scores["vectorised"], rtol=1e-9, atol=1e-9) for name in runs
    )
    return {
        "incidents": n,
        "features_build_ms": build_ms,
        "methods": results,
        "scores_agree": agree,
    }


def markdown(report: list[dict[str, Any]]) -> str:
    lines = [
        "| open incidents | method | median ms | repeats | x vectorised |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    for size in report:
        for name, r in size["methods"].items():
            lines.append(
                f"| {size['incidents']:,} | {name} | {r['median_ms']:.2f} | {r['repeats']} "
                f"| {r['ratio_to_vectorised']:.1f} |"
            )
    builds = ", ".join(f"{s['incidents']:,}: {s['features_build_ms']:.0f} ms" for s in report)
    agree = all(s["scores_agree"] for s in report)
    lines += ["", f"Features built once (not in the timings): {builds}. Scores agree: {agree}."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    profile = load_force_profile()
    report = [run_size(n, args.seed, profile) for n in args.sizes]
    print(markdown(report))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    environment = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }
    document = {
        "seed": args.seed,
        "now": NOW.isoformat(),
        "environment": environment,
        "sizes": report,
    }
    OUT.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    if not all(s["scores_agree"] for s in report):
        raise SystemExit("the three rescoring methods disagree")


if __name__ == "__main__":
    main()
