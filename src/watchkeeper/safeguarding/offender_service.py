"""Registered sex offenders: registration, notifications, ARMS, visits, custody, caseloads.

Rules come from ``offenders`` (SOA 2003 s82-s86 clocks, visit plans, custody, reactive
management, caseload warning). Duties on an active offender: the next s85 re-notification
(annual, or weekly with no fixed abode) and, unless reactively managed or in custody, the
next home visit from the plan. Due dates are the end of the calendar day in the force's
time zone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

from watchkeeper.access.model import Actor, Permission
from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.people.model import Person
from watchkeeper.safeguarding.duty_plan import DutyKind
from watchkeeper.safeguarding.offender_records import (
    NewOffender,
    OffenderView,
    in_custody,
    rso_risk,
)
from watchkeeper.safeguarding.offenders import (
    ArmsAssessment,
    CaseloadStatus,
    CustodyPeriod,
    Mappa,
    Notification,
    NotificationKind,
    TravelPlan,
    caseload_status,
    check_visit,
    is_breached,
    next_visit_due,
    periodic_notification_due,
    reactive_eligibility,
    template_visit_plan,
)
from watchkeeper.safeguarding.people_service import file_new_person
from watchkeeper.safeguarding.ports import OffenderFile, OffenderRecord, SafeguardingUnitOfWork
from watchkeeper.safeguarding.rso_review_service import (
    above_low_trigger,
    late_travel_trigger,
    owe_review,
    review_change,
)
from watchkeeper.safeguarding.rso_reviews import new_trigger
from watchkeeper.safeguarding.service_core import (
    LIST_LIMIT,
    Assignment,
    DutyLedger,
    Listing,
    RegisterContext,
    current_assignment,
    read_listing,
    record_write,
)

# A change applied inside the transaction; returns the duty kind it discharged, if any.
_Change = Callable[[SafeguardingUnitOfWork, OffenderFile], DutyKind | None]


class OffenderRegister:
    """Use cases of the offender register; see the module docstring for the duties."""

    def __init__(self, ctx: RegisterContext) -> None:
        self._ctx = ctx

    def register(
        self, actor: Actor, request: NewOffender, new_person: Person | None = None
    ) -> OffenderRecord:
        """Register; with ``new_person``, that person is filed on the nominal index in the
        same transaction (both or neither)."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.OFFENDER_MANAGE, ("offender", request.offender_ref))
        today = ctx.policy.calendar_date(ctx.clock.now())
        if request.registered_on > today:
            raise InputError(
                f"registered_on {request.registered_on} is in the future (field: registered_on)"
            )
        risk = rso_risk(request.risk)
        record = OffenderRecord(
            request.offender_ref, request.person_ref, request.manager_ref, request.registered_on,
            risk, Mappa(request.mappa_category, request.mappa_level),
            request.plan or template_visit_plan(risk, ctx.policy), request.address_ref,
            request.notification_ends_on, request.no_fixed_abode,
        )  # fmt: skip
        with ctx.uow() as uow:
            if new_person is not None:
                file_new_person(uow, ctx, actor, new_person, request.address_ref)
            uow.people.get_person(request.person_ref)
            if request.address_ref:
                uow.people.get_address(request.address_ref)
            uow.offenders.add_offender(record)
            initial = Notification(NotificationKind.INITIAL, request.registered_on)
            uow.offenders.add_notification(record.offender_ref, initial, actor.username)
            who = Assignment(request.manager_ref, request.supervisor)
            self._reconcile(uow, uow.offenders.get_offender(record.offender_ref), actor, who)
            record_write(
                uow, actor, ctx.clock.now(), "offender.register", ("offender", record.offender_ref)
            )
            uow.commit()
        return record

    def _visit_due(self, file: OffenderFile) -> date | None:
        o = file.offender
        if o.reactive or o.status != "active":
            return None
        return next_visit_due(o.plan, max(file.visits, default=o.registered_on))

    def _reconcile(
        self, uow: SafeguardingUnitOfWork, file: OffenderFile, actor: Actor, who: Assignment
    ) -> None:
        ctx, ref = self._ctx, file.offender.offender_ref
        ledger = DutyLedger(uow, ctx, actor)
        due = periodic_notification_due(
            file.notifications, file.offender.no_fixed_abode, ctx.policy
        )
        ledger.ensure(ref, DutyKind.RSO_NOTIFICATION, ctx.end_of_day(due), who)
        today = ctx.policy.calendar_date(ctx.clock.now())
        visit = self._visit_due(file)
        if visit is None or in_custody(file, today):
            ledger.withdraw(
                ref, [DutyKind.RSO_VISIT], "no home visit owed: reactive management or custody"
            )
        else:
            ledger.ensure(ref, DutyKind.RSO_VISIT, ctx.end_of_day(visit), who)
        owe_review(uow, ctx, ledger, file, who.supervisor)

    def _update(
        self, actor: Actor, offender_ref: str, action: str, change: _Change
    ) -> OffenderFile:
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.OFFENDER_MANAGE, ("offender", offender_ref))
        with ctx.uow() as uow:
            file = uow.offenders.get_offender(offender_ref)
            if file.offender.status != "active":
                raise DomainRuleViolation(f"offender {offender_ref} is no longer on the register")
            who = current_assignment(uow, offender_ref, actor)
            discharged = change(uow, file)
            if discharged is not None:
                DutyLedger(uow, ctx, actor).discharge(offender_ref, [discharged], action)
            file = uow.offenders.get_offender(offender_ref)
            self._reconcile(uow, file, actor, who)
            record_write(
                uow, actor, ctx.clock.now(), f"offender.{action}", ("offender", offender_ref)
            )
            uow.commit()
        return file

    def _check_day(self, day: date, field: str) -> None:
        if day > self._ctx.policy.calendar_date(self._ctx.clock.now()):
            raise InputError(f"{field} {day} is in the future (field: {field})")

    def record_notification(
        self, actor: Actor, offender_ref: str, kind: str, on: date, travel: TravelPlan | None = None
    ) -> OffenderFile:
        """An s83/s84/s85 notification (restarts the annual clock) or an s86 travel notice.

        A travel notice needs its plan (departure, destination); one given later than the
        configured days before departure is still recorded, and flagged on the offender's file.
        """
        self._check_day(on, "notified_on")
        try:
            parsed = NotificationKind(kind)
        except ValueError:
            raise InputError(
                f"notification kind {kind!r} is not one of initial, change, periodic, travel"
            ) from None
        if parsed is NotificationKind.TRAVEL and travel is None:
            raise InputError(
                "a foreign-travel notice needs its departure date and destination "
                "(fields: departs_on, destination)"
            )
        plan = travel if parsed is NotificationKind.TRAVEL else None

        def change(uow: SafeguardingUnitOfWork, file: OffenderFile) -> DutyKind | None:
            notice = Notification(parsed, on, plan)
            uow.offenders.add_notification(offender_ref, notice, actor.username)
            noticed = dataclasses.replace(file, notifications=(*file.notifications, notice))
            breach = late_travel_trigger(noticed, self._ctx, self._ctx.clock.now(), actor.username)
            if breach is not None:  # late: a breach, owed as a review by the manager
                uow.offenders.add_risk_event(offender_ref, breach)
            return None if parsed is NotificationKind.TRAVEL else DutyKind.RSO_NOTIFICATION

        return self._update(actor, offender_ref, "notification", change)

    def record_visit(
        self, actor: Actor, offender_ref: str, visited_on: date, note: str
    ) -> OffenderFile:
        """A home visit; refused while the offender is in custody (nothing written)."""
        self._check_day(visited_on, "visited_on")

        def change(uow: SafeguardingUnitOfWork, file: OffenderFile) -> DutyKind | None:
            check_visit(offender_ref, visited_on, file.custody)
            uow.offenders.add_visit(offender_ref, visited_on, actor.username, note)
            return DutyKind.RSO_VISIT

        return self._update(actor, offender_ref, "visit", change)

    def record_assessment(
        self, actor: Actor, offender_ref: str, assessed_on: date, version: str, level: str
    ) -> OffenderFile:
        """An ARMS assessment (date and version kept); sets the offender's risk level."""
        self._check_day(assessed_on, "assessed_on")
        if not version.strip():
            raise InputError("an ARMS assessment needs its version (field: version)")
        assessment = ArmsAssessment(assessed_on, version.strip(), rso_risk(level), actor.username)

        def change(uow: SafeguardingUnitOfWork, file: OffenderFile) -> DutyKind | None:
            uow.offenders.add_assessment(offender_ref, assessment)
            uow.offenders.save_offender(dataclasses.replace(file.offender, risk=assessment.level))
            above_low = above_low_trigger(file, assessment, self._ctx, actor.username)
            if above_low is not None:  # a reactive offender's risk has risen: review it
                uow.offenders.add_risk_event(offender_ref, above_low)
            return None

        return self._update(actor, offender_ref, "arms", change)

    def set_reactive(self, actor: Actor, offender_ref: str, reactive: bool) -> OffenderFile:
        """Move to (refused unless eligible, NPCC 2017) or out of reactive management."""

        def change(uow: SafeguardingUnitOfWork, file: OffenderFile) -> DutyKind | None:
            if reactive:
                today = self._ctx.policy.calendar_date(self._ctx.clock.now())
                ok, why = reactive_eligibility(file.assessments, today, self._ctx.policy.offenders)
                if not ok:
                    raise DomainRuleViolation(f"reactive-management: {why}")
            uow.offenders.save_offender(dataclasses.replace(file.offender, reactive=reactive))
            return None

        return self._update(
            actor, offender_ref, "reactive" if reactive else "active-management", change
        )

    def record_trigger(
        self, actor: Actor, offender_ref: str, trigger: str, summary: str
    ) -> OffenderFile:
        """An event that sends the offender's risk for review (new intelligence, arrest, ...).

        Opens the risk-review duty for the offender manager, due by the trigger's configured
        time, or brings an open one forward.
        """
        event = new_trigger(trigger, self._ctx.clock.now(), summary, actor.username,
                            self._ctx.policy.offenders.review_triggers)  # fmt: skip

        def change(uow: SafeguardingUnitOfWork, file: OffenderFile) -> DutyKind | None:
            uow.offenders.add_risk_event(offender_ref, event)
            return None

        return self._update(actor, offender_ref, "review-trigger", change)

    def record_risk_review(
        self, actor: Actor, offender_ref: str, outcome: str, rationale: str
    ) -> OffenderFile:
        """The review the triggers owed: its outcome and rationale; refused when none is owed.

        Returning to active management restarts the visit plan; remaining on reactive
        management is refused unless the offender is still eligible (NPCC 2017).
        """

        change = review_change(self._ctx, actor, offender_ref, outcome, rationale)
        return self._update(actor, offender_ref, "risk-review", change)

    def record_custody(
        self, actor: Actor, offender_ref: str, starts_on: date, ends_on: date | None = None
    ) -> OffenderFile:
        self._check_day(starts_on, "starts_on")

        def change(uow: SafeguardingUnitOfWork, file: OffenderFile) -> DutyKind | None:
            if ends_on is not None and ends_on < starts_on:
                raise InputError(f"custody ends ({ends_on}) before it starts ({starts_on})")
            uow.offenders.add_custody(offender_ref, CustodyPeriod(starts_on, ends_on))
            return None

        return self._update(actor, offender_ref, "custody", change)

    def record_release(self, actor: Actor, offender_ref: str, released_on: date) -> OffenderFile:
        self._check_day(released_on, "released_on")

        def change(uow: SafeguardingUnitOfWork, file: OffenderFile) -> DutyKind | None:
            uow.offenders.end_custody(offender_ref, released_on)
            return None

        return self._update(actor, offender_ref, "release", change)

    def show(self, actor: Actor, offender_ref: str, reason: str | None = None) -> OffenderView:
        """The offender's file, clocks, breach state, caseload and duties (audited read)."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.OFFENDER_READ, ("offender", offender_ref))
        today = ctx.policy.calendar_date(ctx.clock.now())
        with ctx.uow() as uow:
            file = uow.offenders.get_offender(offender_ref)
            caseload = uow.offenders.caseload(file.offender.manager_ref)
            duties = tuple(uow.duties.history_of(offender_ref))
        due = periodic_notification_due(
            file.notifications, file.offender.no_fixed_abode, ctx.policy
        )
        view = OffenderView(file, due, is_breached(due, None, today), self._visit_due(file),
                            caseload_status(file.offender.manager_ref, caseload, ctx.policy), duties)  # fmt: skip
        ctx.trail.read(actor, "offender.read", ("offender", offender_ref), reason)
        return view

    def list_offenders(
        self, actor: Actor, status: str = "active", limit: int = LIST_LIMIT
    ) -> Listing[OffenderRecord]:
        """The register's offenders in ``status`` (active or ended), by reference, with their
        names (an audited read of public protection data)."""
        return read_listing(
            self._ctx,
            actor,
            Permission.OFFENDER_READ,
            "offender",
            status,
            statuses=("active", "ended"),
            read=lambda uow: uow.offenders.offenders_with_status(status, limit),
            person_of=lambda offender: offender.person_ref,
        )

    def caseload(self, actor: Actor, manager_ref: str) -> CaseloadStatus:
        """A manager's caseload against the configured warning threshold (a count only)."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.OFFENDER_READ, ("offender-caseload", manager_ref))
        with ctx.uow() as uow:
            refs = uow.offenders.caseload(manager_ref)
        ctx.trail.read(actor, "offender.caseload", ("offender-caseload", manager_ref))
        return caseload_status(manager_ref, refs, ctx.policy)
