"""Control-room load on the backlog board (issue 3): 50 screens refreshing, one call handler.

Run: ``python -m benchmarks.bench_web_load [--engines sqlite postgresql] [--duration 60]``.

For each engine: builds a store with at least ``--open`` open incidents (synthetic demand,
seed 2017) and the demo accounts, serves it with uvicorn in a subprocess on a free
127.0.0.1 port, signs in ``--clients`` supervisors (each from its own loopback source
address, so the per-client sign-in throttle is not what is measured), and for
``--duration`` seconds: each client GETs ``/api/backlog?page_size=25`` about once a second,
one more screen GETs the HTML ``/board/live`` partial once a second, a probe GETs
``/health`` once a second (the floor), and the call handler POSTs ``/api/incidents`` every
``--log-every`` seconds. Every loop is bounded by count and time; the server is stopped and
a PostgreSQL database it created is dropped at the end. Prints a markdown table and writes
benchmarks/out/web_load.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_web_load_client import LoadPlan, run_load
from benchmarks.bench_web_load_server import prepared_store, served

OUT = Path(__file__).resolve().parent / "out" / "web_load.json"
KINDS = ("board-api", "board-html", "log-incident", "health")


def _row(engine: str, data: dict[str, int], kind: str, stats: dict[str, Any]) -> str:
    return (
        f"| {engine} | {data['open']:,} | {kind} | {stats['count']:,} | {stats['rps']:.1f} "
        f"| {stats['p50']:.1f} | {stats['p95']:.1f} | {stats['p99']:.1f} | {stats['errors']} |"
    )


def _table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| engine | open | requests | count | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        for kind in KINDS:
            stats = result["stats"].get(kind)
            if stats:
                lines.append(_row(result["engine"], result["data"], kind, stats))
    return "\n".join(lines)


def bench_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """Build the store, serve it, drive it; the store and server are gone on return."""
    with prepared_store(engine, args.open, args.seed) as (env, data):
        print(f"{engine}: {data['open']:,} open of {data['total']:,} incidents", flush=True)
        with served(env) as base_url:
            plan = LoadPlan(base_url, args.clients, args.duration, args.log_every)
            stats = run_load(plan)
    return {"engine": engine, "data": data, "stats": stats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--open", type=int, default=5000, help="open incidents at least")
    parser.add_argument("--log-every", type=float, default=3.0, help="seconds per new call")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--label", default="", help="a note stored with the results")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.duration <= 900:
        parser.error("--clients must be 1..200 and --duration 1..900 seconds")
    results = [bench_engine(engine, args) for engine in args.engines]
    print(_table(results))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    meta = {"python": platform.python_version(), "date": time.strftime("%Y-%m-%d")}
    meta |= {"label": args.label, "clients": args.clients, "duration_s": args.duration}
    OUT.write_text(json.dumps({"meta": meta, "results": results}, indent=2))


if __name__ == "__main__":
    main()
