"""Operations: retention decisions (MoPI reviews) and application-encrypted fields.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from tables_operations.py: a migration is frozen history.
_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "retention_decisions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("record_type", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(128), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("review_group", sa.Integer, nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_retention_decisions"),
    )
    op.create_index(
        "ix_retention_decisions_record_type_record_id_decided_at",
        "retention_decisions",
        ["record_type", "record_id", "decided_at"],
    )
    op.create_table(
        "protected_fields",
        sa.Column("record_type", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(128), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("ciphertext", sa.Text, nullable=False),
        sa.Column("updated_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("record_type", "record_id", "field", name="pk_protected_fields"),
    )
    op.create_index("ix_protected_fields_key_id", "protected_fields", ["key_id"])


def downgrade() -> None:
    op.drop_index("ix_protected_fields_key_id", table_name="protected_fields")
    op.drop_table("protected_fields")
    op.drop_index(
        "ix_retention_decisions_record_type_record_id_decided_at",
        table_name="retention_decisions",
    )
    op.drop_table("retention_decisions")
