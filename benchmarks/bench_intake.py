"""Intake lookup latency: everything the registers know about a caller and an address.

Loads a nominal index of N people (default 1,000,000) and about 5 N linked records
(addresses, person-address links, incident links, DA cases, missing episodes, offenders,
duties) with bulk inserts (executemany on SQLite, COPY on PostgreSQL), then times
``SqlSafeguardingLookup.known_at`` for random callers at random addresses (hits and
misses). Target (issue 5): p95 under 50 ms. Baseline, in the same run: a primary-key read
of one ``people`` row, interleaved with the look-ups; the ratios are printed.

Usage: python -m benchmarks.bench_intake [--people 1000000] [--lookups 2000]
                                          [--postgres URL] [--skip-sqlite]
PostgreSQL uses --postgres or WATCHKEEPER_TEST_POSTGRES_URL (an admin URL: a scratch
database is created and dropped).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

OUT = Path(__file__).resolve().parent / "out"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CHUNK = 50_000
# Linked records per person (about 5 in all): what a large force's registers hold.
SHAPE = {
    "addresses": 0.5,
    "person_addresses": 1.0,
    "record_links": 1.7,
    "da_cases": 0.5,
    "missing_episodes": 0.25,
    "offenders": 0.05,
    "duties": 1.0,
}


def _rows(table: str, n_people: int, rng: np.random.Generator) -> Iterator[list[dict[str, Any]]]:
    """Chunks of rows for one table, built from the same seeded generator."""
    from watchkeeper.people.place_keys import text_match_key

    count = int(SHAPE.get(table, 1.0) * n_people)
    n_addr = int(SHAPE["addresses"] * n_people)
    for start in range(0, count, CHUNK):
        idx = range(start, min(count, start + CHUNK))
        person = rng.integers(0, n_people, size=len(idx))
        place = rng.integers(0, n_addr, size=len(idx))
        yield [
            _row(table, i, int(p), int(a), text_match_key)
            for i, p, a in zip(idx, person, place, strict=True)
        ]


def _row(table: str, i: int, p: int, a: int, key: Callable[[str], str]) -> dict[str, Any]:
    when = NOW - timedelta(minutes=i % 500_000)
    if table == "people":
        return {"person_ref": f"P{i}", "given": "Given", "family": f"Family{i % 5000}",
                "family_key": f"F{i % 5000:04d}", "date_of_birth": date(1950 + i % 60, 1 + i % 12, 1 + i % 28),
                "markers": [], "created_at": when}  # fmt: skip
    if table == "addresses":
        text = f"{i} Bench Street District {i % 97}"
        return {"address_ref": f"A{i}", "lines": [text], "postcode": "", "match_key": key(text),
                "lat": None, "lon": None}  # fmt: skip
    if table == "person_addresses":
        return {
            "person_ref": f"P{i}",
            "address_ref": f"A{a}",
            "relation": "lives-at",
            "since": None,
        }
    if table == "record_links":
        return {"incident_id": f"INC{i}", "person_ref": f"P{p}", "address_ref": f"A{a}",
                "role": "victim", "linked_by": "bench", "linked_at": when}  # fmt: skip
    if table == "da_cases":
        return {"case_ref": f"DA{i}", "victim_ref": f"P{p}", "perpetrator_ref": None,
                "address_ref": f"A{a}", "incident_id": f"INC{i}", "opened_at": when,
                "status": "open" if i % 4 == 0 else "closed", "dash_status": "completed",
                "refusal_reason": None, "actuarial_level": "medium", "risk_level": "medium",
                "judgement_rationale": None, "judgement_by": None, "assessed_by": "bench",
                "signed_off_by": "sgt", "signed_off_at": when,
                "marac_referred_on": date(2026, 1, 1) if i % 10 == 0 else None,
                "closed_at": None}  # fmt: skip
    if table == "missing_episodes":
        return {"episode_ref": f"MP{i}", "person_ref": f"P{p}", "address_ref": f"A{a}",
                "incident_id": None, "reported_at": when, "date_of_birth": date(2010, 1, 1),
                "is_child": True, "looked_after": i % 3 == 0, "markers": [],
                "initial_risk": "medium", "risk": "medium",
                "call_answers": {"form_id": "x", "version": "1", "answers": {}},
                "supervisor_rationale": None, "found_at": None, "safe_and_well_at": None,
                "rhi_offered_at": None, "status": "open" if i % 20 == 0 else "closed",
                "reported_by": "bench"}  # fmt: skip
    if table == "offenders":
        return {"offender_ref": f"RSO{i}", "person_ref": f"P{p}", "address_ref": f"A{a}",
                "manager_ref": f"mgr{i % 300}", "registered_on": date(2020, 1, 1),
                "notification_ends_on": None, "risk_level": "medium", "mappa_category": 1,
                "mappa_level": 1, "no_fixed_abode": False, "reactive": False,
                "visit_interval_months": 6, "visit_basis": "template", "visit_rationale": "",
                "status": "active"}  # fmt: skip
    return {"duty_id": f"D{i}", "kind": "rso-visit", "subject_ref": f"RSO{i % 50_000}",
            "owner": f"mgr{i % 300}", "supervisor": "sgt", "due_at": when,
            "escalate_after_seconds": 3600, "state": "open", "is_open": i % 5 == 0}  # fmt: skip


TABLES = ("people", *SHAPE)


def _copy(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY through psycopg (JSON columns as text)."""
    names = [c.name for c in table.columns if c.name in rows[0]]  # identity columns fill themselves
    json_cols = {c.name for c in table.columns if isinstance(c.type, sa.JSON)}
    raw = connection.connection.driver_connection
    assert raw is not None
    with (
        raw.cursor() as cur,
        cur.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in json_cols else row[n] for n in names])


