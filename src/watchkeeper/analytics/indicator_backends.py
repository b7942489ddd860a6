"""Where the indicator definitions run: the live store, DuckDB over Parquet, or Spark.

Each backend gives the same two canonical relations (``incident_facts.py``) as Ibis tables
and says which source tables exist, so a capability that has not landed reports no data.
The Parquet layout (``incidents.parquet``, ``entry_facts.parquet``, one file per other
table; SCPO orders as ``scpo_orders.parquet`` and ``scpo_checks.parquet``, lifted from their
documents on the store in SQL) is written by ``persistence/analytics_export.py``; DuckDB reads it through Arrow-
free ``read_parquet`` (no extension download is needed for Parquet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import ibis
import ibis.expr.types as ir
import sqlalchemy as sa
from ibis.backends import BaseBackend

from watchkeeper.analytics.incident_facts import entry_facts_from_log
from watchkeeper.kernel.errors import ConfigurationError

INCIDENT_COLUMNS = ("id", "logged_at", "closed_at", "grade", "area")

# SCPO orders keep their check interval and compliance checks inside the JSON document
# (``persistence/tables_soc.py``). The indicators read two plain relations instead — the
# same columns the Parquet extract writes (``persistence/analytics_export.py``) — lifted out
# in SQL on the store: JSON arrays have no portable Ibis form, so each store dialect has its
# own statement here, and the indicator definition itself stays one expression.
SCPO_ORDER_SCHEMA = ibis.schema(
    {"order_id": "string", "starts_on": "date", "ends_on": "date", "check_interval_days": "int64"}
)
SCPO_CHECK_SCHEMA = ibis.schema({"order_id": "string", "done_on": "date"})
_LIFTED_SQL: dict[str, dict[str, str]] = {
    "sqlite": {
        "scpo_orders": "SELECT o.order_id AS order_id, o.starts_on AS starts_on, "
        "o.ends_on AS ends_on, CAST(o.document ->> '$.check_interval_days' AS INTEGER) "
        "AS check_interval_days FROM scpo_orders AS o",
        "scpo_checks": "SELECT o.order_id AS order_id, c.value ->> '$.done_on' AS done_on "
        "FROM scpo_orders AS o, json_each(o.document, '$.checks') AS c",
    },
    "postgresql": {
        "scpo_orders": "SELECT o.order_id AS order_id, o.starts_on AS starts_on, "
        "o.ends_on AS ends_on, CAST(CAST(o.document AS JSON) ->> 'check_interval_days' AS "
        "BIGINT) AS check_interval_days FROM scpo_orders AS o",
        "scpo_checks": "SELECT o.order_id AS order_id, CAST(c.value ->> 'done_on' AS DATE) "
        "AS done_on FROM scpo_orders AS o CROSS JOIN LATERAL "
        "JSON_ARRAY_ELEMENTS(CAST(o.document AS JSON) -> 'checks') AS c(value)",
    },
}
# SQLite runs in process, so a statement more costs nothing worth batching for.
SQLITE_UNION_LIMIT = 4
_LIFTED_SCHEMAS = {"scpo_orders": SCPO_ORDER_SCHEMA, "scpo_checks": SCPO_CHECK_SCHEMA}


class IndicatorBackend(Protocol):
    """An engine holding the incident relations, able to run Ibis expressions."""

    name: str
    # Most parts one statement may union (None: all). SQLite 3.40's parser has a fixed
    # stack, which the schedule indicators' calendar arithmetic fills in a few parts.
    union_limit: int | None

    def relations(self) -> tuple[ir.Table, ir.Table]: ...

    def present_tables(self) -> frozenset[str]: ...

    def table(self, name: str) -> ir.Table: ...

    def execute(self, expr: ir.Table) -> Any: ...


@dataclass
class StoreBackend:
    """The live store (SQLite or PostgreSQL), read through Ibis with the JSON lifted in SQL."""

    con: BaseBackend
    name: str
    union_limit: int | None = None

    @classmethod
    def from_engine(cls, engine: sa.Engine) -> StoreBackend:
        url = engine.url
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                raise ConfigurationError("indicators need a file-backed SQLite store")
            return cls(ibis.sqlite.connect(url.database), "sqlite", SQLITE_UNION_LIMIT)
        if url.get_backend_name() == "postgresql":
            con = ibis.postgres.connect(
                host=url.host or "localhost",
                port=url.port or 5432,
                user=url.username,
                password=url.password,
                database=url.database,
            )
            return cls(con, "postgresql")
        raise ConfigurationError(f"no indicator backend for database {url.get_backend_name()!r}")

    def relations(self) -> tuple[ir.Table, ir.Table]:
        incidents = self.con.table("incidents").select(*INCIDENT_COLUMNS)
        return incidents, entry_facts_from_log(self.con.table("incident_entries"))

    def present_tables(self) -> frozenset[str]:
        tables = set(self.con.list_tables())
        if "scpo_orders" in tables:
            tables.add("scpo_checks")  # lifted from the orders' documents
        return frozenset(tables)

    def table(self, name: str) -> ir.Table:
        if name in _LIFTED_SCHEMAS:
            return self.con.sql(_LIFTED_SQL[self.name][name], schema=_LIFTED_SCHEMAS[name])
        return self.con.table(name)

    def execute(self, expr: ir.Table) -> Any:
        return self.con.execute(expr)

    def close(self) -> None:
        self.con.disconnect()


@dataclass
class _ParquetBackend:
    """Shared logic: relations read from a folder of Parquet files."""

    folder: Path
    con: BaseBackend
    name: str
    union_limit: int | None = None
    _tables: dict[str, ir.Table] = field(default_factory=dict)

    def _table(self, stem: str) -> ir.Table:
        if stem not in self._tables:
            path = self.folder / f"{stem}.parquet"
            if not path.exists():
                raise ConfigurationError(f"{path}: the Parquet extract has no {stem} table")
            self._tables[stem] = self.con.read_parquet(str(path), table_name=f"wk_{stem}")
        return self._tables[stem]

    def relations(self) -> tuple[ir.Table, ir.Table]:
        return self._table("incidents").select(*INCIDENT_COLUMNS), self._table("entry_facts")

    def table(self, name: str) -> ir.Table:
        return self._table(name)

    def present_tables(self) -> frozenset[str]:
        stems = {p.stem for p in self.folder.glob("*.parquet")}
        if "entry_facts" in stems:
            stems.add("incident_entries")
        return frozenset(stems)

    def execute(self, expr: ir.Table) -> Any:
        return self.con.execute(expr)


class DuckDBParquetBackend(_ParquetBackend):
    """DuckDB in process over a Parquet extract."""

    def __init__(self, folder: Path, threads: int | None = None) -> None:
        con = ibis.duckdb.connect()
        if threads is not None:
            con.raw_sql(f"SET threads = {int(threads)}")
        super().__init__(Path(folder), con, "duckdb")


class SparkParquetBackend(_ParquetBackend):
    """Apache Spark (local mode or a cluster) over the same Parquet extract."""

    def __init__(self, folder: Path, session: Any) -> None:
        # The session is made by the caller (bootstrap, a test fixture): building one here
        # would hide its memory and master settings.
        super().__init__(Path(folder), ibis.pyspark.connect(session), "spark")
