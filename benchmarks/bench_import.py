"""Import throughput: Watchkeeper's importer vs pandas.to_sql, with pyarrow's parse as ceiling.

Each measurement runs in its own subprocess so peak memory (max RSS) is its own.
Usage: python -m benchmarks.bench_import [--rows 1000000] [--skip-real]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parent / "out"

REAL = {
    "san-diego": sorted((SHARED / "sandiego-pd-cfs").glob("pd_calls_for_service_*.csv")),
    "san-luis-obispo": sorted((SHARED / "slo-pd-call-log").glob("SLOPD_report_*.csv")),
    "seattle": sorted((SHARED / "seattle-spd-call-data-extract").glob("*.csv")),
}


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _watchkeeper(profile: str, files: list[Path], db: Path) -> dict[str, float]:
    from watchkeeper.kernel.clock import FixedClock
    from watchkeeper.persistence import schema
    from watchkeeper.persistence.cad_import.importer import import_files
    from watchkeeper.persistence.cad_import.profile import load_profile
    from watchkeeper.persistence.engine import create_engine_for
    from watchkeeper.persistence.uow import SqlImportUnitOfWork

    url = f"sqlite:///{db}"
    schema.upgrade(url)
    engine = create_engine_for(url)
    clock = FixedClock(datetime(2026, 11, 26, tzinfo=UTC))
    started = time.perf_counter()
    summary = import_files(
        load_profile(profile), files, lambda: SqlImportUnitOfWork(engine), clock, "bench", db.parent
    )
    elapsed = time.perf_counter() - started
    return {"rows": summary.rows_read, "imported": summary.imported, "seconds": elapsed}


def _pandas(files: list[Path], db: Path) -> dict[str, float]:
    import pandas as pd
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{db}")
    started = time.perf_counter()
    rows = 0
    for path in files:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        # SQLite allows 32,766 bound variables per statement: stay under it.
        chunk = max(1, 30_000 // max(1, len(frame.columns)))
        frame.to_sql(
            "calls", engine, if_exists="append", index=False, method="multi", chunksize=chunk
        )
        rows += len(frame)
    return {"rows": rows, "seconds": time.perf_counter() - started}


def _pyarrow(files: list[Path]) -> dict[str, float]:
    import pyarrow.csv as pacsv

    started = time.perf_counter()
    rows = sum(pacsv.read_csv(path).num_rows for path in files)
    return {"rows": rows, "seconds": time.perf_counter() - started}


def _one(method: str, profile: str, files: list[Path]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        if method == "watchkeeper":
            result = _watchkeeper(profile, files, db)
        elif method == "pandas":
            result = _pandas(files, db)
        else:
            result = _pyarrow(files)
    result["peak_mib"] = _peak_mib()
    print(json.dumps(result))


def _measure(method: str, profile: str, files: list[Path]) -> dict[str, float]:
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.bench_import",
        "--one",
        method,
        profile,
        *map(str, files),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["rows_per_s"] = result["rows"] / result["seconds"]
    return result


def _generated(rows: int, folder: Path) -> Path:
    from watchkeeper.synthetic.sandiego_export import write_san_diego_style_export

    path = folder / f"generated_{rows}.csv"
    write_san_diego_style_export(path, rows, seed=2017, start=datetime(2023, 1, 1))
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--one", nargs="+")
    args = parser.parse_args()
    if args.one:
        _one(args.one[0], args.one[1], [Path(p) for p in args.one[2:]])
        return
    cases: list[tuple[str, str, list[Path]]] = []
    if not args.skip_real:
        cases += [(name, name, files) for name, files in REAL.items() if files]
    with tempfile.TemporaryDirectory() as tmp:
        if args.rows:
            cases.append(
                (f"generated {args.rows:,} rows", "san-diego", [_generated(args.rows, Path(tmp))])
            )
        results = []
        for label, profile, files in cases:
            row: dict[str, object] = {"case": label}
            for method in ("watchkeeper", "pandas", "pyarrow"):
                row[method] = _measure(method, profile, files)
            results.append(row)
            _print_row(row)
    OUT.mkdir(exist_ok=True)
    (OUT / "import.json").write_text(json.dumps(results, indent=2))


def _print_row(row: dict[str, object]) -> None:
    wk, pd_, pa = (row[m] for m in ("watchkeeper", "pandas", "pyarrow"))
    assert isinstance(wk, dict) and isinstance(pd_, dict) and isinstance(pa, dict)
    print(
        f"| {row['case']} | {wk['rows']:,} | {wk['rows_per_s']:,.0f} | {wk['peak_mib']:.0f} | "
        f"{pd_['rows_per_s']:,.0f} | {pd_['peak_mib']:.0f} | {pa['rows_per_s']:,.0f} | "
        f"{wk['rows_per_s'] / pd_['rows_per_s']:.2f} |",
        flush=True,
    )


if __name__ == "__main__":
    main()
