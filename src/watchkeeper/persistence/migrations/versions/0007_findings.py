"""Inspection findings and their status decisions (issue 7).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from tables_findings.py: a migration is frozen history.
_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "findings",
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("force", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("inspection", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("question", sa.String(64), nullable=False),
        sa.Column("paraphrase", sa.Text, nullable=False),
        sa.Column("public_reference", sa.Text, nullable=False),
        sa.Column("published", sa.Date, nullable=False),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("indicators", sa.JSON, nullable=False),
        sa.Column("parent", sa.String(64), nullable=True),
        sa.Column("imported_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("ref", name="pk_findings"),
    )
    op.create_index("ix_findings_force_year", "findings", ["force", "year"])
    op.create_table(
        "finding_decisions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("finding_ref", sa.String(64), nullable=False),
        sa.Column("from_status", sa.String(32), nullable=False),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", _INSTANT, nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("period_start", _INSTANT, nullable=False),
        sa.Column("period_end", _INSTANT, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_finding_decisions"),
        sa.ForeignKeyConstraint(
            ["finding_ref"], ["findings.ref"], name="fk_finding_decisions_finding_ref_findings"
        ),
    )
    op.create_index(
        "ix_finding_decisions_finding_ref_decided_at",
        "finding_decisions",
        ["finding_ref", "decided_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_finding_decisions_finding_ref_decided_at", table_name="finding_decisions")
    op.drop_table("finding_decisions")
    op.drop_index("ix_findings_force_year", table_name="findings")
    op.drop_table("findings")
