"""Counts for operational metrics, read straight from the store (no record leaves it)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from watchkeeper.persistence.tables import metadata


def overdue_duties(engine: sa.Engine, now: datetime) -> dict[str, int] | None:
    """Open duties past their due time, per kind; None when this build has no duties register.

    The same rule as ``duties.clocks.is_overdue``: open and ``now`` after ``due_at``.
    """
    duties = metadata.tables.get("duties")
    if duties is None:
        return None
    query = (
        sa.select(duties.c.kind, sa.func.count())
        .where(duties.c.is_open.is_(True))
        .where(duties.c.due_at < now)
        .group_by(duties.c.kind)
    )
    with engine.connect() as connection:
        return {str(kind): int(count) for kind, count in connection.execute(query)}
