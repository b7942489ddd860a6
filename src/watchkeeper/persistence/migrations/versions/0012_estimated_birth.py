"""Estimated birth years on the nominal index: an apparent age where the date is unknown.

A person recorded without a date of birth may carry the years they could have been born in,
from the age they gave or appeared to be (``people.model.BirthYears``). Match suggestions
weigh it when a date of birth is missing (ADR 0012). People already filed have none.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("people", sa.Column("born_earliest", sa.Integer(), nullable=True))
    op.add_column("people", sa.Column("born_latest", sa.Integer(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35 and later), not a batch table rebuild: rebuilding
    # ``people`` drops it first, which the foreign keys from its other tables refuse.
    op.drop_column("people", "born_latest")
    op.drop_column("people", "born_earliest")
