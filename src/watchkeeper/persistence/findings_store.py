"""The findings register in SQL: the FindingsStore port and its unit of work."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner, AuditUnavailable, ChainedAuditLog
from watchkeeper.access.ports import AuditLog
from watchkeeper.assessment.findings import DecisionEvidence, Finding, StatusDecision
from watchkeeper.assessment.findings_service import FindingsStore
from watchkeeper.persistence.access_store import SqlAuditChainStore
from watchkeeper.persistence.tables_findings import finding_decisions, findings
from watchkeeper.persistence.uow import _SqlTransaction


class SqlFindingsStore:
    """The FindingsStore port over the unit of work's connection."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def get(self, ref: str) -> Finding | None:
        row = self._connection.execute(sa.select(findings).where(findings.c.ref == ref)).first()
        return _finding(row._mapping) if row else None

    def add(self, finding: Finding, at: datetime) -> None:
        self._connection.execute(sa.insert(findings), [{**_row(finding), "imported_at": at}])

    def update_text(self, finding: Finding) -> None:
        values = _row(finding)
        for kept in ("ref", "status"):
            del values[kept]
        self._connection.execute(
            sa.update(findings).where(findings.c.ref == finding.ref).values(**values)
        )

    def all(self, force: str | None = None) -> list[Finding]:
        query = sa.select(findings).order_by(findings.c.year, findings.c.ref)
        if force is not None:
            query = query.where(findings.c.force == force)
        return [_finding(r._mapping) for r in self._connection.execute(query)]

    def record_decision(self, decision: StatusDecision) -> None:
        row = asdict(decision)
        row["finding_ref"] = row.pop("ref")
        row["evidence"] = [asdict(e) for e in decision.evidence]
        self._connection.execute(sa.insert(finding_decisions), [row])
        self._connection.execute(
            sa.update(findings)
            .where(findings.c.ref == decision.ref)
            .values(status=decision.to_status)
        )

    def decisions(self, ref: str | None = None) -> list[StatusDecision]:
        query = sa.select(finding_decisions).order_by(finding_decisions.c.id)
        if ref is not None:
            query = query.where(finding_decisions.c.finding_ref == ref)
        return [_decision(r._mapping) for r in self._connection.execute(query)]


def _row(finding: Finding) -> dict[str, Any]:
    row = asdict(finding)
    row["indicators"] = list(finding.indicators)
    return row


def _finding(mapping: Any) -> Finding:
    values = dict(mapping)
    values.pop("imported_at")
    values["indicators"] = tuple(values["indicators"])
    published = values["published"]
    values["published"] = (
        published if isinstance(published, date) else date.fromisoformat(published)
    )
    return Finding(**values)


def _decision(mapping: Any) -> StatusDecision:
    values = dict(mapping)
    values.pop("id")
    values["ref"] = values.pop("finding_ref")
    values["evidence"] = tuple(DecisionEvidence(**e) for e in values["evidence"])
    return StatusDecision(**values)


class SqlFindingsUnitOfWork(_SqlTransaction):
    """The FindingsUnitOfWork port: findings and the keyed audit chain, one transaction."""

    _begin_immediate = True  # read-then-write (see SqlUnitOfWork)

    findings: FindingsStore
    audit: AuditLog

    def __init__(self, engine: sa.Engine, signer: AuditSigner | None = None) -> None:
        super().__init__(engine)
        self._signer = signer

    def _bind(self, connection: sa.Connection) -> None:
        self.findings = SqlFindingsStore(connection)
        self.audit = (
            ChainedAuditLog(SqlAuditChainStore(connection), self._signer)
            if self._signer is not None
            else AuditUnavailable()
        )
