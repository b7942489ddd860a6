"""The indicator suite for one year of a large force: store (SQLite), DuckDB/Parquet, pandas.

Generates ``--incidents`` (default 700,000) incidents over 2025 in bulk (``assessment_data``),
then times the whole indicator suite for the year on each engine, each in its own
subprocess so its peak memory (max RSS, which includes DuckDB's and SQLite's native
memory) is its own. The plain-pandas version of the same computation is the baseline, and
its values must equal the engines' (the benchmark fails otherwise). ``--spark`` adds
Spark local mode over the same Parquet extract. Target: under 30 s (issue 7).

Usage: python -m benchmarks.bench_assessment [--incidents 700000] [--spark] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
TARGET_SECONDS = 30.0


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _measure(engine: str, data: Path) -> dict[str, object]:
    from benchmarks.assessment_data import YEAR
    from watchkeeper.analytics.indicator_engine import compute_indicators, default_profile

    started = time.perf_counter()
    if engine == "pandas":
        from benchmarks.assessment_pandas import facts, indicators

        values = indicators(
            facts(data / "pq", default_profile()), *(int(t.timestamp()) for t in YEAR)
        )
        statuses = {k: "ok" if v is not None else "no-data" for k, v in values.items()}
    else:
        backend = _backend(engine, data)
        results = compute_indicators(backend, *YEAR)
        values = {k: v.value for k, v in results.items()}
        statuses = {k: v.status for k, v in results.items()}
    seconds = time.perf_counter() - started
    return {
        "engine": engine,
        "seconds": seconds,
        "peak_mib": _peak_mib(),
        "values": values,
        "statuses": statuses,
    }


def _backend(engine: str, data: Path) -> object:
    from watchkeeper.analytics.indicator_backends import (
        DuckDBParquetBackend,
        SparkParquetBackend,
        StoreBackend,
    )

    if engine == "sqlite":
        import sqlalchemy as sa

        return StoreBackend.from_engine(sa.create_engine(f"sqlite:///{data / 'store.db'}"))
    if engine == "duckdb":
        return DuckDBParquetBackend(data / "pq")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .config("spark.driver.memory", "2g")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return SparkParquetBackend(data / "pq", session)


def _generate(n: int, data: Path) -> dict[str, float]:
    from benchmarks.assessment_data import generate, write_parquet, write_sqlite

    t0 = time.perf_counter()
    incidents, blocks = generate(n)
    entries = sum(len(b.idx) for b in blocks)
    t1 = time.perf_counter()
    write_parquet(incidents, blocks, data / "pq")
    t2 = time.perf_counter()
    write_sqlite(incidents, blocks, data / "store.db")
    t3 = time.perf_counter()
    return {
        "incidents": n,
        "entries": entries,
        "generate_s": t1 - t0,
        "parquet_s": t2 - t1,
        "sqlite_s": t3 - t2,
    }


def _agree(a: dict[str, float | None], b: dict[str, float | None]) -> list[str]:
    wrong = []
    for key, x in b.items():
        y = a.get(key)
        if (x is None) != (y is None) or (
            x is not None and y is not None and not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
        ):
            wrong.append(f"{key}: {y} vs {x}")
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=700_000)
    parser.add_argument("--spark", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated data here")
    parser.add_argument("--reuse", action="store_true", help="reuse the data kept in --keep")
    parser.add_argument("--measure", choices=["sqlite", "duckdb", "pandas", "spark"])
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(args.measure, args.data)))
        return
    with tempfile.TemporaryDirectory(prefix="wk-bench-assess-") as tmp:
        data = args.keep or Path(tmp)
        data.mkdir(parents=True, exist_ok=True)
        if args.reuse and (data / "made.json").exists():
            made = json.loads((data / "made.json").read_text())
        else:
            made = _generate(args.incidents, data)
            (data / "made.json").write_text(json.dumps(made))
        print(
            f"generated {made['incidents']:,} incidents, {made['entries']:,} entries "
            f"(numpy {made['generate_s']:.1f} s, Parquet {made['parquet_s']:.1f} s, "
            f"SQLite {made['sqlite_s']:.1f} s)",
            flush=True,
        )
        engines = ["sqlite", "duckdb", "pandas"] + (["spark"] if args.spark else [])
        runs = {}
        for engine in engines:
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.bench_assessment",
                    "--measure",
                    engine,
                    "--data",
                    str(data),
                ],
                check=False,
                capture_output=True,
                text=True,
            )
            if out.returncode != 0:
                raise SystemExit(f"{engine} run failed:\n{out.stderr[-3000:]}")
            runs[engine] = json.loads(out.stdout.strip().splitlines()[-1])
            r = runs[engine]
            ok = sum(1 for s in r["statuses"].values() if s == "ok")
            print(
                f"{engine:>7}: {r['seconds']:6.1f} s  peak {r['peak_mib']:7.0f} MiB  "
                f"{ok} indicators with data  (target < {TARGET_SECONDS:.0f} s)",
                flush=True,
            )
        base = runs["pandas"]["values"]
        for engine in engines:
            wrong = _agree(runs[engine]["values"], base)
            if wrong:
                raise SystemExit(f"{engine} disagrees with the pandas baseline: {wrong}")
        print("all engines agree with the pandas baseline on every incident-log indicator")
        OUT.mkdir(exist_ok=True)
        (OUT / "assessment.json").write_text(json.dumps({"data": made, "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
