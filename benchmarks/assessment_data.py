"""A year of a large force's incident log, generated in bulk for the assessment benchmark.

Written straight to Parquet (the analytics extract's layout) and to a SQLite store (the
``incidents`` and ``incident_entries`` tables, through sqlite3 executemany) — never
through the per-incident service, which would take hours at this size. The mix, delays
and rates are assumed (shaped like a force under strain, see ``MIX``): no published
per-incident distribution exists for these. Entry sequence numbers are fixed per kind
(gaps allowed): the indicators order by them but never count them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

YEAR = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
GRADES = np.array(["emergency", "priority", "scheduled", "resolution-without-deployment"])
MIX = np.array([0.15, 0.35, 0.30, 0.20])  # assumed grade mix
AREAS = np.array(["north", "south", "east", "west", "central"])
MARKERS = np.array(["child", "older-person", "mental-health", "disability", "domestic-abuse"])
# (median minutes, lognormal sigma) of the time to first arrival by grade: assumed
DELAY = {"emergency": (13.0, 0.6), "priority": (55.0, 0.8), "scheduled": (600.0, 0.5)}
SEQ = {
    "opened": 1,
    "graded": 2,
    "vulnerability-marked": 3,
    "withdrawn": 4,
    "contact-made": 5,
    "backlog-reviewed": 6,
    "wrong-arrival": 7,
    "struck": 8,
    "arrived": 9,
    "closed": 10,
}


@dataclass
class Block:
    """Entries of one kind: incident index, seq, epoch seconds, JSON document, extra columns."""

    kind: str
    idx: np.ndarray
    at: np.ndarray
    marker: np.ndarray | None = None
    present: bool | None = None
    target_seq: int | None = None


def generate(n: int, seed: int = 7) -> tuple[dict[str, np.ndarray], list[Block]]:
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    start, end = (int(t.timestamp()) for t in YEAR)
    logged = np.sort(rng.integers(start, end, n))
    grade = rng.choice(GRADES, n, p=MIX)
    area = rng.choice(AREAS, n)
    idx = np.arange(n)
    minutes = np.full(n, np.nan)
    for g, (median, sigma) in DELAY.items():
        sel = grade == g
        minutes[sel] = rng.lognormal(np.log(median), sigma, sel.sum())
    attended = ~np.isnan(minutes) & (rng.random(n) > 0.03)
    arrived = logged + np.nan_to_num(minutes * 60).astype(np.int64)
    closed = np.where(attended, arrived, logged) + rng.integers(20 * 60, 300 * 60, n)
    still_open = (logged > end - 2 * 86400) & (rng.random(n) < 0.3)
    blocks = [Block("opened", idx, logged), Block("graded", idx, logged)]
    marked = rng.random(n) < 0.25
    blocks.append(
        Block(
            "vulnerability-marked",
            idx[marked],
            logged[marked] + 60,
            rng.choice(MARKERS, marked.sum()),
            True,
        )
    )
    withdrawn = marked & (rng.random(n) < 0.08)
    blocks.append(Block("withdrawn", idx[withdrawn], logged[withdrawn] + 120, None, False))
    contact = (grade == "priority") & (rng.random(n) < 0.4)
    blocks.append(
        Block(
            "contact-made", idx[contact], logged[contact] + rng.integers(300, 5400, contact.sum())
        )
    )
    review = rng.random(n) < 0.1
    blocks.append(
        Block(
            "backlog-reviewed", idx[review], logged[review] + rng.integers(600, 7200, review.sum())
        )
    )
    wrong = attended & (rng.random(n) < 0.005)
    blocks.append(Block("wrong-arrival", idx[wrong], logged[wrong] + 30))
    blocks.append(Block("struck", idx[wrong], logged[wrong] + 40, target_seq=SEQ["wrong-arrival"]))
    blocks.append(Block("arrived", idx[attended], arrived[attended]))
    shut = ~still_open
    blocks.append(Block("closed", idx[shut], closed[shut]))
    # the withdrawn marker is the same marker as the one recorded
    marker_of = np.full(n, None, dtype=object)
    marker_of[marked] = blocks[2].marker
    blocks[3].marker = marker_of[withdrawn]
    incidents = {
        "logged": logged,
        "closed": np.where(shut, closed, -1),
        "grade": grade,
        "area": area,
    }
    return incidents, blocks


def _ids(n: int) -> np.ndarray:
    return np.array([f"bench-{i:07d}" for i in range(n)], dtype=object)


def _kind(block: Block) -> str:
    return {"withdrawn": "vulnerability-marked", "wrong-arrival": "arrived"}.get(
        block.kind, block.kind
    )


def _ts(seconds: np.ndarray) -> pa.Array:
    return pa.array(
        seconds.astype("datetime64[s]").astype("datetime64[us]"), pa.timestamp("us", tz="UTC")
    )


def write_parquet(incidents: dict[str, np.ndarray], blocks: list[Block], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ids = _ids(len(incidents["logged"]))
    closed = incidents["closed"]
    closed_ts = pa.array(
        np.where(closed < 0, 0, closed).astype("datetime64[s]").astype("datetime64[us]"),
        pa.timestamp("us", tz="UTC"),
        mask=closed < 0,
    )
    pq.write_table(
        pa.table(
            {
                "id": pa.array(ids, pa.string()),
                "logged_at": _ts(incidents["logged"]),
                "closed_at": closed_ts,
                "grade": pa.array(incidents["grade"]),
                "area": pa.array(incidents["area"]),
            }
        ),
        folder / "incidents.parquet",
    )
    parts = []
    for b in blocks:
        m = len(b.idx)
        parts.append(
            pa.table(
                {
                    "incident_id": pa.array(ids[b.idx], pa.string()),
                    "seq": pa.array(np.full(m, SEQ[b.kind], dtype=np.int64)),
                    "kind": pa.array([_kind(b)] * m, pa.string()),
                    "at": _ts(b.at),
                    "marker": pa.array(
                        b.marker if b.marker is not None else [None] * m, pa.string()
                    ),
                    "present": pa.array([b.present] * m, pa.bool_()),
                    "target_seq": pa.array([b.target_seq] * m, pa.int64()),
                }
            )
        )
    pq.write_table(pa.concat_tables(parts), folder / "entry_facts.parquet", row_group_size=500_000)


def _text(seconds: np.ndarray) -> list[str]:
    # SQLAlchemy's SQLite DateTime form for UtcDateTime: "YYYY-MM-DD HH:MM:SS.ffffff".
    iso = np.datetime_as_string(seconds.astype("datetime64[s]").astype("datetime64[us]"), unit="us")
    return [s.replace("T", " ") for s in iso.tolist()]


def _document(block: Block, i: int) -> str:
    if block.kind in ("vulnerability-marked", "withdrawn"):
        assert block.marker is not None
        return json.dumps({"marker": block.marker[i], "present": bool(block.present), "note": ""})
    if block.kind == "struck":
        return json.dumps({"target_seq": block.target_seq, "reason": "wrong unit"})
    return "{}"


def write_sqlite(incidents: dict[str, np.ndarray], blocks: list[Block], db: Path) -> None:
    """The two incident tables, made by the project's metadata, filled with executemany."""
    import sqlalchemy as sa

    from watchkeeper.persistence.tables import incident_entries, metadata
    from watchkeeper.persistence.tables import incidents as incidents_table

    engine = sa.create_engine(f"sqlite:///{db}")
    metadata.create_all(engine, tables=[incidents_table, incident_entries])
    engine.dispose()
    ids = _ids(len(incidents["logged"])).tolist()
    logged, closed = _text(incidents["logged"]), incidents["closed"]
    closed_text = _text(np.where(closed < 0, 0, closed))
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    rows = (
        (
            ids[i],
            1,
            logged[i],
            None if closed[i] < 0 else closed_text[i],
            "open" if closed[i] < 0 else "closed",
            incidents["grade"][i],
            incidents["area"][i],
        )
        for i in range(len(ids))
    )
    con.executemany(
        "INSERT INTO incidents (id, version, logged_at, closed_at, status, grade, area, category,"
        " address_key, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'violence', 'addr', ?)",
        ((*r, r[2]) for r in rows),
    )
    for b in blocks:
        at = _text(b.at)
        kind = _kind(b)
        con.executemany(
            "INSERT INTO incident_entries VALUES (?, ?, ?, 1, ?, ?, 'bench', ?)",
            (
                (ids[j], SEQ[b.kind], kind, at[k], at[k], _document(b, k))
                for k, j in enumerate(b.idx.tolist())
            ),
        )
    con.commit()
    con.close()
