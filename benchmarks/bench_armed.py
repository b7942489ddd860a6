"""Armed-response analysis at large-force size vs an idiomatic pandas version (issue 6).

Run: ``python -m benchmarks.bench_armed [--incidents 15000] [--arvs 150] [--years 5]``.
Generates seeded firearms incidents over five years (one ARV deployment each, 150 ARVs, ten
areas), stores them in a fresh SQLite file through the store, then times, in the same run:

- ``load``: reading the period back from the store as columns (``SqlDeploymentStore.table``);
- ``watchkeeper``: the NumPy analysis (``armed_policing.analysis.analyse``);
- ``watchkeeper+report``: the analysis plus the HTML summary and four SVG charts;
- ``pandas``: the same computation written the idiomatic pandas way (tz_convert, groupby,
  ``quantile``), from the same columns.

Every group's count, mean, median, 90th percentile and within-expectation count, the outlier
threshold and the outlier list are asserted equal between the two before any time is shown.
Results go to ``benchmarks/out/armed.json`` and stdout (markdown).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from watchkeeper.armed_policing.analysis import DAYS, ArmedAnalysis, DeploymentTable, analyse
from watchkeeper.armed_policing.config import ArmedPolicy, load_policy
from watchkeeper.armed_policing.model import ArmedDeployment
from watchkeeper.armed_policing.report import render
from watchkeeper.persistence import schema
from watchkeeper.persistence.engine import create_engine_for
from watchkeeper.persistence.soc_store import SqlArmedUnitOfWork

OUT = Path(__file__).resolve().parent / "out" / "armed.json"
END = datetime(2026, 1, 1, tzinfo=UTC)
AREAS = [f"area-{k:02d}" for k in range(10)]


def generate(incidents: int, arvs: int, years: int, seed: int) -> list[ArmedDeployment]:
    rng = np.random.default_rng(seed)
    span = years * 365.25 * 86400
    offsets = np.sort(rng.uniform(0, span, incidents))
    area_delay = rng.uniform(0, 6, len(AREAS))
    start = END - timedelta(seconds=span)
    out = []
    for i, off in enumerate(offsets):
        call = start + timedelta(seconds=float(off))
        a = int(rng.integers(len(AREAS)))
        minutes = float(rng.lognormal(np.log(13.0), 0.45)) + float(area_delay[a])
        sent = call + timedelta(minutes=float(rng.uniform(1, 4)))
        arrived = None if rng.random() < 0.02 else call + timedelta(minutes=minutes + 4)
        out.append(ArmedDeployment(f"D{i:06d}", f"FA-{i:06d}", f"ARV-{int(rng.integers(arvs)):03d}",
                                   AREAS[a], call, call + timedelta(minutes=1), sent,
                                   sent + timedelta(seconds=20), arrived))  # fmt: skip
    return out


def pandas_analysis(table: DeploymentTable, policy: ArmedPolicy) -> dict[str, Any]:
    """The same numbers, written as a pandas user would."""
    frame = pd.DataFrame({"id": table.deployment_id, "ref": table.incident_ref, "area": table.area,
                          "call": pd.to_datetime(table.call_s, unit="s", utc=True),
                          "arrived_s": table.arrived_s, "call_s": table.call_s})  # fmt: skip
    frame = frame[frame["arrived_s"].notna()].copy()
    frame["minutes"] = (frame["arrived_s"] - frame["call_s"]) / 60.0
    frame["expected"] = frame["area"].map(policy.expected_minutes)
    frame["within"] = frame["minutes"] <= frame["expected"]
    local = frame["call"].dt.tz_convert(policy.timezone)
    frame["hour"] = local.dt.strftime("%H:00")
    frame["day"] = local.dt.day_of_week.map(dict(enumerate(DAYS)))
    frame["month"] = local.dt.strftime("%Y-%m")
    result: dict[str, Any] = {}
    for key in ("area", "hour", "day", "month"):
        grouped = frame.groupby(key)["minutes"]
        stats = grouped.agg(["count", "mean", "median"])
        stats["p90"] = grouped.quantile(0.9)
        stats["within"] = frame.groupby(key)["within"].sum()
        result[key] = stats
    q1, q3 = frame["minutes"].quantile([0.25, 0.75])
    threshold = q3 + policy.outlier_iqr_factor * (q3 - q1)
    outliers = frame[frame["minutes"] > threshold].sort_values(
        "minutes", ascending=False, kind="stable"
    )
    result["threshold"] = threshold
    result["outliers"] = outliers["id"].tolist()
    return result


def check_equal(ours: ArmedAnalysis, theirs: dict[str, Any]) -> None:
    for key, groups in (("area", ours.by_area), ("hour", ours.by_hour), ("day", ours.by_day),
                        ("month", ours.by_month)):  # fmt: skip
        frame = theirs[key]
        assert sorted(frame.index) == sorted(g.key for g in groups), key
        for g in groups:
            row = frame.loc[g.key]
            assert int(row["count"]) == g.count and int(row["within"]) == g.within, (key, g.key)
            assert np.allclose([row["mean"], row["median"], row["p90"]], [g.mean, g.median, g.p90],
                               rtol=1e-12, atol=1e-9), (key, g.key)  # fmt: skip
    assert ours.outlier_threshold is not None
    assert abs(ours.outlier_threshold - theirs["threshold"]) < 1e-9
    assert [o.deployment_id for o in ours.outliers] == theirs["outliers"]


def _best(fn: Any, repeats: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=15_000)
    parser.add_argument("--arvs", type=int, default=150)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    policy = load_policy()
    deployments = generate(args.incidents, args.arvs, args.years, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'armed.db'}"
        schema.upgrade(url)
        engine = create_engine_for(url)
        with SqlArmedUnitOfWork(engine, None, immediate=True) as uow:
            uow.deployments.add_many(deployments)
            uow.commit()

        def load() -> DeploymentTable:
            with SqlArmedUnitOfWork(engine) as uow:
                return uow.deployments.table(None, None)

        load_s, table = _best(load, args.repeats)
        engine.dispose()
    ours_s, ours = _best(lambda: analyse(table, policy), args.repeats)
    report_s, _ = _best(lambda: render(analyse(table, policy), policy, END), args.repeats)
    pandas_s, theirs = _best(lambda: pandas_analysis(table, policy), args.repeats)
    check_equal(ours, theirs)
    result = {
        "incidents": args.incidents, "arvs": args.arvs, "years": args.years, "attended": ours.attended,
        "months": len(ours.by_month), "outliers": len(ours.outliers), "load_s": round(load_s, 4),
        "watchkeeper_s": round(ours_s, 4), "watchkeeper_report_s": round(report_s, 4),
        "pandas_s": round(pandas_s, 4), "speedup_vs_pandas": round(pandas_s / ours_s, 1),
        "numpy": np.__version__, "pandas": pd.__version__, "repeats": args.repeats,
    }  # fmt: skip
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print("| " + " | ".join(result) + " |")
    print("|" + " --- |" * len(result))
    print("| " + " | ".join(str(v) for v in result.values()) + " |")


if __name__ == "__main__":
    main()