def _sqlite_value(value: Any) -> Any:
    # The stored forms SQLAlchemy would write: UTC instants without offset, ISO dates, JSON text.
    if isinstance(value, datetime):
        return (
            value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _executemany(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """SQLite: one prepared INSERT, executemany over plain tuples (no per-row type processing)."""
    names = [c.name for c in table.columns if c.name in rows[0]]
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.executemany(sql, [tuple(_sqlite_value(row[n]) for n in names) for row in rows])


def _without_indexes(engine: sa.Engine, tables: list[sa.Table]) -> Iterator[None]:
    """Drop the secondary indexes for the load and build them once at the end (bulk-load practice)."""
    indexes = [ix for t in tables for ix in t.indexes]
    with engine.begin() as c:
        for ix in indexes:
            ix.drop(c)
    yield
    with engine.begin() as c:
        for ix in indexes:
            ix.create(c)


def load(engine: sa.Engine, n_people: int, seed: int = 5) -> dict[str, int]:
    """Bulk-load the registers; returns rows per table."""
    from watchkeeper.persistence.tables import metadata

    loader = contextlib.contextmanager(_without_indexes)
    with loader(engine, [metadata.tables[name] for name in TABLES]):
        counts = _load_rows(engine, n_people, seed)
    with engine.begin() as c:
        c.exec_driver_sql("ANALYZE")
    return counts


def _load_rows(engine: sa.Engine, n_people: int, seed: int) -> dict[str, int]:
    from watchkeeper.persistence.tables import metadata

    rng = np.random.default_rng(seed)
    counts = {}
    for name in TABLES:
        table = metadata.tables[name]
        total = 0
        for chunk in _rows(name, n_people, rng):
            with engine.begin() as c:
                if engine.dialect.name == "postgresql":
                    _copy(c, table, chunk)
                else:
                    _executemany(c, table, chunk)
            total += len(chunk)
        counts[name] = total
    return counts


def measure(engine: sa.Engine, n_people: int, lookups: int, seed: int = 11) -> dict[str, float]:
    from watchkeeper.kernel.clock import FixedClock
    from watchkeeper.persistence.safeguarding_lookup import SqlSafeguardingLookup
    from watchkeeper.persistence.tables_safeguarding import people
    from watchkeeper.safeguarding.policy import default_policy

    lookup = SqlSafeguardingLookup(engine, default_policy(), FixedClock(NOW))
    # Baseline, interleaved with the look-ups on the same engine: the cheapest read there is,
    # one primary-key probe of the caller's ``people`` row on a fresh checkout. The ratio says
    # what the intake look-up costs over one indexed round trip, whatever the machine's load.
    point = sa.select(people.c.person_ref, people.c.given).where(
        people.c.person_ref == sa.bindparam("ref")
    )
    rng = np.random.default_rng(seed)
    n_addr = int(SHAPE["addresses"] * n_people)
    timings, floor, found = [], [], 0
    for k in range(lookups):
        a = int(rng.integers(0, n_addr))
        person = f"P{int(rng.integers(0, n_people))}" if k % 4 else "P-unknown"
        text = f"{a} Bench Street District {a % 97}" if k % 5 else "1 Unknown Road"
        started = time.perf_counter()
        found += len(lookup.known_at(text, person))
        timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with engine.connect() as c:
            c.execute(point, {"ref": person}).first()
        floor.append((time.perf_counter() - started) * 1000)
    timings.sort()
    floor.sort()

    def pct(values: list[float], q: float) -> float:
        return values[int(q * len(values)) - 1]

    return {
        "lookups": lookups,
        "records_found": found,
        "p50_ms": statistics.median(timings),
        "p95_ms": pct(timings, 0.95),
        "p99_ms": pct(timings, 0.99),
        "baseline_point_read_p50_ms": statistics.median(floor),
        "baseline_point_read_p95_ms": pct(floor, 0.95),
        "p50_ratio_to_baseline": statistics.median(timings) / statistics.median(floor),
        "p95_ratio_to_baseline": pct(timings, 0.95) / pct(floor, 0.95),
    }


def _run(url: str, n_people: int, lookups: int) -> dict[str, Any]:
    from watchkeeper.persistence import schema
    from watchkeeper.persistence.engine import create_engine_for

    schema.upgrade(url)
    engine = create_engine_for(url)
    try:
        started = time.perf_counter()
        counts = load(engine, n_people)
        load_s = time.perf_counter() - started
        result = measure(engine, n_people, lookups)
    finally:
        engine.dispose()
    linked = sum(v for k, v in counts.items() if k != "people")
    return {"people": counts["people"], "linked_records": linked, "load_seconds": round(load_s, 1),
            **{k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}}  # fmt: skip


def _postgres(admin_url: str, n_people: int, lookups: int) -> dict[str, Any]:
    name = f"wk_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        return _run(url, n_people, lookups)
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--postgres", default=os.environ.get("WATCHKEEPER_TEST_POSTGRES_URL", ""))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {"date": NOW.date().isoformat(), "target_p95_ms": 50}
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            results["sqlite"] = _run(
                f"sqlite:///{Path(tmp) / 'intake.db'}", args.people, args.lookups
            )
        print(json.dumps({"sqlite": results["sqlite"]}), flush=True)
    if args.postgres:
        results["postgresql"] = _postgres(args.postgres, args.people, args.lookups)
        print(json.dumps({"postgresql": results["postgresql"]}), flush=True)
    OUT.mkdir(exist_ok=True)
    path = OUT / "bench_intake.json"
    earlier = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps(earlier | results, indent=2))  # one engine per run keeps the other


if __name__ == "__main__":
    main()
