"""Domestic-abuse cases: DASH submission or refusal, sign-off, MARAC referral, review, close.

Rules come from ``domestic_abuse`` (levels, judgement raises only, MARAC criteria) and
``forms`` (contradictory answers refused); thresholds from the safeguarding policy.
Duties on a case, in order: dash-completion -> dash-sign-off -> marac-referral (when a
criterion is met) -> da-case-review (repeating until the case is closed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from watchkeeper.access.model import Actor, Permission
from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.safeguarding.da_records import (
    CaseView,
    DashOutcome,
    NewDaCase,
    json_ready,
    judgement_of,
    open_case_of,
)
from watchkeeper.safeguarding.domestic_abuse import (
    DaHistory,
    DashAssessment,
    DashStatus,
    MaracCriterion,
    ProfessionalJudgement,
    RiskLevel,
    assess,
    marac_criteria,
    marac_referral,
)
from watchkeeper.safeguarding.duty_plan import DutyKind
from watchkeeper.safeguarding.forms import record_answers
from watchkeeper.safeguarding.ports import DaCase, DashSubmission, SafeguardingUnitOfWork
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

_CASE_DUTIES = (DutyKind.DASH_COMPLETION, DutyKind.DASH_SIGN_OFF, DutyKind.MARAC_REFERRAL,
                DutyKind.DA_CASE_REVIEW)  # fmt: skip


class DomesticAbuseRegister:
    """Use cases of the domestic-abuse register; see the module docstring for the duties."""

    def __init__(self, ctx: RegisterContext) -> None:
        self._ctx = ctx

    def open_case(self, actor: Actor, request: NewDaCase) -> DaCase:
        """Open a case; a dash-completion duty falls due for ``request.assignment.owner``."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.DASH_RECORD, ("da-case", request.case_ref))
        now = ctx.clock.now()
        case = DaCase(request.case_ref, request.victim_ref, now,
                      perpetrator_ref=request.perpetrator_ref, address_ref=request.address_ref,
                      incident_id=request.incident_id)  # fmt: skip
        with ctx.uow() as uow:
            uow.people.get_person(request.victim_ref)  # refuses an unknown victim (NotFound)
            uow.domestic_abuse.add_case(case)
            ledger = DutyLedger(uow, ctx, actor)
            ledger.ensure_after(case.case_ref, DutyKind.DASH_COMPLETION, request.assignment)
            record_write(uow, actor, now, "da-case.open", ("da-case", case.case_ref))
            uow.commit()
        return case

    def _history(self, uow: SafeguardingUnitOfWork, case: DaCase) -> DaHistory:
        cases = uow.domestic_abuse.cases_of_victim(case.victim_ref)
        calendar = self._ctx.policy.calendar_date
        referred = [c.marac_referred_on for c in cases if c.marac_referred_on is not None]
        return DaHistory(
            tuple(calendar(c.opened_at) for c in cases),
            max(referred, default=None),
            calendar(self._ctx.clock.now()),
        )

    def submit_dash(
        self,
        actor: Actor,
        case_ref: str,
        form_id: str,
        answers: Mapping[str, str],
        judgement: tuple[str, str] | None = None,
    ) -> DashOutcome:
        """Record a (new version of the) risk form; ``judgement`` = (level, rationale) raises only.

        Contradictory answers, unknown keys, gaps and a judgement below the checklist are
        refused naming the question or rule; nothing is written. A new version needs a new
        sign-off.
        """
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.DASH_RECORD, ("da-case", case_ref))
        form = ctx.form(form_id)
        recorded = record_answers(form, answers)
        raised = judgement_of(judgement, actor)
        now = ctx.clock.now()
        with ctx.uow() as uow:
            case = open_case_of(uow, case_ref)
            assessment = assess(form, recorded, ctx.policy.domestic_abuse, raised)
            criteria = marac_criteria(
                assessment, self._history(uow, case), ctx.policy.domestic_abuse
            )
            seq = len(uow.domestic_abuse.submissions(case_ref)) + 1
            uow.domestic_abuse.add_submission(DashSubmission(
                case_ref, seq, form.form_id, form.version, {k: v.value for k, v in recorded.answers.items()},
                assessment.yes_count, actor.username, now))  # fmt: skip
            case = dataclasses.replace(
                case, dash_status=DashStatus.COMPLETED.value, refusal_reason=None,
                actuarial_level=assessment.actuarial_level.value, risk_level=assessment.level.value,
                judgement_rationale=raised.rationale if raised else None,
                judgement_by=raised.by if raised else None, assessed_by=actor.username,
                signed_off_by=None, signed_off_at=None,
            )  # fmt: skip
            self._await_sign_off(uow, case, actor, f"DASH version {seq} submitted")
            record_write(uow, actor, now, "da-case.dash-submit", ("da-case", case_ref),
                         reason=f"{form.form_id} {form.version} v{seq}")  # fmt: skip
            uow.commit()
        return DashOutcome(case, assessment, criteria)

    def record_refusal(self, actor: Actor, case_ref: str, reason: str) -> DaCase:
        """The victim declined the DASH: recorded with the reason; still needs sign-off."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.DASH_RECORD, ("da-case", case_ref))
        if not reason.strip():
            raise InputError(
                "dash-refusal: a refusal must be recorded with a reason (field: reason)"
            )
        now = ctx.clock.now()
        with ctx.uow() as uow:
            case = dataclasses.replace(
                open_case_of(uow, case_ref), dash_status=DashStatus.REFUSED_WITH_REASON.value,
                refusal_reason=reason.strip(), assessed_by=actor.username, signed_off_by=None,
                signed_off_at=None,
            )  # fmt: skip
            self._await_sign_off(uow, case, actor, "DASH refusal recorded")
            record_write(uow, actor, now, "da-case.dash-refusal", ("da-case", case_ref))
            uow.commit()
        return case

    def _await_sign_off(
        self, uow: SafeguardingUnitOfWork, case: DaCase, actor: Actor, note: str
    ) -> None:
        who = current_assignment(uow, case.case_ref, actor)
        uow.domestic_abuse.save_case(case)
        ledger = DutyLedger(uow, self._ctx, actor)
        ledger.discharge(case.case_ref, [DutyKind.DASH_COMPLETION], note)
        # The sign-off is the supervisor's own work: they own it, and it escalates to them too.
        sign_off = Assignment(who.supervisor, who.supervisor)
        ledger.ensure_after(case.case_ref, DutyKind.DASH_SIGN_OFF, sign_off)

    def sign_off(self, actor: Actor, case_ref: str, note: str = "") -> DaCase:
        """A supervisor signs off the DASH (or refusal); never their own assessment."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.DASH_SIGN_OFF, ("da-case", case_ref))
        now = ctx.clock.now()
        with ctx.uow() as uow:
            case = open_case_of(uow, case_ref)
            if case.dash_status == DashStatus.NONE.value:
                raise DomainRuleViolation(
                    f"dash-missing: case {case_ref} has no DASH or recorded refusal to sign off"
                )
            if case.assessed_by == actor.username:
                raise DomainRuleViolation(
                    f"sign-off-own-work: {actor.username} recorded this DASH and cannot sign it off"
                )
            who = current_assignment(uow, case_ref, actor)
            case = dataclasses.replace(case, signed_off_by=actor.username, signed_off_at=now)
            uow.domestic_abuse.save_case(case)
            DutyLedger(uow, ctx, actor).discharge(
                case_ref, [DutyKind.DASH_SIGN_OFF], note or "signed off"
            )
            self._after_sign_off(uow, case, who, actor)
            record_write(uow, actor, now, "da-case.sign-off", ("da-case", case_ref))
            uow.commit()
        return case

    def _after_sign_off(
        self, uow: SafeguardingUnitOfWork, case: DaCase, who: Assignment, actor: Actor
    ) -> None:
        kind = DutyKind.DA_CASE_REVIEW
        if case.dash_status == DashStatus.COMPLETED.value and self._criteria(uow, case):
            kind = DutyKind.MARAC_REFERRAL
        DutyLedger(uow, self._ctx, actor).ensure_after(case.case_ref, kind, who)

    def _criteria(self, uow: SafeguardingUnitOfWork, case: DaCase) -> tuple[MaracCriterion, ...]:
        return marac_criteria(self._assessment(uow, case), self._history(uow, case),
                              self._ctx.policy.domestic_abuse)  # fmt: skip

    def _assessment(self, uow: SafeguardingUnitOfWork, case: DaCase) -> DashAssessment:
        latest = uow.domestic_abuse.submissions(case.case_ref)[-1]
        form = self._ctx.form(latest.form_id)
        raised = None
        if case.judgement_rationale and case.risk_level and case.judgement_by:
            raised = ProfessionalJudgement(RiskLevel(case.risk_level), case.judgement_rationale,
                                           case.judgement_by)  # fmt: skip
        return assess(
            form, record_answers(form, latest.answers), self._ctx.policy.domestic_abuse, raised
        )

    def refer_to_marac(self, actor: Actor, case_ref: str) -> dict[str, Any]:
        """Refer the case to MARAC, pre-filled from the latest DASH; refused when no criterion is met."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.DASH_RECORD, ("da-case", case_ref))
        now = ctx.clock.now()
        today = ctx.policy.calendar_date(now)
        with ctx.uow() as uow:
            case = open_case_of(uow, case_ref)
            if case.dash_status != DashStatus.COMPLETED.value:
                raise DomainRuleViolation(
                    f"marac-needs-dash: case {case_ref} has no completed DASH"
                )
            referral = marac_referral(self._assessment(uow, case), case.victim_ref,
                                      self._history(uow, case), ctx.policy.domestic_abuse)  # fmt: skip
            prefill = json_ready(dataclasses.asdict(referral))
            uow.domestic_abuse.add_referral(
                case_ref, victim_ref=case.victim_ref, referred_on=today,
                criteria=[c.value for c in referral.criteria], prefill=prefill,
                by=actor.username, at=now,
            )  # fmt: skip
            who = current_assignment(uow, case_ref, actor)
            uow.domestic_abuse.save_case(dataclasses.replace(case, marac_referred_on=today))
            ledger = DutyLedger(uow, ctx, actor)
            ledger.discharge(case_ref, [DutyKind.MARAC_REFERRAL], "referred")
            ledger.ensure_after(case_ref, DutyKind.DA_CASE_REVIEW, who)
            record_write(uow, actor, now, "da-case.marac-referral", ("da-case", case_ref))
            uow.commit()
        return dict(prefill)

    def review_case(self, actor: Actor, case_ref: str, note: str) -> None:
        """A periodic case review: discharges the review duty and sets the next one."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.DASH_RECORD, ("da-case", case_ref))
        if not note.strip():
            raise InputError("a case review needs a note (field: note)")
        now = ctx.clock.now()
        with ctx.uow() as uow:
            open_case_of(uow, case_ref)
            who = current_assignment(uow, case_ref, actor)
            ledger = DutyLedger(uow, ctx, actor)
            if not ledger.discharge(case_ref, [DutyKind.DA_CASE_REVIEW], note):
                raise DomainRuleViolation(
                    f"case {case_ref} has no review due (its DASH work comes first)"
                )
            ledger.ensure_after(case_ref, DutyKind.DA_CASE_REVIEW, who)
            record_write(uow, actor, now, "da-case.review", ("da-case", case_ref))
            uow.commit()

    def close_case(self, actor: Actor, case_ref: str, reason: str) -> DaCase:
        """Close a case once its DASH (or refusal) is signed off; open duties are withdrawn."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.DASH_RECORD, ("da-case", case_ref))
        if not reason.strip():
            raise InputError("closing a case needs a reason (field: reason)")
        now = ctx.clock.now()
        with ctx.uow() as uow:
            case = open_case_of(uow, case_ref)
            if case.dash_status == DashStatus.NONE.value or (
                ctx.policy.domestic_abuse.close_requires_sign_off and case.signed_off_by is None
            ):
                raise DomainRuleViolation(
                    f"dash-rule: case {case_ref} cannot close before its DASH (or refusal) is "
                    "completed and signed off (STANDARDS.md 3.5)"
                )
            DutyLedger(uow, ctx, actor).withdraw(case_ref, _CASE_DUTIES, f"case closed: {reason}")
            case = dataclasses.replace(case, status="closed", closed_at=now)
            uow.domestic_abuse.save_case(case)
            record_write(uow, actor, now, "da-case.close", ("da-case", case_ref), reason=reason)
            uow.commit()
        return case

    def list_cases(
        self, actor: Actor, status: str = "open", limit: int = LIST_LIMIT
    ) -> Listing[DaCase]:
        """The register's cases in ``status`` (open or closed), longest open first, with the
        victims' names (a read of personal data: audited)."""
        return read_listing(
            self._ctx,
            actor,
            Permission.SAFEGUARDING_READ,
            "da-case",
            status,
            statuses=("open", "closed"),
            read=lambda uow: uow.domestic_abuse.cases_with_status(status, limit),
            person_of=lambda case: case.victim_ref,
        )

    def show_case(self, actor: Actor, case_ref: str, reason: str | None = None) -> CaseView:
        """The case, every DASH version and its duties (a read of personal data: audited)."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.SAFEGUARDING_READ, ("da-case", case_ref))
        with ctx.uow() as uow:
            view = CaseView(uow.domestic_abuse.get_case(case_ref),
                            tuple(uow.domestic_abuse.submissions(case_ref)),
                            tuple(uow.duties.history_of(case_ref)))  # fmt: skip
        ctx.trail.read(actor, "da-case.read", ("da-case", case_ref), reason)
        return view
