"""Extract the incident log from the store into Parquet, for DuckDB and Spark.

The extract holds what the indicator definitions read and nothing personal: incident ids,
times, grade, area, entry kinds, and the three document fields the indicators use (marker,
present, target_seq) lifted into columns, so no engine parses JSON; likewise the registers'
columns the indicators read, with each SCPO order's check interval and checks lifted out of
its document (``scpo_orders``, ``scpo_checks``). Rows stream in batches;
memory stays flat whatever the size of the store.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from watchkeeper.kernel.errors import InputError
from watchkeeper.persistence.tables import incident_entries, incidents, metadata

UTC_TS = pa.timestamp("us", tz="UTC")

INCIDENTS_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("logged_at", UTC_TS),
        ("closed_at", UTC_TS),
        ("grade", pa.string()),
        ("area", pa.string()),
    ]
)

ENTRY_FACTS_SCHEMA = pa.schema(
    [
        ("incident_id", pa.string()),
        ("seq", pa.int64()),
        ("kind", pa.string()),
        ("at", UTC_TS),
        ("marker", pa.string()),
        ("present", pa.bool_()),
        ("target_seq", pa.int64()),
    ]
)


# Register columns the indicators read (analytics/register_queries.py), and nothing else:
# no names, addresses or answers. A rationale is written only as whether one was recorded.
REGISTER_SCHEMAS: dict[str, pa.Schema] = {
    "da_cases": pa.schema([("case_ref", pa.string()), ("opened_at", UTC_TS),
                           ("dash_status", pa.string()), ("risk_level", pa.string()),
                           ("signed_off_at", UTC_TS), ("marac_referred_on", pa.date32())]),
    "missing_episodes": pa.schema([("episode_ref", pa.string()), ("reported_at", UTC_TS),
                                   ("is_child", pa.bool_()), ("initial_risk", pa.string()),
                                   ("risk", pa.string()),
                                   ("supervisor_rationale", pa.string()), ("found_at", UTC_TS),
                                   ("rhi_offered_at", UTC_TS)]),
    "missing_reviews": pa.schema([("episode_ref", pa.string()), ("seq", pa.int64()),
                                  ("at", UTC_TS), ("level", pa.string())]),
    "offenders": pa.schema([("offender_ref", pa.string()), ("status", pa.string()),
                            ("manager_ref", pa.string()), ("registered_on", pa.date32()),
                            ("notification_ends_on", pa.date32()),
                            ("no_fixed_abode", pa.bool_()), ("reactive", pa.bool_()),
                            ("visit_interval_months", pa.int64())]),
    "offender_visits": pa.schema([("offender_ref", pa.string()), ("visited_on", pa.date32())]),
    "offender_notifications": pa.schema([("offender_ref", pa.string()), ("kind", pa.string()),
                                         ("notified_on", pa.date32())]),
    "custody_periods": pa.schema([("offender_ref", pa.string()), ("starts_on", pa.date32()),
                                  ("ends_on", pa.date32())]),
    "scpo_considerations": pa.schema([("case_id", pa.string()), ("flagged_at", UTC_TS),
                                      ("decided_at", UTC_TS)]),
    "ocg_groups": pa.schema([("group_id", pa.string()), ("state", pa.string()),
                             ("band", pa.string()), ("lro", pa.string()),
                             ("created_at", UTC_TS)]),
    "ocg_plans": pa.schema([("plan_id", pa.string()), ("group_id", pa.string()),
                            ("created_at", UTC_TS), ("review_by", UTC_TS)]),
    "armed_deployments": pa.schema([("deployment_id", pa.string()), ("incident_ref", pa.string()),
                                    ("call_at", UTC_TS), ("arrived_at", UTC_TS)]),
}  # fmt: skip
RECORDED = "[recorded]"

# SCPO orders keep their check interval and checks in the JSON document; the extract lifts
# them into two plain tables (the store does the same in SQL: analytics/indicator_backends).
SCPO_SCHEMAS: dict[str, pa.Schema] = {
    "scpo_orders": pa.schema([("order_id", pa.string()), ("starts_on", pa.date32()),
                              ("ends_on", pa.date32()), ("check_interval_days", pa.int64())]),
    "scpo_checks": pa.schema([("order_id", pa.string()), ("done_on", pa.date32())]),
}  # fmt: skip


def _register_row(row: sa.Row[Any]) -> dict[str, Any]:
    values = row._asdict()
    if "supervisor_rationale" in values:
        text = values["supervisor_rationale"]
        values["supervisor_rationale"] = RECORDED if text and str(text).strip() else None
    return values


def export_registers(engine: sa.Engine, folder: Path, batch_size: int = 50_000) -> dict[str, int]:
    """Write each register table the store holds as ``<table>.parquet``; row counts."""
    present = set(sa.inspect(engine).get_table_names())
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for name, schema in REGISTER_SCHEMAS.items():
            if name not in present:
                continue
            table = metadata.tables[name]
            query = sa.select(*(table.c[c] for c in schema.names))
            counts[name] = 0
            with pq.ParquetWriter(folder / f"{name}.parquet", schema) as writer:
                writer.write_table(schema.empty_table())
                for rows in _batches(conn, query, batch_size):
                    writer.write_table(
                        pa.Table.from_pylist([_register_row(r) for r in rows], schema)
                    )
                    counts[name] += len(rows)
    if "scpo_orders" in present:
        counts.update(_export_scpo(engine, folder, batch_size))
    return counts


def _scpo_rows(rows: Sequence[sa.Row[Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    orders, checks = [], []
    for row in rows:
        doc = row.document if isinstance(row.document, dict) else {}
        interval = doc.get("check_interval_days")
        if isinstance(interval, bool) or not isinstance(interval, int):
            raise InputError(
                f"scpo_orders {row.order_id}: document field check_interval_days is {interval!r}"
            )
        orders.append({"order_id": row.order_id, "starts_on": row.starts_on,
                       "ends_on": row.ends_on, "check_interval_days": interval})  # fmt: skip
        for i, check in enumerate(doc.get("checks") or []):
            try:
                done = date.fromisoformat(check["done_on"])
            except (KeyError, TypeError, ValueError):
                raise InputError(
                    f"scpo_orders {row.order_id}: checks[{i}].done_on is not an ISO date"
                ) from None
            checks.append({"order_id": row.order_id, "done_on": done})
    return orders, checks


def _export_scpo(engine: sa.Engine, folder: Path, batch_size: int) -> dict[str, int]:
    table = metadata.tables["scpo_orders"]
    query = sa.select(table.c.order_id, table.c.starts_on, table.c.ends_on, table.c.document)
    counts = dict.fromkeys(SCPO_SCHEMAS, 0)
    orders_schema, checks_schema = SCPO_SCHEMAS["scpo_orders"], SCPO_SCHEMAS["scpo_checks"]
    with (
        engine.connect() as conn,
        pq.ParquetWriter(folder / "scpo_orders.parquet", orders_schema) as order_writer,
        pq.ParquetWriter(folder / "scpo_checks.parquet", checks_schema) as check_writer,
    ):
        order_writer.write_table(orders_schema.empty_table())
        check_writer.write_table(checks_schema.empty_table())
        for rows in _batches(conn, query.order_by(table.c.order_id), batch_size):
            orders, checks = _scpo_rows(rows)
            order_writer.write_table(pa.Table.from_pylist(orders, orders_schema))
            check_writer.write_table(pa.Table.from_pylist(checks, checks_schema))
            counts["scpo_orders"] += len(orders)
            counts["scpo_checks"] += len(checks)
    return counts


def _batches(
    conn: sa.Connection, query: sa.Select[Any], size: int
) -> Iterator[Sequence[sa.Row[Any]]]:
    result = conn.execution_options(stream_results=True, yield_per=size).execute(query)
    yield from result.partitions(size)


def _entry_fact(row: sa.Row[Any]) -> dict[str, Any]:
    doc = row.document if isinstance(row.document, dict) else {}
    marker, present, target = doc.get("marker"), doc.get("present"), doc.get("target_seq")
    return {
        "incident_id": row.incident_id,
        "seq": row.seq,
        "kind": row.kind,
        "at": row.at,
        "marker": marker if isinstance(marker, str) else None,
        "present": present if isinstance(present, bool) else None,
        "target_seq": target if isinstance(target, int) else None,
    }


def export_incident_log(
    engine: sa.Engine, folder: Path, batch_size: int = 50_000
) -> dict[str, int]:
    """Write ``incidents.parquet`` and ``entry_facts.parquet`` into ``folder``; row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {"incidents": 0, "entry_facts": 0}
    cols = [incidents.c[name] for name in INCIDENTS_SCHEMA.names]
    with engine.connect() as conn:
        with pq.ParquetWriter(folder / "incidents.parquet", INCIDENTS_SCHEMA) as writer:
            for rows in _batches(conn, sa.select(*cols).order_by(incidents.c.id), batch_size):
                writer.write_table(
                    pa.Table.from_pylist([r._asdict() for r in rows], INCIDENTS_SCHEMA)
                )
                counts["incidents"] += len(rows)
        query = sa.select(incident_entries).order_by(
            incident_entries.c.incident_id, incident_entries.c.seq
        )
        with pq.ParquetWriter(folder / "entry_facts.parquet", ENTRY_FACTS_SCHEMA) as writer:
            for rows in _batches(conn, query, batch_size):
                facts = [_entry_fact(r) for r in rows]
                writer.write_table(pa.Table.from_pylist(facts, ENTRY_FACTS_SCHEMA))
                counts["entry_facts"] += len(rows)
    counts.update(export_registers(engine, folder, batch_size))
    return counts
