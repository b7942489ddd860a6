"""Foreign-travel notices keep their plan: departure, return and destination (SOA 2003 s86).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Nullable: notices of other kinds, and travel notices recorded before this revision, have none.
_COLUMNS = ("departs_on", "returns_on", "destination")


def upgrade() -> None:
    op.add_column("offender_notifications", sa.Column("departs_on", sa.Date, nullable=True))
    op.add_column("offender_notifications", sa.Column("returns_on", sa.Date, nullable=True))
    op.add_column("offender_notifications", sa.Column("destination", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("offender_notifications") as batch:
        for column in reversed(_COLUMNS):
            batch.drop_column(column)
