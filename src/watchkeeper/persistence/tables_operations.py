"""Tables of operations and information management (issue 8): retention decisions and
application-encrypted fields.

``retention_decisions`` is append-only: every retain / delete decision with its reason,
who made it and when (MoPI: "all reviews that result in a decision to retain records must
be recorded"). ``protected_fields`` holds sensitive free text (victim details) encrypted
by the application with a key kept outside the database; ``key_id`` names the key that
encrypted each value, so a rotation can prove it re-encrypted everything.
"""

from __future__ import annotations

import sqlalchemy as sa

from watchkeeper.persistence.tables import UtcDateTime, metadata

retention_decisions = sa.Table(
    "retention_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("record_type", sa.String(32), nullable=False),
    sa.Column("record_id", sa.String(128), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("review_group", sa.Integer, nullable=False),
    sa.Column("decided_by", sa.String(64), nullable=False),
    sa.Column("decided_at", UtcDateTime, nullable=False),
    sa.Index(None, "record_type", "record_id", "decided_at"),
)

protected_fields = sa.Table(
    "protected_fields",
    metadata,
    sa.Column("record_type", sa.String(32), nullable=False),
    sa.Column("record_id", sa.String(128), nullable=False),
    sa.Column("field", sa.String(64), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("ciphertext", sa.Text, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("record_type", "record_id", "field"),
    sa.Index(None, "key_id"),
)
