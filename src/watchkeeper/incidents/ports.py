"""Ports the incident services need; adapters implement them, bootstrap wires them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from watchkeeper.access.ports import AuditLog
from watchkeeper.incidents.model import Incident, IncidentState, LogEntry
from watchkeeper.kernel.ids import IncidentId


class IncidentRepository(Protocol):
    """Stores incident logs. ``add`` a new log; ``append`` new entries to a stored one."""

    def add(self, incident: Incident) -> None:
        """Store a new incident with all its entries."""

    def append(self, incident: Incident, expected_version: int) -> None:
        """Store entries added since ``expected_version``.

        Raises ConcurrencyConflict if the stored version is no longer ``expected_version``.
        """

    def count(self) -> int:
        """How many incidents are stored."""

    def get(self, incident_id: IncidentId) -> Incident:
        """Load one incident; raises NotFound."""

    def find_by_source_ref(self, source_system: str, source_ref: str) -> Incident | None:
        """The incident imported from this source reference, if any."""

    def resolve(self, ref: str) -> Incident:
        """Load by incident id or by source reference (e.g. a CAD number); raises NotFound."""

    def open_at(self, as_of: datetime | None = None) -> Iterator[Incident]:
        """Every incident open at ``as_of`` (now when None), with entries up to then."""

    def change_marker(self) -> int:
        """A counter that moves with every committed write to any incident log.

        Equal values read at two moments mean no incident log changed in between.
        """

    def open_versions(self) -> dict[IncidentId, int]:
        """The stored version of every incident open now."""

    def load_many(self, incident_ids: Iterable[IncidentId]) -> list[Incident]:
        """These incidents with their whole logs; unknown ids are left out."""

    def recent_at_locations(
        self, address_keys: Iterable[str], since: datetime, until: datetime
    ) -> dict[str, int]:
        """Count incidents logged per address key in [since, until]."""

    def recent_for_people(
        self, person_refs: Iterable[str], since: datetime, until: datetime
    ) -> dict[str, int]:
        """Count incidents logged per caller person reference in [since, until]."""


class UnitOfWork(Protocol):
    """A transaction. Only the use case commits: ``with uow: ...; uow.commit()``.

    ``audit`` records who read or changed what, in this same transaction.
    """

    incidents: IncidentRepository
    audit: AuditLog

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


@dataclass(frozen=True, slots=True)
class KnownRecord:
    """Something safeguarding (or another register) already holds about a person/address."""

    register: str
    summary: str
    reference: str


class SafeguardingLookup(Protocol):
    """What other registers know about a person or address at intake."""

    def known_at(self, address_key: str, person_ref: str) -> Sequence[KnownRecord]: ...


def known_at_many(
    lookup: SafeguardingLookup, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Sequence[KnownRecord]]:
    """What ``lookup`` knows for each (address, person) pair: in one batch where the lookup
    offers ``known_at_many`` (the store's does), else one pair at a time."""
    many = getattr(lookup, "known_at_many", None)
    if many is not None:
        found: dict[tuple[str, str], Sequence[KnownRecord]] = many(pairs)
        return found
    return {pair: lookup.known_at(*pair) for pair in set(pairs)}


class NothingKnown:
    """The lookup used until a safeguarding register is wired in: it knows nothing."""

    def known_at(self, address_key: str, person_ref: str) -> Sequence[KnownRecord]:
        return ()


@dataclass(frozen=True, slots=True)
class ClosureDecision:
    """Whether another register lets an incident close; ``reason`` names the rule when not."""

    allowed: bool
    reason: str


class ClosureGuard(Protocol):
    """Asked before an incident is closed (e.g. the DA rule: no close without a DASH)."""

    def may_close(self, state: IncidentState) -> ClosureDecision: ...


class AlwaysMayClose:
    """The guard used when no register has a say over closing: every close is allowed."""

    def may_close(self, state: IncidentState) -> ClosureDecision:
        return ClosureDecision(True, "no closure rule configured")


class EntryFollower(Protocol):
    """Another register that follows the log (e.g. dispatch's unit register).

    Called after each entry is appended by ``IncidentLog.record``, inside the same
    transaction and before it commits: raising refuses the entry, and nothing is written.
    """

    def follow(self, uow: UnitOfWork, incident: Incident, entry: LogEntry) -> None: ...


__all__ = [
    "AlwaysMayClose",
    "AuditLog",
    "ClosureDecision",
    "ClosureGuard",
    "EntryFollower",
    "IncidentRepository",
    "KnownRecord",
    "LogEntry",
    "NothingKnown",
    "SafeguardingLookup",
    "UnitOfWork",
]
