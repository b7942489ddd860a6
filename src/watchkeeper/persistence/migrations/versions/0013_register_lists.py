"""Indexes for the registers' lists: open DA cases, open missing episodes, active offenders.

Each list reads one status in a fixed order, with a count; without these it would read every
row of its table.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = (
    ("ix_da_cases_status_opened_at", "da_cases", ["status", "opened_at"]),
    ("ix_missing_episodes_status_reported_at", "missing_episodes", ["status", "reported_at"]),
    ("ix_offenders_status_offender_ref", "offenders", ["status", "offender_ref"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(op.f(name), table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(op.f(name), table_name=table)
