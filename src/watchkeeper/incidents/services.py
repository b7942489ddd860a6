"""Use cases of the control-room log. Each owns its transaction: ``with uow: ...; commit``.

Entry points (CLI, web) call these and only these; no rule lives in a route or command.
Every read and write of an incident is audited: writes in their own transaction, reads and
refusals through the AuditTrail (see ``access.audit_service``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from watchkeeper.access.audit import audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.access.ports import AuditUnitOfWork
from watchkeeper.incidents.entries import (
    AlertAcknowledged,
    AppointmentBooked,
    Arrived,
    BacklogReviewed,
    Caller,
    CallSource,
    Closed,
    ContactMade,
    Corrected,
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
from watchkeeper.incidents.model import Incident, IncidentState, LogEntry
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.incidents.ports import KnownRecord, SafeguardingLookup, UnitOfWork
from watchkeeper.kernel.clock import Clock, ensure_utc
from watchkeeper.kernel.errors import ConcurrencyConflict, DomainRuleViolation, InputError
from watchkeeper.kernel.ids import IncidentId, new_incident_id

# Which permission each kind of entry needs; a kind not listed here cannot be appended
# through the log's use cases (imports write corrections through their own path).
ENTRY_PERMISSIONS: dict[type[EntryPayload], Permission] = {
    ThriveAssessed: Permission.INCIDENT_THRIVE,
    Graded: Permission.INCIDENT_GRADE,
    VulnerabilityMarked: Permission.INCIDENT_MARK,
    ContactMade: Permission.INCIDENT_CONTACT,
    LinkedDuplicate: Permission.INCIDENT_LINK,
    AppointmentBooked: Permission.INCIDENT_GRADE,
    BacklogReviewed: Permission.INCIDENT_REVIEW,
    ResourceAssigned: Permission.INCIDENT_ASSIGN,
    EnRoute: Permission.INCIDENT_ATTEND,
    Arrived: Permission.INCIDENT_ATTEND,
    Closed: Permission.INCIDENT_CLOSE,
    Struck: Permission.INCIDENT_STRIKE,
    AlertAcknowledged: Permission.INCIDENT_ACKNOWLEDGE,
}


def permission_for(payload: EntryPayload) -> Permission:
    """The permission needed to append this entry; refuses kinds users may not append."""
    permission = ENTRY_PERMISSIONS.get(type(payload))
    if permission is None or isinstance(payload, Corrected | Opened):
        raise DomainRuleViolation(f"a {payload.kind} entry cannot be appended by hand")
    return permission


@dataclass(frozen=True, slots=True)
class NewIncident:
    """What a call handler records when logging an incident."""

    source: CallSource
    location: Location
    category: str
    grade_label: str
    caller: Caller = field(default_factory=Caller)
    summary: str = ""
    markers: tuple[str, ...] = ()
    thrive: ThriveAssessed | None = None


@dataclass(frozen=True, slots=True)
class IncidentView:
    """One incident as a reader sees it: its log, its derived state, what is known."""

    incident: Incident
    state: IncidentState
    known: Sequence[KnownRecord]


class IncidentLog:
    """The incident log's use cases, wired by bootstrap with a store, a clock and a profile."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        profile: ForceProfile,
        lookup: SafeguardingLookup,
        audit_uow_factory: Callable[[], AuditUnitOfWork] | None = None,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._profile = profile
        self._lookup = lookup
        self._trail = AuditTrail(audit_uow_factory or uow_factory, clock)

    @property
    def profile(self) -> ForceProfile:
        return self._profile

    def log_incident(
        self, actor: Actor, request: NewIncident, at: datetime | None = None
    ) -> IncidentId:
        """Open a new incident with its grade, markers and (optional) THRIVE assessment."""
        self._trail.authorise(actor, Permission.INCIDENT_LOG, ("incident", ""))
        self._check_codes(request)
        now = self._clock.now()
        at = ensure_utc(at) if at is not None else now
        grade = self._profile.grade_for_label(request.grade_label)
        opened = Opened(
            request.source, request.location, request.category, request.caller, request.summary
        )
        who = actor.username
        incident = Incident.open(new_incident_id(at), opened, at, who, now)
        incident.record(Graded(grade, request.grade_label, "initial grading"), at, who, now)
        for marker in request.markers:
            incident.record(VulnerabilityMarked(marker), at, who, now)
        if request.thrive is not None:
            incident.record(request.thrive, at, who, now)
        record = ("incident", incident.incident_id)
        with self._uow() as uow:
            uow.incidents.add(incident)
            uow.audit.record(audit_event(actor, now, "incident.log", record))
            uow.commit()
        return incident.incident_id

    def record(
        self,
        actor: Actor,
        ref: str,
        payload: EntryPayload,
        at: datetime | None = None,
        expected_version: int | None = None,
        *,
        reason: str | None = None,
    ) -> LogEntry:
        """Append one entry to an incident's log (optimistic: refuses if it changed meanwhile).

        ``reason`` is why the actor is acting, kept in the audit log.
        """
        self._trail.authorise(actor, permission_for(payload), ("incident", ref))
        now = self._clock.now()
        with self._uow() as uow:
            incident = uow.incidents.resolve(ref)
            version = incident.version
            if expected_version is not None and expected_version != version:
                raise ConcurrencyConflict(
                    f"incident {incident.incident_id} changed since you read it "
                    f"(version {expected_version}, now {version}); reload and try again"
                )
            self._check_payload(payload)
            entry = incident.record(payload, ensure_utc(at) if at else now, actor.username, now)
            uow.incidents.append(incident, expected_version=version)
            action, record = f"incident.append.{payload.kind}", ("incident", incident.incident_id)
            uow.audit.record(audit_event(actor, now, action, record, reason=reason))
            uow.commit()
        return entry

    def load_history(
        self, actor: Actor, incidents: Sequence[Incident], batch_size: int = 2000
    ) -> int:
        """Store already-built incident logs (demo or generated history), batch by batch."""
        self._trail.authorise(actor, Permission.IMPORT_RUN, ("incident", ""))
        for start in range(0, len(incidents), batch_size):
            batch = incidents[start : start + batch_size]
            span = ("incident", f"{batch[0].incident_id}..{batch[-1].incident_id}")
            with self._uow() as uow:
                for incident in batch:
                    uow.incidents.add(incident)
                event = audit_event(actor, self._clock.now(), "incident.load-history", span)
                uow.audit.record(event)
                uow.commit()
        return len(incidents)

    def stored_count(self, actor: Actor) -> int:
        """How many incidents the store holds (a count: no personal data)."""
        self._trail.authorise(actor, Permission.BACKLOG_READ, ("incident", ""))
        with self._uow() as uow:
            count = uow.incidents.count()
        self._trail.read(actor, "incident.count", ("incident", ""))
        return count

    def show(self, actor: Actor, ref: str, reason: str | None = None) -> IncidentView:
        """The full log of one incident (by id or source reference) and what is known.

        A read of personal data: audited, with ``reason`` (why the actor looked) when given.
        """
        self._trail.authorise(actor, Permission.INCIDENT_READ, ("incident", ref))
        with self._uow() as uow:
            incident = uow.incidents.resolve(ref)
        self._trail.read(actor, "incident.read", ("incident", incident.incident_id), reason)
        state = incident.state
        known = self._lookup.known_at(state.location.address_key, state.opened.caller.person_ref)
        return IncidentView(incident, state, known)

    def _check_codes(self, request: NewIncident) -> None:
        if request.category not in self._profile.categories:
            raise InputError(f"unknown opening category {request.category!r}")
        for marker in request.markers:
            self._check_marker(marker)

    def _check_marker(self, marker: str) -> None:
        if marker not in self._profile.markers:
            known = ", ".join(sorted(self._profile.markers))
            raise InputError(f"unknown vulnerability marker {marker!r} (known: {known})")

    def _check_payload(self, payload: EntryPayload) -> None:
        if isinstance(payload, VulnerabilityMarked):
            self._check_marker(payload.marker)
        if isinstance(payload, Graded):
            expected = self._profile.grade_for_label(payload.force_label)
            if expected is not payload.grade:
                raise DomainRuleViolation(
                    f"label {payload.force_label!r} is grade {expected.value}, not {payload.grade.value}"
                )
