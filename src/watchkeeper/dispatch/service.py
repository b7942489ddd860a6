"""Use cases of dispatch: the unit register, recommendations, forecasts, accept and override.

Each use case is authorised by role (``access.model.MATRIX``) and audited: register writes
in their own transaction; reads of the outlook (which names open incidents) through the
AuditTrail; an accepted or overridden recommendation is a ``ResourceAssigned`` entry
appended through the IncidentLog, which claims the unit in the same transaction. After
that the register follows the log (``log_follower``): en route, arrived and closed entries
move the unit, and a register move to en route / on scene is written as such an entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from watchkeeper.access.audit import audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.dispatch.config import DispatchConfig
from watchkeeper.dispatch.demand import DispatchDemand, position_of
from watchkeeper.dispatch.forecast import BreachForecast
from watchkeeper.dispatch.outlook import DEFAULT_MAX_AGE, DispatchOutlook, OutlookCache
from watchkeeper.dispatch.outlook import compute_outlook as build_outlook
from watchkeeper.dispatch.override import accepted_entry, override_entry
from watchkeeper.dispatch.ports import DispatchUnitOfWork
from watchkeeper.dispatch.reasons import Recommendation
from watchkeeper.dispatch.register import NewUnit, RegisteredUnit, UnitChange, check_skills
from watchkeeper.dispatch.travel import TravelEstimator
from watchkeeper.dispatch.units import UnitStatus
from watchkeeper.incidents.backlog_service import BacklogService
from watchkeeper.incidents.entries import Arrived, EnRoute, ResourceAssigned
from watchkeeper.incidents.model import IncidentState, LogEntry, Status
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.incidents.ports import UnitOfWork
from watchkeeper.incidents.services import IncidentLog
from watchkeeper.kernel.clock import Clock
from watchkeeper.kernel.errors import ConcurrencyConflict, DomainRuleViolation, InputError
from watchkeeper.kernel.ids import IncidentId

P = Permission


class DispatchService:
    """Wired by bootstrap with the store, the clock, the profile and the incident services."""

    def __init__(
        self,
        uow_factory: Callable[[], DispatchUnitOfWork],
        clock: Clock,
        profile: ForceProfile,
        config: DispatchConfig,
        *,
        incidents: IncidentLog,
        backlog: BacklogService,
        writer_factory: Callable[[], DispatchUnitOfWork] | None = None,
        estimator: TravelEstimator | None = None,
        outlook_max_age: timedelta = DEFAULT_MAX_AGE,
    ) -> None:
        self._uow = uow_factory
        # Units that write (see IncidentLog): on SQLite they queue for the write lock here.
        self._writer = writer_factory or uow_factory
        self._clock = clock
        self._profile = profile
        self.config = config
        self._incidents = incidents
        self._backlog = backlog
        self._estimator = estimator
        self._trail = AuditTrail(self._writer, clock)
        self.cache = OutlookCache(outlook_max_age)

    # --- the unit register ------------------------------------------------------------

    def units(self, actor: Actor) -> list[RegisteredUnit]:
        """Every registered unit (no personal data: call signs, skills, status, position)."""
        self._trail.authorise(actor, P.UNITS_READ, ("unit", ""))
        with self._uow() as uow:
            return uow.units.all()

    def register(self, actor: Actor, request: NewUnit) -> RegisteredUnit:
        """Add a unit to the register (skills and area checked against configuration)."""
        self._trail.authorise(actor, P.UNITS_MANAGE, ("unit", request.call_sign))
        skills = check_skills(request.call_sign, request.skills, self.config.known_skills)
        self._check_area(request.call_sign, request.area)
        if request.status not in (UnitStatus.AVAILABLE, UnitStatus.UNAVAILABLE):
            raise InputError(
                f"unit {request.call_sign}: a new unit starts available or unavailable, "
                f"not {request.status.value}"
            )
        now = self._clock.now()
        unit = RegisteredUnit(
            call_sign=request.call_sign,
            kind=request.kind,
            skills=skills,
            crew_size=request.crew_size,
            area=request.area,
            shift_start=request.shift_start,
            shift_end=request.shift_end,
            status=request.status,
            position=request.position,
            updated_at=now,
        )
        with self._writer() as uow:
            uow.units.add(unit)
            uow.audit.record(audit_event(actor, now, "unit.register", ("unit", unit.call_sign)))
            uow.commit()
        return unit

    def update(self, actor: Actor, call_sign: str, change: UnitChange) -> RegisteredUnit:
        """Change a unit's status (checked against the allowed moves), position or shift.

        En route or on scene for a unit working an incident is written to that incident's
        log (an ``en-route`` / ``arrived`` entry, which the register follows), so the log
        and the register never disagree about attendance.
        """
        self._trail.authorise(actor, P.UNITS_MANAGE, ("unit", call_sign))
        now = self._clock.now()
        if change.status in (UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE):
            with self._uow() as uow:
                incident_id = uow.units.get(call_sign).incident_id
            if incident_id is not None:
                return self._move_through_log(actor, call_sign, incident_id, change, now)
        with self._writer() as uow:
            stored = uow.units.get(call_sign)
            if change.expected_version is not None and change.expected_version != stored.version:
                raise_changed(call_sign, change.expected_version, stored.version)
            changed = self._changed(stored, change, now)
            uow.units.update(changed, expected_version=stored.version)
            what = f"unit.update.{change.status.value}" if change.status else "unit.update"
            uow.audit.record(audit_event(actor, now, what, ("unit", call_sign)))
            uow.commit()
        return changed

    def _move_through_log(
        self,
        actor: Actor,
        call_sign: str,
        incident_id: IncidentId,
        change: UnitChange,
        now: datetime,
    ) -> RegisteredUnit:
        """The movement as a log entry; the rest of the change in the same transaction."""
        arrived = change.status is UnitStatus.ON_SCENE
        payload = Arrived(call_sign) if arrived else EnRoute(call_sign)
        target = UnitStatus.ON_SCENE if arrived else UnitStatus.EN_ROUTE
        rest = replace(change, status=None, expected_version=None)

        def alongside(uow: UnitOfWork) -> None:
            if not isinstance(uow, DispatchUnitOfWork):
                raise TypeError("the incident log's unit of work holds no unit register")
            unit = uow.units.get(call_sign)
            if change.expected_version is not None and change.expected_version != unit.version:
                raise_changed(call_sign, change.expected_version, unit.version)
            if rest.position or rest.skills is not None or rest.shift_end is not None:
                uow.units.update(self._changed(unit, rest, now), expected_version=unit.version)
            what = f"unit.update.{target.value}"
            uow.audit.record(audit_event(actor, now, what, ("unit", call_sign)))

        # The register follows the entry (dispatch.log_follower) before this commits.
        self._incidents.record(actor, incident_id, payload, alongside=alongside)
        with self._uow() as uow:
            return uow.units.get(call_sign)

    def _changed(self, stored: RegisteredUnit, change: UnitChange, now: datetime) -> RegisteredUnit:
        unit = stored
        if change.status is not None:
            unit = unit.moved_to(change.status, now, change.position)
        if change.skills is not None or change.shift_end is not None or change.position:
            skills = change.skills if change.skills is not None else unit.skills
            unit = replace(
                unit,
                skills=check_skills(unit.call_sign, skills, self.config.known_skills),
                shift_end=change.shift_end or unit.shift_end,
                position=change.position or unit.position,
                updated_at=now,
                version=stored.version + 1,
            )
        if unit is stored:
            raise InputError(f"unit {stored.call_sign}: the change names nothing to change")
        return unit

    def _check_area(self, call_sign: str, area: str) -> None:
        if area not in self._profile.areas:
            known = ", ".join(sorted(self._profile.areas))
            raise InputError(f"unit {call_sign}: unknown area {area!r} (known: {known})")

    # --- recommendations and forecasts --------------------------------------------------

    def outlook(self, actor: Actor, *, wait: bool = True, audit: bool = True) -> DispatchOutlook:
        """Recommended units and breach forecasts for the whole open backlog (one audit row).

        ``wait`` False (the board): the last outlook is returned at once while a fresh one
        is computed in the background, unless there is none yet. ``audit`` False only
        where the caller has just audited its read of the same backlog (the board, whose
        ``backlog.read`` row covers the rows it shows): one audit row per screen refresh.
        """
        record = ("dispatch-outlook", "live")
        self._trail.authorise(actor, P.DISPATCH_RECOMMEND, record)
        key = self._markers()

        def build() -> DispatchOutlook:
            return self._build(actor, key)

        outlook = self.cache.get(key, self._clock.now(), build, wait=wait)
        if audit:
            self._trail.read(actor, "dispatch.outlook", record)
        return outlook

    def recommend(self, actor: Actor) -> Recommendation:
        """The recommended assignment for the live backlog, reasons for picks and shortfalls."""
        return self.outlook(actor).recommendation

    def forecast(self, actor: Actor) -> tuple[BreachForecast, ...]:
        """Each open incident's breach forecast at current capacity, in risk order."""
        return tuple(self.outlook(actor).forecasts.values())

    def _markers(self) -> tuple[int, tuple[int, int]]:
        with self._uow() as uow:
            return uow.incidents.change_marker(), uow.units.change_marker()

    def _build(self, actor: Actor, key: tuple[int, tuple[int, int]]) -> DispatchOutlook:
        backlog = self._backlog.current(actor)  # the shared live board; audited as a read
        with self._uow() as uow:
            registered = uow.units.all()
        units = [u.as_unit(backlog.as_of) for u in registered]
        return build_outlook(
            backlog,
            units,
            key,
            profile=self._profile,
            config=self.config,
            estimator=self._estimator,
        )

    # --- acting on a recommendation ----------------------------------------------------

    def accept(
        self, actor: Actor, ref: str, call_sign: str, expected_version: int | None = None
    ) -> LogEntry:
        """Send a recommended unit: the pick's reasons go into the incident log."""
        self._trail.authorise(actor, P.DISPATCH_RECOMMEND, ("incident", ref))
        self._trail.authorise(actor, P.INCIDENT_ASSIGN, ("incident", ref))
        incident_id = self._resolve(ref)
        outlook = self.outlook(actor)
        pick = next((p for p in outlook.picks_for(incident_id) if p.unit == call_sign), None)
        if pick is None:
            picked = ", ".join(p.unit for p in outlook.picks_for(incident_id)) or "none"
            raise DomainRuleViolation(
                f"unit {call_sign} is not recommended for incident {incident_id} "
                f"(recommended: {picked}); send it by override, with a reason"
            )
        return self._assign(actor, ref, accepted_entry(pick), expected_version)

    def override(
        self,
        actor: Actor,
        ref: str,
        call_sign: str,
        reason: str,
        expected_version: int | None = None,
    ) -> LogEntry:
        """Send a unit of the dispatcher's choosing; the reason is compulsory and logged."""
        self._trail.authorise(actor, P.INCIDENT_ASSIGN, ("incident", ref))
        if not reason.strip():
            raise InputError("an override needs a reason")
        now = self._clock.now()
        with self._uow() as uow:
            state = uow.incidents.resolve(ref).state
            unit = uow.units.get(call_sign)
        demand = self._demand(state)
        cached = self.cache.latest
        picks = cached.picks_for(state.incident_id) if cached else ()
        recommended = picks[0].unit if picks else None
        payload = override_entry(demand, unit.as_unit(now), now, reason, recommended)
        return self._assign(actor, ref, payload, expected_version, reason=reason.strip())

    def _demand(self, state: IncidentState) -> DispatchDemand:
        """What the incident needs of a unit sent now (a further unit may join one there)."""
        if state.status is not Status.OPEN:
            raise DomainRuleViolation(
                f"incident {state.incident_id} is {state.status.value}; no unit can be sent"
            )
        return DispatchDemand(
            incident_id=state.incident_id,
            score=0.0,  # an override is not ranked: only the skills it needs are checked
            deadline=None,
            location=position_of(state),
            area=state.location.area,
            area_class=self._profile.area_class(state.location.area),
            category=state.opened.category,
            needs=self.config.needs_for(state.opened.category, state.markers),
        )

    def _resolve(self, ref: str) -> IncidentId:
        with self._uow() as uow:
            return uow.incidents.resolve(ref).incident_id

    def _assign(
        self,
        actor: Actor,
        ref: str,
        payload: ResourceAssigned,
        expected_version: int | None,
        reason: str | None = None,
    ) -> LogEntry:
        """Append the entry and claim the unit in one transaction (both, or neither)."""
        now = self._clock.now()

        def claim(uow: UnitOfWork) -> None:
            if not isinstance(uow, DispatchUnitOfWork):
                raise TypeError("the incident log's unit of work holds no unit register")
            incident = uow.incidents.resolve(ref)
            unit = uow.units.get(payload.unit)
            claimed = unit.assigned_to(incident.incident_id, incident.state.opened.category, now)
            uow.units.update(claimed, expected_version=unit.version)

        return self._incidents.record(
            actor, ref, payload, expected_version=expected_version, reason=reason, alongside=claim
        )


def raise_changed(call_sign: str, expected: int, current: int) -> None:
    """Refuse a change made on a stale read of the unit."""
    raise ConcurrencyConflict(
        f"unit {call_sign} changed since you read it (version {expected}, now {current}); "
        "reload and try again"
    )
