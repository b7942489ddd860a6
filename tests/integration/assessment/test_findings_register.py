"""The findings register on SQLite and PostgreSQL, through its use cases, with audit."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pytest
import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner
from watchkeeper.access.model import Actor, Role
from watchkeeper.assessment.findings import (
    ADDRESSED,
    OPEN,
    PROGRESS,
    bundled_findings_path,
    known_forces,
    read_findings_file,
)
from watchkeeper.assessment.findings_service import FindingsRegister
from watchkeeper.assessment.framework import load_framework
from watchkeeper.assessment.indicators import IndicatorValue, registry
from watchkeeper.assessment.periods import parse_period
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import DomainRuleViolation, NotFound, PermissionDenied
from watchkeeper.persistence import schema
from watchkeeper.persistence.engine import create_engine_for
from watchkeeper.persistence.findings_store import SqlFindingsUnitOfWork
from watchkeeper.persistence.tables import audit_log
from watchkeeper.persistence.uow import SqlUnitOfWork

ANALYST = Actor("an.patel", Role.ANALYST, channel="cli")
SUPERVISOR = Actor("di.jones", Role.SUPERVISOR, channel="cli")
DISPATCHER = Actor("d.smith", Role.DISPATCHER, channel="cli")
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
DEFS = registry()
FW = load_framework("peel-2017-effectiveness", DEFS)
Q3 = parse_period("2026-Q3")


def iv(key: str, value: float | None) -> IndicatorValue:
    status = "ok" if value is not None else "no-data"
    return IndicatorValue(key, Q3.start, Q3.end, value, None, None, status, "hand-made")


@pytest.fixture
def wired(database_url: str):
    schema.upgrade(database_url)
    engine = create_engine_for(database_url)
    signer = AuditSigner(b"k" * 32)
    register = FindingsRegister(
        partial(SqlFindingsUnitOfWork, engine, signer),
        FixedClock(NOW),
        partial(SqlUnitOfWork, engine, signer, immediate=True),
    )
    yield engine, register
    engine.dispose()


def _audit(engine, action: str) -> list[tuple[str, str, str | None]]:
    with engine.connect() as c:
        rows = c.execute(
            sa.select(audit_log.c.username, audit_log.c.outcome, audit_log.c.reason).where(
                audit_log.c.action == action
            )
        )
        return [tuple(r) for r in rows]


def _wmp():
    return read_findings_file(bundled_findings_path(), known_forces(), DEFS)


def test_importing_the_2017_findings_stores_them_and_a_reimport_changes_nothing(wired) -> None:
    engine, register = wired
    first = register.import_findings(ANALYST, _wmp(), "west-midlands-2017.yaml")
    again = register.import_findings(ANALYST, _wmp(), "west-midlands-2017.yaml")

    assert (first.added, again.added, again.unchanged) == (9, 0, 9)
    stored = register.findings(ANALYST, "west-midlands")
    assert {f.ref for f in stored} == {f.ref for f in _wmp()}
    assert stored == sorted(stored, key=lambda f: (f.year, f.ref))
    assert register.findings(ANALYST, "kent") == []
    assert [r[2] for r in _audit(engine, "findings.import")] == [
        "9 added, 0 updated, 0 unchanged", "0 added, 0 updated, 9 unchanged",
    ]  # fmt: skip


def test_a_decision_moves_the_status_records_its_evidence_and_is_audited(wired) -> None:
    engine, register = wired
    register.import_findings(ANALYST, _wmp(), "wmp.yaml")
    values = {"backlog_unreviewed_share": iv("u", 12.0), "backlog_age_p90_minutes": iv("a", 200.0)}

    decision = register.decide(
        SUPERVISOR, "wmp-2017-rec-backlog-risk", ADDRESSED, period=Q3, values=values,
        framework=FW, rationale="two quarters of reviewed backlog; board minute 14",
    )  # fmt: skip

    assert (decision.from_status, decision.to_status, decision.period) == (
        OPEN,
        ADDRESSED,
        "2026-Q3",
    )
    stored = {f.ref: f for f in register.findings(SUPERVISOR)}
    assert stored["wmp-2017-rec-backlog-risk"].status == ADDRESSED
    [history] = register.decisions(SUPERVISOR, "wmp-2017-rec-backlog-risk")
    assert history == decision
    assert {e.key: (e.value, e.grade) for e in history.evidence} == {
        "backlog_unreviewed_share": (12.0, "good"), "backlog_age_p90_minutes": (200.0, "good"),
    }  # fmt: skip
    assert _audit(engine, "finding.decide") == [
        ("di.jones", "ok", "open -> addressed on evidence over 2026-Q3")
    ]


def test_a_refused_decision_leaves_the_status_and_history_alone(wired) -> None:
    engine, register = wired
    register.import_findings(ANALYST, _wmp(), "wmp.yaml")
    no_data = {"backlog_unreviewed_share": iv("u", None), "backlog_age_p90_minutes": iv("a", 100.0)}

    with pytest.raises(DomainRuleViolation, match="no data"):
        register.decide(SUPERVISOR, "wmp-2017-rec-backlog-risk", PROGRESS, period=Q3,
                        values=no_data, framework=FW, rationale="r")  # fmt: skip
    with pytest.raises(NotFound):
        register.decide(
            SUPERVISOR, "nope", PROGRESS, period=Q3, values={}, framework=FW, rationale="r"
        )

    assert {f.status for f in register.findings(SUPERVISOR)} == {OPEN}
    assert register.decisions(SUPERVISOR) == []
    assert _audit(engine, "finding.decide") == []


def test_only_the_permitted_roles_import_read_and_decide_and_refusals_are_audited(wired) -> None:
    engine, register = wired
    with pytest.raises(PermissionDenied):
        register.import_findings(SUPERVISOR, _wmp(), "wmp.yaml")  # analysts import
    register.import_findings(ANALYST, _wmp(), "wmp.yaml")
    with pytest.raises(PermissionDenied):
        register.findings(DISPATCHER)
    with pytest.raises(PermissionDenied):  # the analyst who prepares evidence does not decide
        register.decide(ANALYST, "wmp-2017-afi-scpo", PROGRESS, period=Q3, values={},
                        framework=FW, rationale="r")  # fmt: skip

    refused = {
        (r[0], r[1])
        for r in _audit(engine, "findings.import")
        + _audit(engine, "assessment.read")
        + _audit(engine, "findings.decide")
    }
    assert refused == {
        ("di.jones", "refused"),
        ("d.smith", "refused"),
        ("an.patel", "refused"),
        ("an.patel", "ok"),
    }
