"""The unit register: units, skills, shifts, status and position.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from tables.py: a migration is frozen history.
_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("call_sign", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("skills", sa.JSON, nullable=False),
        sa.Column("crew_size", sa.Integer, nullable=False),
        sa.Column("area", sa.String(64), nullable=False),
        sa.Column("shift_start", _INSTANT, nullable=True),
        sa.Column("shift_end", _INSTANT, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("incident_id", sa.String(64), nullable=True),
        sa.Column("job_category", sa.String(64), nullable=True),
        sa.Column("updated_at", _INSTANT, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("call_sign", name="pk_units"),
    )
    op.create_index("ix_units_area_status", "units", ["area", "status"])


def downgrade() -> None:
    op.drop_index("ix_units_area_status", table_name="units")
    op.drop_table("units")
