"""The simulator's read of the store: incidents logged in a window, folded (issue 4).

Used only through :class:`watchkeeper.simulation.demand.StoreDemand`, which checks the
actor's role and audits the read. One read-only transaction: the ids of the window, then
their logs in chunks (``SqlIncidentRepository.load_many``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from watchkeeper.incidents.model import IncidentState
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence.repository import SqlIncidentRepository
from watchkeeper.persistence.tables import incidents


class SqlLoggedIncidents:
    """``simulation.demand.LoggedIncidents`` over SQL."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def __call__(self, start: datetime, end: datetime) -> list[IncidentState]:
        query = (
            sa.select(incidents.c.id)
            .where(incidents.c.logged_at >= start)
            .where(incidents.c.logged_at < end)
        )
        with self._engine.connect() as connection:
            ids = [IncidentId(row) for row in connection.execute(query).scalars()]
            loaded = SqlIncidentRepository(connection).load_many(ids)
            connection.rollback()  # read only
        return sorted((incident.state for incident in loaded), key=lambda s: s.logged_at)
