"""The store's tables, as SQLAlchemy Core. Migrations must match these (a test proves it).

``incidents`` is a projection refreshed from the log on every write, for queries;
``incident_entries`` is the log itself, the source of truth, append-only.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from watchkeeper.kernel.clock import ensure_utc

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """An instant: refuses naive datetimes, stores UTC, always reads back aware UTC.

    PostgreSQL stores ``timestamptz``; SQLite has no zone type, so UTC is stored without
    an offset, in SQLAlchemy's fixed-width text form (which also sorts correctly).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = ensure_utc(value)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("source_system", sa.String(64), nullable=True),
    sa.Column("source_ref", sa.String(128), nullable=True),
    sa.Column("content_hash", sa.String(64), nullable=True),
    sa.Column("source_fields", sa.JSON, nullable=True),
    sa.Column("logged_at", UtcDateTime, nullable=False),
    sa.Column("closed_at", UtcDateTime, nullable=True),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("grade", sa.String(64), nullable=True),
    sa.Column("area", sa.Text, nullable=False),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("address_key", sa.Text, nullable=False),
    sa.Column("person_ref", sa.String(128), nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    # source_ref leads so that resolving a bare CAD number (any system) uses this index too.
    sa.UniqueConstraint("source_ref", "source_system"),
    # The open-set query: logged_at <= t AND (closed_at IS NULL OR closed_at > t).
    sa.Index(None, "closed_at", "logged_at"),
    sa.Index(None, "logged_at"),
    # Repeat location / repeat caller counts: key IN (...) AND logged_at BETWEEN ...
    sa.Index(None, "address_key", "logged_at"),
    sa.Index(None, "person_ref", "logged_at"),
)

incident_entries = sa.Table(
    "incident_entries",
    metadata,
    sa.Column("incident_id", sa.String(64), sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("kind_version", sa.Integer, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.PrimaryKeyConstraint("incident_id", "seq"),
    sa.Index(None, "at"),
)
