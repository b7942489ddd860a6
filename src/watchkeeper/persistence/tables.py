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

# --- Access: local accounts, server-side sessions, the keyed audit chain -----------------

users = sa.Table(
    "users",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("role", sa.String(64), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("failed_count", sa.Integer, nullable=False),
    sa.Column("first_failure_at", UtcDateTime, nullable=True),
    sa.Column("locked_until", UtcDateTime, nullable=True),
)

# Only the SHA-256 of a session token is stored: a copy of this table opens no session.
user_sessions = sa.Table(
    "user_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), sa.ForeignKey("users.username"), nullable=False),
    sa.Column("csrf_token", sa.String(128), nullable=False),
    sa.Column("client", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_used_at", UtcDateTime, nullable=False),
    sa.Column("absolute_expires_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Index(None, "username"),
)

# Append-only: rows are inserted, never updated or deleted; each is HMAC-chained to the last.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("role", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("record_type", sa.String(64), nullable=False),
    sa.Column("record_id", sa.String(128), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("chain_hash", sa.String(64), nullable=False),
    sa.Index(None, "record_type", "record_id"),
    sa.Index(None, "username", "at"),
)

# One row (id 1): the chain's head. Appenders lock it (SELECT ... FOR UPDATE on PostgreSQL;
# SQLite serialises writers already), so two transactions never extend the same link.
audit_chain_head = sa.Table(
    "audit_chain_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("chain_hash", sa.String(64), nullable=False),
)

# One row (id 1): a counter that database triggers on ``incidents`` bump in the same
# transaction as every write to an incident log (migration 0003). Readers compare it to
# know, with one primary-key read, whether the stored logs changed since they last looked.
log_change_marker = sa.Table(
    "log_change_marker",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("value", sa.BigInteger, nullable=False),
)


# Each register keeps its tables in its own module on this ``metadata``; importing them
# here registers them for migrations and the models-vs-migrations test. One line per module.
from watchkeeper.persistence import tables_findings as _tables_findings  # noqa: E402, F401
from watchkeeper.persistence import tables_operations as _tables_operations  # noqa: E402, F401
from watchkeeper.persistence import tables_safeguarding as _tables_safeguarding  # noqa: E402, F401
from watchkeeper.persistence import tables_soc as _tables_soc  # noqa: E402, F401
from watchkeeper.persistence import tables_units as _tables_units  # noqa: E402, F401
