"""The ArmedLog port: armed incidents and ARV call signs read from the log and unit register."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from watchkeeper.incidents.model import Incident
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence.repository import SqlIncidentRepository, chunked
from watchkeeper.persistence.tables import incident_entries, incidents
from watchkeeper.persistence.tables_units import units

AUTHORISED_KIND = "firearms-authorised"
UNIT_KINDS = ("resource-assigned", "en-route", "arrived")
_CHUNK = 500


class SqlArmedLog:
    """Reads only what the derivation needs; the deployment keeps no personal data."""

    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def arv_call_signs(self, skill: str) -> frozenset[str]:
        rows = self._c.execute(sa.select(units.c.call_sign, units.c.skills)).all()
        return frozenset(r.call_sign for r in rows if skill in (r.skills or ()))

    def armed_incidents(
        self, arvs: frozenset[str], start: datetime | None, end: datetime | None
    ) -> list[Incident]:
        e, i = incident_entries.c, incidents.c

        def candidates(condition: sa.ColumnElement[bool]) -> set[str]:
            query = sa.select(e.incident_id).distinct().join(incidents, i.id == e.incident_id)
            query = query.where(condition)
            if start is not None:
                query = query.where(i.logged_at >= start)
            if end is not None:
                query = query.where(i.logged_at < end)
            return {row[0] for row in self._c.execute(query)}

        found = candidates(e.kind == AUTHORISED_KIND)
        for chunk in chunked(sorted(arvs), _CHUNK):
            unit = e.document["unit"].as_string()
            found |= candidates(sa.and_(e.kind.in_(UNIT_KINDS), unit.in_(list(chunk))))
        repository = SqlIncidentRepository(self._c)
        return repository.load_many(IncidentId(ref) for ref in found)
