"""The incident: an append-only log of entries, and the state derived from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from watchkeeper.incidents.entries import (
    AlertAcknowledged,
    AppointmentBooked,
    Arrived,
    BacklogReviewed,
    Closed,
    ContactMade,
    EnRoute,
    EntryPayload,
    Graded,
    LinkedDuplicate,
    Location,
    Opened,
    ResourceAssigned,
    Struck,
    ThriveAssessed,
    VulnerabilityMarked,
)
from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import DomainRuleViolation
from watchkeeper.kernel.ids import IncidentId


class Status(StrEnum):
    """Where an incident stands, derived from its log."""

    OPEN = "open"
    ASSIGNED = "assigned"
    EN_ROUTE = "en-route"
    ON_SCENE = "on-scene"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One entry: what happened (``at``), when it was written, by whom."""

    incident_id: IncidentId
    seq: int
    at: datetime
    recorded_at: datetime
    author: str
    payload: EntryPayload


@dataclass(slots=True)
class IncidentState:
    """Current state, a pure fold over the (unstruck) entries."""

    incident_id: IncidentId
    opened: Opened
    logged_at: datetime
    status: Status = Status.OPEN
    grade: Graded | None = None
    graded_at: datetime | None = None
    first_graded_at: datetime | None = None
    thrive: ThriveAssessed | None = None
    markers: frozenset[str] = frozenset()
    last_contact_at: datetime | None = None
    last_review_at: datetime | None = None
    appointment_at: datetime | None = None
    duplicate_of: str | None = None
    units: tuple[str, ...] = ()
    first_assigned_at: datetime | None = None
    arrived_at: datetime | None = None
    closed_at: datetime | None = None
    closing_category: str | None = None
    struck_seqs: frozenset[int] = field(default_factory=frozenset)
    acknowledged: dict[str, datetime] = field(default_factory=dict)  # alert -> last acknowledged

    @property
    def is_open(self) -> bool:
        return self.status is not Status.CLOSED

    @property
    def location(self) -> Location:
        return self.opened.location


def _apply(state: IncidentState, entry: LogEntry) -> None:  # noqa: C901 - one branch per kind
    p = entry.payload
    if isinstance(p, Graded):
        state.grade, state.graded_at = p, entry.at
        state.first_graded_at = state.first_graded_at or entry.at
    elif isinstance(p, ThriveAssessed):
        state.thrive = p
    elif isinstance(p, VulnerabilityMarked):
        state.markers = state.markers | {p.marker} if p.present else state.markers - {p.marker}
    elif isinstance(p, ContactMade):
        state.last_contact_at = entry.at
    elif isinstance(p, BacklogReviewed):
        state.last_review_at = entry.at
    elif isinstance(p, AppointmentBooked):
        state.appointment_at = p.appointment_at
    elif isinstance(p, LinkedDuplicate):
        state.duplicate_of = p.duplicate_of
    elif isinstance(p, ResourceAssigned):
        state.units = (*state.units, p.unit)
        state.first_assigned_at = state.first_assigned_at or entry.at
        state.status = Status.ASSIGNED if state.status is Status.OPEN else state.status
    elif isinstance(p, EnRoute):
        state.status = (
            Status.EN_ROUTE if state.status in (Status.OPEN, Status.ASSIGNED) else state.status
        )
    elif isinstance(p, Arrived):
        state.arrived_at = state.arrived_at or entry.at
        state.status = Status.ON_SCENE
    elif isinstance(p, AlertAcknowledged):
        state.acknowledged[p.alert] = entry.at
    elif isinstance(p, Closed):
        state.status, state.closed_at, state.closing_category = (
            Status.CLOSED,
            entry.at,
            p.closing_category,
        )


