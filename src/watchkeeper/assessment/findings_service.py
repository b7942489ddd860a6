"""Use cases of the findings register: import, list, and record a status decision.

Each use case authorises the actor and is audited; a decision is written with its audit
row in one transaction (no audit row, no decision). The indicator values a decision rests
on are computed by the caller's engine over the stated period, never typed in by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from watchkeeper.access.audit import audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.access.ports import AuditUnitOfWork
from watchkeeper.assessment.assess import AssessmentRequest, ValuesFor, assess
from watchkeeper.assessment.findings import (
    OPEN,
    Finding,
    StatusDecision,
    check_decision,
    decision_evidence,
)
from watchkeeper.assessment.framework import Framework
from watchkeeper.assessment.indicators import IndicatorValue
from watchkeeper.assessment.periods import Period
from watchkeeper.assessment.report_model import Report
from watchkeeper.kernel.clock import Clock
from watchkeeper.kernel.errors import NotFound


class FindingsStore(Protocol):
    """Stored findings and the append-only history of their status decisions."""

    def get(self, ref: str) -> Finding | None: ...

    def add(self, finding: Finding, at: datetime) -> None: ...

    def update_text(self, finding: Finding) -> None:
        """Replace the descriptive fields; the status is left as the decisions made it."""

    def all(self, force: str | None = None) -> list[Finding]: ...

    def record_decision(self, decision: StatusDecision) -> None: ...

    def decisions(self, ref: str | None = None) -> list[StatusDecision]: ...


class FindingsUnitOfWork(AuditUnitOfWork, Protocol):
    """A transaction over the findings register, recording audit events as it goes."""

    findings: FindingsStore


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    added: int
    updated: int
    unchanged: int


def _same_text(stored: Finding, incoming: Finding) -> bool:
    """Equal but for the status, which only decisions change."""
    return replace(incoming, status=stored.status) == stored


class FindingsRegister:
    """The findings register's use cases, wired with a unit of work and a clock."""

    def __init__(
        self,
        uow_factory: Callable[[], FindingsUnitOfWork],
        clock: Clock,
        audit_uow_factory: Callable[[], AuditUnitOfWork],
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._trail = AuditTrail(audit_uow_factory, clock)

    def import_findings(self, actor: Actor, found: Sequence[Finding], source: str) -> ImportOutcome:
        """Add new findings, refresh the text of known ones (status kept); one transaction."""
        self._trail.authorise(actor, Permission.FINDINGS_IMPORT, ("findings", source))
        added = updated = unchanged = 0
        with self._uow() as uow:
            for finding in found:
                stored = uow.findings.get(finding.ref)
                if stored is None:
                    uow.findings.add(finding, self._clock.now())
                    added += 1
                elif _same_text(stored, finding):
                    unchanged += 1
                else:
                    uow.findings.update_text(finding)
                    updated += 1
            reason = f"{added} added, {updated} updated, {unchanged} unchanged"
            event = audit_event(
                actor, self._clock.now(), "findings.import", ("findings", source), reason=reason
            )
            uow.audit.record(event)
            uow.commit()
        return ImportOutcome(added, updated, unchanged)

    def findings(self, actor: Actor, force: str | None = None) -> list[Finding]:
        """Every stored finding (of one force), oldest inspection first."""
        self._trail.authorise(actor, Permission.ASSESSMENT_READ, ("findings", force or "*"))
        with self._uow() as uow:
            found = uow.findings.all(force)
        self._trail.read(actor, "findings.list", ("findings", force or "*"))
        return found

    def decisions(self, actor: Actor, ref: str | None = None) -> list[StatusDecision]:
        """The recorded decisions (on one finding), oldest first."""
        self._trail.authorise(actor, Permission.ASSESSMENT_READ, ("finding", ref or "*"))
        with self._uow() as uow:
            found = uow.findings.decisions(ref)
        self._trail.read(actor, "findings.decisions", ("finding", ref or "*"))
        return found

    def assess(
        self,
        actor: Actor,
        request: AssessmentRequest,
        values_for: ValuesFor,
        on_step: Callable[[str], None] | None = None,
    ) -> Report:
        """The graded report for a force and period, with progress on its earlier findings."""
        record = ("assessment", f"{request.force_code}:{request.period.label}")
        self._trail.authorise(actor, Permission.ASSESSMENT_READ, record)
        with self._uow() as uow:
            found = uow.findings.all(request.force_code)
            decisions = uow.findings.decisions()
        report = assess(
            request, values_for, found, decisions, now=self._clock.now(), on_step=on_step
        )
        complete = "complete" if report.complete else "partial"
        self._trail.read(actor, "assessment.run", record, reason=f"{complete} report")
        return report

    def decide(
        self,
        actor: Actor,
        ref: str,
        target: str,
        *,
        period: Period,
        values: Mapping[str, IndicatorValue],
        framework: Framework,
        rationale: str,
    ) -> StatusDecision:
        """Record a human decision moving a finding's status on the period's evidence."""
        self._trail.authorise(actor, Permission.FINDINGS_DECIDE, ("finding", ref))
        now = self._clock.now()
        with self._uow() as uow:
            finding = uow.findings.get(ref)
            if finding is None:
                raise NotFound(f"no finding '{ref}' in the register")
            evidence = decision_evidence(finding, values, framework) if target != OPEN else ()
            check_decision(
                finding, target, period=period, evidence=evidence, framework=framework,
                rationale=rationale, now=now,
            )  # fmt: skip
            decision = StatusDecision(
                ref, finding.status, target, actor.username, now, rationale.strip(),
                period.label, period.start, period.end, evidence,
            )  # fmt: skip
            uow.findings.record_decision(decision)
            reason = f"{finding.status} -> {target} on evidence over {period.label}"
            uow.audit.record(
                audit_event(actor, now, "finding.decide", ("finding", ref), reason=reason)
            )
            uow.commit()
        return decision
