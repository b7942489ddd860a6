"""The log change marker: one counter row bumped by every write to the incident projection.

Every write to an incident log (a new incident, an appended entry, an imported batch, an
import correction) inserts or updates its ``incidents`` row in the same transaction, so a
database trigger on that table bumps the counter whatever code path wrote it, in the same
transaction. Readers (the live board's cache) compare one indexed row to know whether
anything changed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUMP = "UPDATE log_change_marker SET value = value + 1 WHERE id = 1"
_SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    marker = op.create_table(
        "log_change_marker",
        sa.Column("id", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_log_change_marker"),
    )
    op.bulk_insert(marker, [{"id": 1, "value": 0}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_log_change_marker() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {_BUMP}; RETURN NULL; END $$"
        )
        # Once per statement: a bulk import of thousands of rows bumps the counter once.
        op.execute(
            "CREATE TRIGGER tr_incidents_change_marker AFTER INSERT OR UPDATE OR DELETE "
            "ON incidents FOR EACH STATEMENT EXECUTE FUNCTION bump_log_change_marker()"
        )
        return
    for event in _SQLITE_EVENTS:  # SQLite has row triggers only
        op.execute(
            f"CREATE TRIGGER tr_incidents_change_marker_{event.lower()} AFTER {event} "
            f"ON incidents BEGIN {_BUMP}; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS tr_incidents_change_marker ON incidents")
        op.execute("DROP FUNCTION IF EXISTS bump_log_change_marker()")
    else:
        for event in _SQLITE_EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS tr_incidents_change_marker_{event.lower()}")
    op.drop_table("log_change_marker")
