"""The unit register's table: one row per unit, rewritten on every change (versioned).

The register holds each unit's current standing (status, position, shift); the history of
who went where lives in the incident log (``ResourceAssigned`` and later entries).
"""

from __future__ import annotations

import sqlalchemy as sa

from watchkeeper.persistence.tables import UtcDateTime, metadata

units = sa.Table(
    "units",
    metadata,
    sa.Column("call_sign", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("skills", sa.JSON, nullable=False),  # a sorted list of skill codes
    sa.Column("crew_size", sa.Integer, nullable=False),
    sa.Column("area", sa.String(64), nullable=False),
    sa.Column("shift_start", UtcDateTime, nullable=True),
    sa.Column("shift_end", UtcDateTime, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    # The incident a committed unit is working, and its category (the forecast's job time).
    sa.Column("incident_id", sa.String(64), nullable=True),
    sa.Column("job_category", sa.String(64), nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index(None, "area", "status"),
)
