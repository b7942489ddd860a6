"""The incident log: incidents (projection) and incident_entries (append-only log).

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from tables.py: a migration is frozen history.
_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("source_system", sa.String(64), nullable=True),
        sa.Column("source_ref", sa.String(128), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("source_fields", sa.JSON, nullable=True),
        sa.Column("logged_at", _INSTANT, nullable=False),
        sa.Column("closed_at", _INSTANT, nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("grade", sa.String(64), nullable=True),
        sa.Column("area", sa.Text, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("address_key", sa.Text, nullable=False),
        sa.Column("person_ref", sa.String(128), nullable=True),
        sa.Column("updated_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
        sa.UniqueConstraint(
            "source_ref", "source_system", name="uq_incidents_source_ref_source_system"
        ),
    )
    op.create_index("ix_incidents_closed_at_logged_at", "incidents", ["closed_at", "logged_at"])
    op.create_index("ix_incidents_logged_at", "incidents", ["logged_at"])
    op.create_index("ix_incidents_address_key_logged_at", "incidents", ["address_key", "logged_at"])
    op.create_index("ix_incidents_person_ref_logged_at", "incidents", ["person_ref", "logged_at"])
    op.create_table(
        "incident_entries",
        sa.Column("incident_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("kind_version", sa.Integer, nullable=False),
        sa.Column("at", _INSTANT, nullable=False),
        sa.Column("recorded_at", _INSTANT, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "seq", name="pk_incident_entries"),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_incident_entries_incident_id_incidents",
        ),
    )
    op.create_index("ix_incident_entries_at", "incident_entries", ["at"])


def downgrade() -> None:
    op.drop_index("ix_incident_entries_at", table_name="incident_entries")
    op.drop_table("incident_entries")
    op.drop_index("ix_incidents_person_ref_logged_at", table_name="incidents")
    op.drop_index("ix_incidents_address_key_logged_at", table_name="incidents")
    op.drop_index("ix_incidents_logged_at", table_name="incidents")
    op.drop_index("ix_incidents_closed_at_logged_at", table_name="incidents")
    op.drop_table("incidents")
