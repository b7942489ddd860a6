"""Use cases of the control-room log. Each owns its transaction: ``with uow: ...; commit``.

Entry points (CLI, web) call these and only these; no rule lives in a route or command.
Every read and write of an incident is audited: writes in their own transaction, reads and
refusals through the AuditTrail (see ``access.audit_service``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from watchkeeper.access.audit import audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
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
    FirearmsAuthorised,
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
from watchkeeper.incidents.ports import (
    AlwaysMayClose,
    ClosureGuard,
    EntryFollower,
    KnownRecord,
    SafeguardingLookup,
    UnitOfWork,
)
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
    FirearmsAuthorised: Permission.INCIDENT_ASSIGN,  # the control room logs the authority given
    Closed: Permission.INCIDENT_CLOSE,
    Struck: Permission.INCIDENT_STRIKE,
    AlertAcknowledged: Permission.INCIDENT_ACKNOWLEDGE,
}


# How often a write that lost a race for the store (not a version the writer claimed) is
# tried again on fresh state before the conflict is reported.
WRITE_ATTEMPTS = 5
_LOG = logging.getLogger(__name__)


def _explained(
    ref: str, expected: int | None, current: int, conflict: ConcurrencyConflict
) -> ConcurrencyConflict:
    """The loser's conflict, naming the incident and the versions whatever the store said."""
    if expected is not None and "version" in conflict.message:
        return conflict
    read = f"you read version {expected}" if expected is not None else "your write raced theirs"
    return ConcurrencyConflict(
        f"incident {ref} was changed by someone else first ({read}; it is now at version "
        f"{current}); nothing was saved: reload it and try again"
    )


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
        writer_factory: Callable[[], UnitOfWork] | None = None,
        *,
        closure_guard: ClosureGuard | None = None,
        followers: Sequence[EntryFollower] = (),
        committed: Callable[[int, IncidentId], None] | None = None,
    ) -> None:
        """``writer_factory`` makes the units that write (logging, appending, audit rows):
        on SQLite bootstrap's writers take the write lock when they begin, so they queue in
        this process instead of sleeping in SQLite's busy handler, and a read-then-write
        append never finds its snapshot stale. Without one, ``uow_factory`` writes too.

        ``committed`` is told the log's change marker after each write commits, before
        the write returns (the live board catches up with it: ``BacklogService.committed``)."""
        self._uow = uow_factory
        self._writer = writer_factory or uow_factory
        self._committed = committed
        self._clock = clock
        self._profile = profile
        self._lookup = lookup
        self._closure_guard = closure_guard or AlwaysMayClose()
        self._followers = tuple(followers)
        self._trail = AuditTrail(self._writer, clock)

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
        with self._writer() as uow:
            uow.incidents.add(incident)
            uow.audit.record(audit_event(actor, now, "incident.log", record))
            change = self._marker(uow)
            uow.commit()
        self._caught_up(change, incident.incident_id)
        return incident.incident_id

    def _marker(self, uow: UnitOfWork) -> int | None:
        """The change marker as this transaction leaves it (read before it commits)."""
        return uow.incidents.change_marker() if self._committed is not None else None

    def _caught_up(self, marker: int | None, incident_id: IncidentId) -> None:
        if self._committed is None or marker is None:
            return
        try:
            self._committed(marker, incident_id)
        except Exception as error:  # the write is committed: it must be reported done
            # Readers refresh the board themselves when the catch-up did not; the failure is
            # logged by kind only (no personal data reaches the logs).
            _LOG.warning("live board catch-up failed after a committed write: %s",
                         type(error).__name__)  # fmt: skip

    def record(
        self,
        actor: Actor,
        ref: str,
        payload: EntryPayload,
        at: datetime | None = None,
        expected_version: int | None = None,
        *,
        reason: str | None = None,
        alongside: Callable[[UnitOfWork], None] | None = None,
    ) -> LogEntry:
        """Append one entry to an incident's log (optimistic: refuses if it changed meanwhile).

        ``reason`` is why the actor is acting, kept in the audit log. ``alongside`` is more
        work done in the same transaction before it commits (e.g. dispatch claiming the
        unit named in a ResourceAssigned entry): if it raises, nothing is recorded. The
        wired ``followers`` run after it in the same transaction, with the same effect.
        """
        self._trail.authorise(actor, permission_for(payload), ("incident", ref))
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                return self._append(
                    actor, ref, payload, at=at, expected_version=expected_version,
                    reason=reason, alongside=alongside,
                )  # fmt: skip
            except ConcurrencyConflict as conflict:
                # Lost a race for the store. If the incident moved past the version the
                # writer read, they must see the change first: say so, with both versions.
                # Otherwise (a blind write, or another record's commit made this snapshot
                # stale, as SQLite does) the intent still holds: try again on fresh state.
                current = self._current_version(ref)
                moved = expected_version is not None and current != expected_version
                if alongside is not None and not moved:
                    raise  # the work alongside (e.g. a unit claim) conflicted: its message says
                if moved or attempt == WRITE_ATTEMPTS:
                    raise _explained(ref, expected_version, current, conflict) from conflict
        raise AssertionError("unreachable")  # the loop returns or raises

    def _append(
        self,
        actor: Actor,
        ref: str,
        payload: EntryPayload,
        *,
        at: datetime | None,
        expected_version: int | None,
        reason: str | None,
        alongside: Callable[[UnitOfWork], None] | None = None,
    ) -> LogEntry:
        now = self._clock.now()
        with self._writer() as uow:
            incident = uow.incidents.resolve(ref)
            version = incident.version
            if expected_version is not None and expected_version != version:
                raise ConcurrencyConflict(
                    f"incident {incident.incident_id} changed since you read it "
                    f"(version {expected_version}, now {version}); reload and try again"
                )
            self._check_payload(payload)
            self._check_closure(payload, incident)
            entry = incident.record(payload, ensure_utc(at) if at else now, actor.username, now)
            uow.incidents.append(incident, expected_version=version)
            if alongside is not None:
                alongside(uow)
            for follower in self._followers:  # e.g. the unit register: same transaction
                follower.follow(uow, incident, entry)
            action, record = f"incident.append.{payload.kind}", ("incident", incident.incident_id)
            uow.audit.record(audit_event(actor, now, action, record, reason=reason))
            change = self._marker(uow)
            uow.commit()
        self._caught_up(change, incident.incident_id)
        return entry

    def _current_version(self, ref: str) -> int:
        with self._uow() as uow:
            return uow.incidents.resolve(ref).version

    def load_history(
        self, actor: Actor, incidents: Sequence[Incident], batch_size: int = 2000
    ) -> int:
        """Store already-built incident logs (demo or generated history), batch by batch."""
        self._trail.authorise(actor, Permission.IMPORT_RUN, ("incident", ""))
        for start in range(0, len(incidents), batch_size):
            batch = incidents[start : start + batch_size]
            span = ("incident", f"{batch[0].incident_id}..{batch[-1].incident_id}")
            with self._writer() as uow:
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

    def _check_closure(self, payload: EntryPayload, incident: Incident) -> None:
        """Other registers may refuse a close (issue 5: the DA rule); the refusal names it."""
        if isinstance(payload, Closed):
            decision = self._closure_guard.may_close(incident.state)
            if not decision.allowed:
                raise DomainRuleViolation(
                    f"incident {incident.incident_id} cannot close: {decision.reason}"
                )

    def _check_payload(self, payload: EntryPayload) -> None:
        if isinstance(payload, VulnerabilityMarked):
            self._check_marker(payload.marker)
        if isinstance(payload, Graded):
            expected = self._profile.grade_for_label(payload.force_label)
            if expected is not payload.grade:
                raise DomainRuleViolation(
                    f"label {payload.force_label!r} is grade {expected.value}, not {payload.grade.value}"
                )