def derive_state(entries: tuple[LogEntry, ...], as_of: datetime | None = None) -> IncidentState:
    """Fold the log into state, ignoring struck entries and anything after ``as_of``."""
    visible = entries if as_of is None else tuple(e for e in entries if e.at <= as_of)
    if not visible or not isinstance(visible[0].payload, Opened):
        raise DomainRuleViolation("an incident log must begin with an 'opened' entry")
    struck = frozenset(e.payload.target_seq for e in visible if isinstance(e.payload, Struck))
    first = visible[0]
    assert isinstance(first.payload, Opened)
    state = IncidentState(first.incident_id, first.payload, first.at, struck_seqs=struck)
    for entry in visible[1:]:
        if entry.seq not in struck:
            _apply(state, entry)
    return state


@dataclass
class Incident:
    """Aggregate root: the log, with the rules for what may be appended to it."""

    incident_id: IncidentId
    entries: list[LogEntry]

    @classmethod
    def open(
        cls,
        incident_id: IncidentId,
        opened: Opened,
        at: datetime,
        author: str,
        recorded_at: datetime,
    ) -> Incident:
        """Start a new log with its 'opened' entry."""
        entry = LogEntry(incident_id, 1, ensure_utc(at), ensure_utc(recorded_at), author, opened)
        return cls(incident_id, [entry])

    @property
    def version(self) -> int:
        """Optimistic-concurrency version: the number of entries."""
        return len(self.entries)

    @property
    def state(self) -> IncidentState:
        return derive_state(tuple(self.entries))

    def state_at(self, as_of: datetime) -> IncidentState:
        """State as it stood at ``as_of`` (entries after it ignored)."""
        return derive_state(tuple(self.entries), as_of=as_of)

    def record(
        self, payload: EntryPayload, at: datetime, author: str, recorded_at: datetime
    ) -> LogEntry:
        """Append an entry after checking the rules; returns the new entry."""
        at, recorded_at = ensure_utc(at), ensure_utc(recorded_at)
        check_entry_allowed(self, payload, at)
        entry = LogEntry(self.incident_id, len(self.entries) + 1, at, recorded_at, author, payload)
        self.entries.append(entry)
        return entry


_ALLOWED_AFTER_CLOSE = (Struck,)


def check_entry_allowed(incident: Incident, payload: EntryPayload, at: datetime) -> None:
    """Refuse entries that cannot happen; the message names the rule."""
    state = incident.state
    if isinstance(payload, Opened):
        raise DomainRuleViolation(f"incident {incident.incident_id} is already open")
    if at < state.logged_at:
        raise DomainRuleViolation(
            f"incident {incident.incident_id}: an entry at {at.isoformat()} is before the "
            f"incident was logged at {state.logged_at.isoformat()}"
        )
    if not state.is_open and not isinstance(payload, _ALLOWED_AFTER_CLOSE):
        raise DomainRuleViolation(
            f"incident {incident.incident_id} is closed; a {payload.kind} entry is refused"
        )
    if isinstance(payload, Struck):
        _check_strike(incident, payload)
    if isinstance(payload, Graded) and state.grade is not None and not payload.reason.strip():
        raise DomainRuleViolation("a re-grade needs a reason")
    if isinstance(payload, LinkedDuplicate) and payload.duplicate_of == incident.incident_id:
        raise DomainRuleViolation("an incident cannot be a duplicate of itself")


def _check_strike(incident: Incident, payload: Struck) -> None:
    if not payload.reason.strip():
        raise DomainRuleViolation("striking an entry needs a reason")
    if not 1 < payload.target_seq <= len(incident.entries):
        raise DomainRuleViolation(
            f"entry {payload.target_seq} cannot be struck on incident {incident.incident_id}"
        )
    target = incident.entries[payload.target_seq - 1].payload
    if isinstance(target, Struck):
        raise DomainRuleViolation("a strike cannot itself be struck; record the entry again")
    if payload.target_seq in incident.state.struck_seqs:
        raise DomainRuleViolation(f"entry {payload.target_seq} is already struck")
