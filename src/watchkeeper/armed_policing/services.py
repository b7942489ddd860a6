"""Use cases of the armed-response analysis: load deployments, analyse, report.

Authorised (firearms commander and analyst; ``access.model``) and audited. The analysis shows
incident references of outliers but no personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from watchkeeper.access.audit import audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.access.ports import AuditUnitOfWork
from watchkeeper.armed_policing.analysis import ArmedAnalysis, analyse
from watchkeeper.armed_policing.config import ArmedPolicy
from watchkeeper.armed_policing.derivation import Skipped, derive
from watchkeeper.armed_policing.indicators import Ratio, attendance_within_expectation
from watchkeeper.armed_policing.model import ArmedDeployment, validate_deployment
from watchkeeper.armed_policing.ports import ArmedUnitOfWork
from watchkeeper.armed_policing.report import Report, render
from watchkeeper.kernel.clock import Clock, ensure_utc
from watchkeeper.kernel.errors import InputError


@dataclass(frozen=True, slots=True)
class DerivedFromLog:
    """What deriving deployments from the incident log did (counts and skipped incidents)."""

    armed_incidents: int
    added: int
    updated: int
    unchanged: int
    entered_by_hand: int  # incidents whose deployment was already entered separately: kept
    skipped: tuple[Skipped, ...]


class ArmedResponseAnalysis:
    """The firearms commander's analysis, wired by bootstrap with the store and the policy."""

    def __init__(
        self,
        uow_factory: Callable[[], ArmedUnitOfWork],
        clock: Clock,
        policy: ArmedPolicy,
        audit_uow_factory: Callable[[], AuditUnitOfWork] | None = None,
        writer_factory: Callable[[], ArmedUnitOfWork] | None = None,
    ) -> None:
        """``writer_factory`` makes the units that store deployments: on SQLite bootstrap's
        take the write lock when they begin, so deriving (read, then write) never finds its
        snapshot stale under load. Without one, ``uow_factory`` writes too."""
        self._uow = uow_factory
        self._writer = writer_factory or uow_factory
        self._clock = clock
        self.policy = policy
        self._trail = AuditTrail(audit_uow_factory or uow_factory, clock)

    def record(
        self, actor: Actor, deployments: Sequence[ArmedDeployment], batch: int = 5000
    ) -> int:
        """Store deployments; all are validated first, so a bad one means nothing is written."""
        self._trail.authorise(actor, Permission.ARMED_RECORD, ("armed-deployment", ""))
        checked = [validate_deployment(d) for d in deployments]
        with self._writer() as uow:
            for start in range(0, len(checked), batch):
                uow.deployments.add_many(checked[start : start + batch])
            span = f"{len(checked)} deployments"
            now = self._clock.now()
            uow.audit.record(audit_event(actor, now, "armed.record", ("armed-deployment", span)))
            uow.commit()
        return len(checked)

    def derive_from_log(self, actor: Actor, start: datetime | None = None,
                        end: datetime | None = None) -> DerivedFromLog:  # fmt: skip
        """Derive deployments from incidents logged in [start, end) (``armed_policing.derivation``).

        Idempotent: a deployment has its incident's fixed id, so deriving again adds nothing and
        rewrites only deployments whose log has moved on. An incident whose deployment was
        entered separately is left as entered (never counted twice). One transaction, audited.
        """
        self._trail.authorise(actor, Permission.ARMED_RECORD, ("armed-deployment", "log"))
        if start is not None and end is not None and ensure_utc(end) <= ensure_utc(start):
            raise InputError("the period ends before it starts (fields: start, end)")
        with self._writer() as uow:
            arvs = uow.log.arv_call_signs(self.policy.arv_skill)
            incidents = uow.log.armed_incidents(arvs, start, end)
            found = derive(incidents, arvs)
            by_hand = uow.deployments.entered_by_hand([d.incident_ref for d in found.deployments])
            keep = [d for d in found.deployments if d.incident_ref not in by_hand]
            added, updated, unchanged = uow.deployments.upsert_derived(keep)
            period = f"{start.isoformat() if start else '-'}..{end.isoformat() if end else '-'}"
            span = f"{period}: {added} added, {updated} updated, {len(found.skipped)} skipped"
            now = self._clock.now()
            uow.audit.record(audit_event(actor, now, "armed.derive", ("armed-deployment", span)))
            uow.commit()
        return DerivedFromLog(len(incidents), added, updated, unchanged, len(by_hand),
                              found.skipped)  # fmt: skip

    def analyse(self, actor: Actor, start: datetime | None = None,
                end: datetime | None = None) -> ArmedAnalysis:  # fmt: skip
        """Attendance distributions, slowest areas and times, trend and outliers for [start, end)."""
        self._trail.authorise(actor, Permission.ARMED_ANALYSIS, ("armed-analysis", ""))
        if start is not None and end is not None and ensure_utc(end) <= ensure_utc(start):
            raise InputError("the analysis period ends before it starts (fields: start, end)")
        with self._uow() as uow:
            table = uow.deployments.table(start, end)
        result = analyse(table, self.policy)
        period = f"{start.isoformat() if start else '-'}..{end.isoformat() if end else '-'}"
        self._trail.read(actor, "armed.analysis", ("armed-analysis", period))
        return result

    def report(self, actor: Actor, start: datetime | None = None,
               end: datetime | None = None) -> Report:  # fmt: skip
        """The HTML summary and SVG charts for the six-monthly review."""
        return render(self.analyse(actor, start, end), self.policy, self._clock.now())

    def indicator(self, actor: Actor, start: datetime | None = None,
                  end: datetime | None = None) -> Ratio | None:  # fmt: skip
        """Share of attended armed deployments within the expectation."""
        return attendance_within_expectation(self.analyse(actor, start, end))
