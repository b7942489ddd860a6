"""Review triggers and risk reviews of registered offenders (reactive management, STANDARDS.md 5.2).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from tables_safeguarding.py: a migration is frozen history.
_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "offender_risk_events",
        sa.Column("offender_ref", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("at", _INSTANT, nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["offender_ref"],
            ["offenders.offender_ref"],
            name=op.f("fk_offender_risk_events_offender_ref_offenders"),
        ),
        sa.PrimaryKeyConstraint("offender_ref", "seq", name=op.f("pk_offender_risk_events")),
    )


def downgrade() -> None:
    op.drop_table("offender_risk_events")
