"""Risk reviews of registered offenders as duties, and the breaches that raise them.

Used inside the offender register's transactions (``offender_service``): a recorded trigger
(new intelligence, arrest, a late foreign-travel notice, ...) owes a risk review, a duty of
the offender manager due by the earliest unreviewed trigger's configured time
(``rso_reviews.review_due_at``). ``NotificationBreaches`` is the periodic run that turns a
missed s85 re-notification into a breach trigger, so a breach reaches the manager as a duty
and not only as a flag on the page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from watchkeeper.access.audit import audit_event
from watchkeeper.access.model import Actor, Permission
from watchkeeper.duties.lifecycle import reassign
from watchkeeper.kernel.errors import DomainRuleViolation
from watchkeeper.safeguarding.duty_plan import DutyKind
from watchkeeper.safeguarding.offenders import (
    ArmsAssessment,
    RsoRisk,
    late_travel_notices,
    reactive_eligibility,
)
from watchkeeper.safeguarding.ports import OffenderFile, SafeguardingUnitOfWork
from watchkeeper.safeguarding.rso_reviews import (
    ABOVE_LOW,
    BREACH,
    ReviewOutcome,
    RiskEvent,
    RiskEventKind,
    breach_summary,
    review_due_at,
    review_outcome,
)
from watchkeeper.safeguarding.service_core import Assignment, DutyLedger, RegisterContext

SYSTEM = "system"


def owe_review(
    uow: SafeguardingUnitOfWork, ctx: RegisterContext, ledger: DutyLedger, file: OffenderFile,
    supervisor: str,
) -> None:  # fmt: skip
    """Open (or bring forward) the risk-review duty the file's unreviewed triggers owe."""
    ref = file.offender.offender_ref
    due = review_due_at(file.risk_events, ctx.policy.offenders.review_triggers)
    if due is None:
        return
    who = Assignment(file.offender.manager_ref, supervisor)
    duty = ledger.ensure(ref, DutyKind.RSO_RISK_REVIEW, due, who)
    if due < duty.due_at:  # a later trigger needs the review sooner than the open duty says
        now = max(ctx.clock.now(), duty.history[-1].at)
        sooner = reassign(duty, to=duty.owner, by=SYSTEM, at=now, due_at=due,
                          reason="a new review trigger brings the review forward")  # fmt: skip
        uow.duties.save(sooner)


def late_travel_trigger(
    file: OffenderFile, ctx: RegisterContext, at: datetime, by: str
) -> RiskEvent | None:
    """The breach trigger for the file's newest travel notice, when it was late (s86)."""
    if not file.notifications or file.notifications[-1].travel is None:
        return None
    newest = file.notifications[-1]
    late = late_travel_notices([newest], ctx.policy)
    if not late:
        return None
    return RiskEvent(RiskEventKind.TRIGGER, BREACH, at, breach_summary(late[0]), by)


def above_low_trigger(
    file: OffenderFile, assessment: ArmsAssessment, ctx: RegisterContext, by: str
) -> RiskEvent | None:
    """The trigger an ARMS level above low raises for a reactively managed offender."""
    if not file.offender.reactive or assessment.level is RsoRisk.LOW:
        return None
    if ABOVE_LOW not in ctx.policy.offenders.reactive_review_triggers:
        return None
    summary = f"ARMS {assessment.version} on {assessment.assessed_on}: {assessment.level}"
    return RiskEvent(RiskEventKind.TRIGGER, ABOVE_LOW, ctx.clock.now(), summary, by)


# A change applied inside the offender register's transaction (offender_service._Change).
ReviewChange = Callable[[SafeguardingUnitOfWork, OffenderFile], DutyKind | None]


def review_change(
    ctx: RegisterContext, actor: Actor, offender_ref: str, outcome: str, rationale: str
) -> ReviewChange:
    """Record the owed risk review; it discharges the review duty (refused when none is owed)."""

    def change(uow: SafeguardingUnitOfWork, file: OffenderFile) -> DutyKind | None:
        decided = review_outcome(outcome, file.offender.reactive, rationale)
        owed = [d for d in uow.duties.open_for_subject(offender_ref)
                if d.kind == DutyKind.RSO_RISK_REVIEW.value]  # fmt: skip
        if not owed:
            raise DomainRuleViolation(f"offender {offender_ref} has no risk review due")
        if decided is ReviewOutcome.REMAIN_REACTIVE:
            today = ctx.policy.calendar_date(ctx.clock.now())
            ok, why = reactive_eligibility(file.assessments, today, ctx.policy.offenders)
            if not ok:
                raise DomainRuleViolation(f"reactive-management: {why} (field: outcome)")
        if decided is ReviewOutcome.RETURN_TO_ACTIVE:  # home visits resume from the plan
            uow.offenders.save_offender(dataclasses.replace(file.offender, reactive=False))
        review = RiskEvent(RiskEventKind.REVIEW, decided.value, ctx.clock.now(),
                           rationale.strip(), actor.username)  # fmt: skip
        uow.offenders.add_risk_event(offender_ref, review)
        return DutyKind.RSO_RISK_REVIEW

    return change


class NotificationBreaches:
    """The periodic run: a missed re-notification raises a breach trigger and a review duty."""

    def __init__(self, ctx: RegisterContext) -> None:
        self._ctx = ctx

    def raise_due(self, actor: Actor | None = None) -> tuple[str, ...]:
        """Offenders whose s85 notification duty is overdue with no breach recorded since.

        ``actor`` None is the system's own run (audited as the system). Returns the offender
        references a breach was raised for.
        """
        ctx = self._ctx
        if actor is not None:
            ctx.trail.authorise(actor, Permission.OFFENDER_MANAGE, ("offender-breaches", ""))
        now = ctx.clock.now()
        by = actor.username if actor is not None else SYSTEM
        raised: list[str] = []
        with ctx.uow() as uow:
            overdue = [d for d in uow.duties.open_due_before(now)
                       if d.kind == DutyKind.RSO_NOTIFICATION.value and now > d.due_at]  # fmt: skip
            for duty in overdue:
                file = uow.offenders.get_offender(duty.subject_ref)
                already = any(e.kind is RiskEventKind.TRIGGER and e.name == BREACH
                              and e.at >= duty.due_at for e in file.risk_events)  # fmt: skip
                if file.offender.status != "active" or already:
                    continue
                due_on = ctx.policy.calendar_date(duty.due_at)
                summary = (f"notification-missed: the s85 re-notification was due by {due_on} "
                           "and none is recorded (SOA 2003 s85)")  # fmt: skip
                event = RiskEvent(RiskEventKind.TRIGGER, BREACH, now, summary, by)
                uow.offenders.add_risk_event(duty.subject_ref, event)
                file = uow.offenders.get_offender(duty.subject_ref)
                ledger = DutyLedger(uow, ctx, actor)
                owe_review(uow, ctx, ledger, file, duty.supervisor)
                uow.audit.record(
                    audit_event(actor, now, "offender.breach", ("offender", duty.subject_ref))
                )
                raised.append(duty.subject_ref)
            uow.commit()
        return tuple(raised)
