"""Extract the incident log from the store into Parquet, for DuckDB and Spark.

The extract holds what the indicator definitions read and nothing personal: incident ids,
times, grade, area, entry kinds, and the three document fields the indicators use (marker,
present, target_seq) lifted into columns, so no engine parses JSON. Rows stream in batches;
memory stays flat whatever the size of the store.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

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
                                   ("is_child", pa.bool_()), ("risk", pa.string()),
                                   ("supervisor_rationale", pa.string()), ("found_at", UTC_TS),
                                   ("rhi_offered_at", UTC_TS)]),
    "offenders": pa.schema([("offender_ref", pa.string()), ("status", pa.string()),
                            ("manager_ref", pa.string())]),
    "scpo_considerations": pa.schema([("case_id", pa.string()), ("flagged_at", UTC_TS),
                                      ("decided_at", UTC_TS)]),
    "ocg_groups": pa.schema([("group_id", pa.string()), ("state", pa.string()),
                             ("lro", pa.string()), ("created_at", UTC_TS)]),
    "ocg_plans": pa.schema([("plan_id", pa.string()), ("group_id", pa.string()),
                            ("created_at", UTC_TS), ("review_by", UTC_TS)]),
    "armed_deployments": pa.schema([("deployment_id", pa.string()), ("incident_ref", pa.string()),
                                    ("call_at", UTC_TS), ("arrived_at", UTC_TS)]),
}  # fmt: skip
RECORDED = "[recorded]"


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
