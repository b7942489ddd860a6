"""Incident logs in SQL: the append-only entry table plus a projection row per incident.

Entries are only ever inserted; the projection row is rewritten from ``derive_state`` on
every write and carries the optimistic-concurrency version. The personal fields of an
entry's document (caller name and phone, summary, free-text notes) are sealed with the field
keys on the way in and opened on the way out (``entry_sealing``); the domain never sees the
difference, and legacy clear documents read as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import groupby
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from watchkeeper.incidents.entries import from_document, to_document
from watchkeeper.incidents.model import Incident, IncidentState, LogEntry, derive_state
from watchkeeper.kernel.errors import ConcurrencyConflict, InputError, NotFound
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence.entry_sealing import EntrySealer, open_document, sealer_for
from watchkeeper.persistence.tables import incident_entries, incidents, log_change_marker

# Well under SQLite's and PostgreSQL's bound-parameter limits, and a short IN list.
IN_CHUNK = 500

T = TypeVar("T")


class SqlIncidentRepository:
    """The IncidentRepository port over one connection (the unit of work's transaction)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._sealer = sealer_for(connection)  # None: an engine without field keys

    def add(self, incident: Incident) -> None:
        """Store a new incident with all its entries."""
        try:
            self._connection.execute(sa.insert(incidents), [incident_row(incident)])
        except IntegrityError as exc:
            opened = derive_state(tuple(incident.entries)).opened
            raise ConcurrencyConflict(
                f"incident {incident.incident_id} (source reference "
                f"{opened.source_system or '-'}/{opened.source_ref or '-'}) is already stored"
            ) from exc
        self._connection.execute(
            sa.insert(incident_entries), entry_rows(incident.entries, self._sealer)
        )

    def append(self, incident: Incident, expected_version: int) -> None:
        """Store entries added since ``expected_version``; ConcurrencyConflict if it moved on."""
        new_entries = incident.entries[expected_version:]
        if not new_entries:
            return
        claimed = self._connection.execute(
            sa.update(incidents)
            .where(incidents.c.id == incident.incident_id)
            .where(incidents.c.version == expected_version)
            .values(version=incident.version, **projection(incident))
        )
        if claimed.rowcount != 1:
            raise ConcurrencyConflict(
                f"incident {incident.incident_id} is no longer at version {expected_version}: "
                "someone else changed it first (or it was never stored); reload it and try again"
            )
        self._connection.execute(sa.insert(incident_entries), entry_rows(new_entries, self._sealer))

    def get(self, incident_id: IncidentId) -> Incident:
        """Load one incident with its whole log; NotFound names the id."""
        rows = self._connection.execute(
            sa.select(incident_entries)
            .where(incident_entries.c.incident_id == incident_id)
            .order_by(incident_entries.c.seq)
        ).all()
        if not rows:
            raise NotFound(f"incident {incident_id} not found")
        return Incident(incident_id, [entry_from_row(row, self._sealer) for row in rows])

    def find_by_source_ref(self, source_system: str, source_ref: str) -> Incident | None:
        """The incident imported from this source reference, if any."""
        found = self._connection.execute(
            sa.select(incidents.c.id)
            .where(incidents.c.source_ref == source_ref)
            .where(incidents.c.source_system == source_system)
        ).scalar_one_or_none()
        return None if found is None else self.get(IncidentId(found))

    def resolve(self, ref: str) -> Incident:
        """Load by incident id, else by a source reference unique across source systems."""
        matches = self._connection.execute(
            sa.select(incidents.c.id, incidents.c.source_system).where(
                sa.or_(incidents.c.id == ref, incidents.c.source_ref == ref)
            )
        ).all()
        by_id = [m.id for m in matches if m.id == ref]
        if by_id:
            return self.get(IncidentId(by_id[0]))
        if not matches:
            raise NotFound(f"no incident has the id or source reference {ref!r}")
        if len(matches) > 1:
            systems = ", ".join(sorted(str(m.source_system) for m in matches))
            raise InputError(
                f"source reference {ref!r} matches incidents from several source systems "
                f"({systems}); use the incident id instead"
            )
        return self.get(IncidentId(matches[0].id))

    def open_at(self, as_of: datetime | None = None) -> Iterator[Incident]:
        """Every incident open at ``as_of`` (now when None), with its entries up to then.

        One query for the whole set (no query per incident). The projection narrows the
        candidates; the log, folded as of ``as_of``, decides.
        """
        query = (
            sa.select(incident_entries)
            .join(incidents, incidents.c.id == incident_entries.c.incident_id)
            .where(_open_at(as_of))
            .order_by(incident_entries.c.incident_id, incident_entries.c.seq)
        )
        if as_of is not None:
            query = query.where(incident_entries.c.at <= as_of)
        rows = self._connection.execute(query).all()
        for incident_id, group in groupby(rows, key=lambda row: row.incident_id):
            entries = [entry_from_row(row, self._sealer) for row in group]
            incident = Incident(IncidentId(incident_id), entries)
            if incident.state.is_open:
                yield incident

    def change_marker(self) -> int:
        """The log change counter: moves with every committed write to any incident log."""
        query = sa.select(log_change_marker.c.value).where(log_change_marker.c.id == 1)
        return int(self._connection.execute(query).scalar_one())

    def open_versions(self) -> dict[IncidentId, int]:
        """The version of every incident whose projection says it is open now."""
        query = sa.select(incidents.c.id, incidents.c.version).where(_open_at(None))
        rows = self._connection.execute(query).all()  # one fetch, not one per row
        return {IncidentId(incident_id): version for incident_id, version in rows}

    def load_many(self, incident_ids: Iterable[IncidentId]) -> list[Incident]:
        """These incidents with their whole logs (unknown ids are left out), in id order."""
        loaded: list[Incident] = []
        for chunk in chunked(sorted(set(incident_ids)), IN_CHUNK):
            rows = self._connection.execute(
                sa.select(incident_entries)
                .where(incident_entries.c.incident_id.in_(chunk))
                .order_by(incident_entries.c.incident_id, incident_entries.c.seq)
            ).all()
            for incident_id, group in groupby(rows, key=lambda row: row.incident_id):
                entries = [entry_from_row(r, self._sealer) for r in group]
                loaded.append(Incident(IncidentId(incident_id), entries))
        return loaded

    def count(self) -> int:
        """How many incidents are stored."""
        total = self._connection.execute(sa.select(sa.func.count()).select_from(incidents))
        return int(total.scalar_one())

    def recent_at_locations(
        self, address_keys: Iterable[str], since: datetime, until: datetime
    ) -> dict[str, int]:
        """Incidents logged per address key in [since, until]; every key asked for appears."""
        return self._logged_per(incidents.c.address_key, address_keys, since, until)

    def recent_for_people(
        self, person_refs: Iterable[str], since: datetime, until: datetime
    ) -> dict[str, int]:
        """Incidents logged per caller person reference in [since, until]; every ref appears."""
        return self._logged_per(incidents.c.person_ref, person_refs, since, until)

    def _logged_per(
        self, column: sa.Column[Any], values: Iterable[str], since: datetime, until: datetime
    ) -> dict[str, int]:
        wanted = list(dict.fromkeys(values))
        counts = dict.fromkeys(wanted, 0)
        for chunk in chunked(wanted, IN_CHUNK):
            rows = self._connection.execute(
                sa.select(column, sa.func.count())
                .where(column.in_(chunk))
                .where(incidents.c.logged_at.between(since, until))
                .group_by(column)
            )
            counts.update({value: int(count) for value, count in rows})
        return counts


def _open_at(as_of: datetime | None) -> sa.ColumnElement[bool]:
    if as_of is None:
        return incidents.c.closed_at.is_(None)
    return sa.and_(
        incidents.c.logged_at <= as_of,
        sa.or_(incidents.c.closed_at.is_(None), incidents.c.closed_at > as_of),
    )


# --- mapping between the domain and rows (shared with the import store) ---------------


def projection(incident: Incident, state: IncidentState | None = None) -> dict[str, Any]:
    """The query columns derived from the log: refreshed on every write."""
    state = state or derive_state(tuple(incident.entries))
    location = state.location
    return {
        "logged_at": state.logged_at,
        "closed_at": state.closed_at,
        "status": state.status.value,
        "grade": None if state.grade is None else state.grade.grade.value,
        "area": location.area,
        "category": state.opened.category,
        "address_key": location.address_key,
        "person_ref": state.opened.caller.person_ref or None,
        "updated_at": max(entry.recorded_at for entry in incident.entries),
    }


def incident_row(
    incident: Incident,
    source: tuple[str, str] | None = None,
    content_hash: str | None = None,
    source_fields: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A new ``incidents`` row; the source reference defaults to the 'opened' entry's."""
    state = derive_state(tuple(incident.entries))
    system, ref = source or (state.opened.source_system, state.opened.source_ref)
    return {
        "id": incident.incident_id,
        "version": incident.version,
        "source_system": system or None,
        "source_ref": ref or None,
        "content_hash": content_hash,
        "source_fields": source_fields,
        **projection(incident, state),
    }


def entry_rows(
    entries: Sequence[LogEntry], sealer: EntrySealer | None = None
) -> list[dict[str, Any]]:
    """``incident_entries`` rows for these entries, personal fields sealed when ``sealer``."""
    rows = [
        {
            "incident_id": entry.incident_id,
            "seq": entry.seq,
            "kind": entry.payload.kind,
            "kind_version": entry.payload.version,
            "at": entry.at,
            "recorded_at": entry.recorded_at,
            "author": entry.author,
            "document": to_document(entry.payload),
        }
        for entry in entries
    ]
    if sealer is not None:
        sealer.seal_many(rows)
    return rows


def entry_from_row(row: sa.Row[Any], sealer: EntrySealer | None = None) -> LogEntry:
    """The log entry an ``incident_entries`` row holds (sealed fields opened by ``sealer``)."""
    document = open_document(sealer, row.incident_id, row.seq, row.document)
    return LogEntry(
        incident_id=IncidentId(row.incident_id),
        seq=row.seq,
        at=row.at,
        recorded_at=row.recorded_at,
        author=row.author,
        payload=from_document(row.kind, row.kind_version, document),
    )


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
