"""The SOC registers and armed deployments on SQLite and PostgreSQL, through the services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner
from watchkeeper.access.model import Actor, Role
from watchkeeper.armed_policing.config import load_policy as load_armed
from watchkeeper.armed_policing.model import ArmedDeployment
from watchkeeper.armed_policing.services import ArmedResponseAnalysis
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import DomainRuleViolation, InputError, PermissionDenied
from watchkeeper.organised_crime.config import load_policy
from watchkeeper.organised_crime.flags import FlagKind
from watchkeeper.organised_crime.scoring import ThreatInput
from watchkeeper.organised_crime.scpo import ScpoOrder, Term
from watchkeeper.organised_crime.scpo_service import ScpoService
from watchkeeper.organised_crime.services import SocRegister
from watchkeeper.persistence import schema
from watchkeeper.persistence.engine import create_engine_for
from watchkeeper.persistence.soc_store import SqlArmedUnitOfWork, SqlSocUnitOfWork
from watchkeeper.persistence.tables import audit_log
from watchkeeper.persistence.tables_soc import armed_deployments, ocg_groups, scpo_orders
from watchkeeper.persistence.uow import SqlUnitOfWork

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SOC = Actor("di.khan", Role.SOC_OFFICER, channel="api")
FIREARMS = Actor("ch.insp.ward", Role.FIREARMS_COMMANDER, channel="api")
HIGH = ThreatInput(
    ocgm={
        k: "high"
        for k in ("individuals", "criminal_activity", "geographic_reach", "network", "capability")
    },
    harm={
        k: "high" for k in ("physical", "financial", "community_environment", "geographic_scope")
    },
    likelihood="high",
    position={"capacity_gap": "high", "capability_gap": "high"},
)


@pytest.fixture
def wired(database_url: str, tmp_path: Path):
    schema.upgrade(database_url)
    engine = create_engine_for(database_url)
    signer = AuditSigner(b"k" * 32)
    clock = FixedClock(T0)
    writer = partial(SqlUnitOfWork, engine, signer, immediate=True)
    soc_uow = partial(SqlSocUnitOfWork, engine, signer)
    policy = load_policy()
    yield (
        engine,
        clock,
        SocRegister(soc_uow, clock, policy, writer),
        ScpoService(soc_uow, clock, policy, writer),
        ArmedResponseAnalysis(
            partial(SqlArmedUnitOfWork, engine, signer), clock, load_armed(), writer
        ),
    )
    engine.dispose()


def _count(engine, table) -> int:
    with engine.connect() as c:
        return int(c.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_a_group_round_trips_with_its_whole_history(wired) -> None:
    engine, clock, register, _, _ = wired
    group = register.register_group(SOC, "Ridge Lane", ("drug-supply",), ("Birmingham East",))
    gid = group.group_id
    register.add_member(SOC, gid, "P-100", "principal")
    register.score(SOC, gid, HIGH)
    register.change_state(SOC, gid, "mapped", "scored by analyst")
    result = register.assign_lro(SOC, gid, "di.khan", "tasking meeting")
    assert result.load_after.weighted == 3.0
    register.change_state(SOC, gid, "active", "tasked")
    clock.advance(timedelta(days=1))
    written = register.record_disruption(
        SOC, gid, kind="drugs-seizure", impact="major", strand="pursue", summary="2kg seized"
    )
    assert register.show_group(SOC, gid).group == written  # the whole aggregate reads back equal
    register.create_plan(SOC, gid, {"pursue": "dismantle supply line", "prevent": "divert"})
    due = T0 + timedelta(days=20)
    plan = register.add_action(
        SOC,
        gid,
        strand="pursue",
        description="warrant",
        owner="dc.shaw",
        supervisor="di.khan",
        due_at=due,
    )
    view = register.show_group(SOC, gid)
    assert view.group.band == "A" and view.group.lro == "di.khan" and view.group.state == "active"
    assert [m.person_ref for m in view.group.members] == ["P-100"]
    assert view.group.threat.reasons == register.show_group(SOC, gid).group.threat.reasons
    assert view.plan == plan and view.plan.actions[0].duty.due_at == due
    assert view.flags == ()
    listed = register.list_groups(SOC, frozenset({"active"}))
    assert [v.group.group_id for v in listed] == [gid]
    assert [c.officer for c in register.caseloads(SOC)] == ["di.khan"]
    with engine.connect() as c:
        actions = [r.action for r in c.execute(sa.select(audit_log.c.action))]
    assert {"ocg.register", "ocg.lro", "ocg.disruption", "ocg.read", "ocg.list"} <= set(actions)


def test_refusals_leave_nothing_written(wired) -> None:
    engine, _, register, scpo, armed = wired
    gid = register.register_group(SOC, "Old Firm", ("fraud",), ()).group_id
    register.change_state(SOC, gid, "archived", "dismantled")
    with pytest.raises(DomainRuleViolation, match="archived"):
        register.record_disruption(
            SOC, gid, kind="arrest", impact="minor", strand="pursue", summary="x"
        )
    assert register.show_group(SOC, gid).group.disruptions == ()
    terms = (Term("T1", "one phone only", date(2026, 3, 1), date(2031, 3, 1)),)
    too_long = ScpoOrder(
        "SCPO-9",
        "P-1",
        "crown-court",
        date(2026, 3, 1),
        date(2026, 3, 1),
        date(2031, 3, 1),
        "dc.shaw",
        28,
        terms,
    )
    with pytest.raises(DomainRuleViolation, match="5-year maximum"):
        scpo.make_order(SOC, too_long)
    assert _count(engine, scpo_orders) == 0
    bad = [
        ArmedDeployment("D1", "INC-1", "ARV-1", "North", T0, arrived_at=T0 + timedelta(minutes=9)),
        ArmedDeployment("D2", "INC-2", "ARV-1", "North", T0, arrived_at=T0 - timedelta(minutes=1)),
    ]
    with pytest.raises(InputError, match="D2: arrival"):
        armed.record(FIREARMS, bad)
    assert _count(engine, armed_deployments) == 0


def test_caseload_beyond_the_cap_without_reason_is_refused_and_not_stored(wired) -> None:
    _engine, _, register, _, _ = wired
    for i in range(4):
        gid = register.register_group(SOC, f"G{i}", ("drugs",), ()).group_id
        register.score(SOC, gid, HIGH)
        register.assign_lro(SOC, gid, "di.khan", "tasking")
    extra = register.register_group(SOC, "G5", ("drugs",), ()).group_id
    register.score(SOC, extra, HIGH)
    with pytest.raises(DomainRuleViolation, match="beyond the cap"):
        register.assign_lro(SOC, extra, "di.khan", "tasking")
    assert register.show_group(SOC, extra).group.lro is None
    result = register.assign_lro(
        SOC, extra, "di.khan", "tasking", override_reason="no other DI free"
    )
    assert "beyond the caseload cap" in result.warning


def test_scpo_workflow_is_stored_and_flagged(wired) -> None:
    _, clock, _, scpo, _ = wired
    assert scpo.flag_case(SOC, "CASE-1", "P-1", "common-assault", "charged") is None
    case = scpo.flag_case(SOC, "CASE-2", "P-1", "POCA2002-s327", "convicted")
    assert case.heading == "money-laundering"
    assert [c.case_id for c in scpo.considerations(SOC, undecided_only=True)] == ["CASE-2"]
    scpo.decide(SOC, "CASE-2", "apply", "launders for an OCG")
    assert scpo.considerations(SOC, undecided_only=True) == []
    start = date(2026, 3, 2)
    order = ScpoOrder(
        "SCPO-1",
        "P-1",
        "crown-court",
        start,
        start,
        date(2031, 3, 1),
        "dc.shaw",
        28,
        (Term("T1", "declare bank accounts", start, date(2028, 3, 1), notification_days=3),),
    )
    scpo.make_order(SOC, order)
    clock.advance(timedelta(days=40))
    views = scpo.orders(SOC, due_within_days=7)
    assert [f.kind for f in views[0].flags] == [FlagKind.CHECK_OVERDUE]
    scpo.record_check(SOC, "SCPO-1", "concern")
    changed = scpo.record_breach(
        SOC, "SCPO-1", "T1", start + timedelta(days=35), "undeclared account"
    )
    bid = changed.breaches[0].breach_id
    scpo.refer_breach(SOC, "SCPO-1", bid)
    done = scpo.breach_outcome(SOC, "SCPO-1", bid, "charged")
    assert done.breaches[0].outcome == "charged" and done.breaches[0].referred_to == "CPS"
    assert scpo.show_order(SOC, "SCPO-1").order == done


def test_armed_deployments_are_analysed_from_the_store(wired) -> None:
    _, _, _, _, armed = wired
    deps = [
        ArmedDeployment(
            f"D{i}",
            f"INC-{i}",
            "ARV-1",
            "North" if i % 2 else "South",
            T0 + timedelta(hours=i),
            dispatched_at=T0 + timedelta(hours=i, minutes=1),
            arrived_at=T0 + timedelta(hours=i, minutes=10 + i),
        )
        for i in range(10)
    ]
    assert armed.record(FIREARMS, deps) == 10
    result = armed.analyse(FIREARMS)
    assert result.attended == 10 and result.overall.median == pytest.approx(14.5)
    window = armed.analyse(FIREARMS, T0, T0 + timedelta(hours=5))
    assert window.attended == 5
    with pytest.raises(InputError, match="already stored"):
        armed.record(FIREARMS, deps[:1])


def test_other_roles_are_refused_and_the_refusal_audited(wired) -> None:
    engine, _, register, scpo, armed = wired
    dispatcher = Actor("pc.jones", Role.DISPATCHER)
    with pytest.raises(PermissionDenied):
        register.list_groups(dispatcher)
    with pytest.raises(PermissionDenied):
        scpo.orders(Actor("ppo", Role.PUBLIC_PROTECTION))
    with pytest.raises(PermissionDenied):
        armed.analyse(SOC)
    assert _count(engine, ocg_groups) == 0
    with engine.connect() as c:
        outcomes = [r.outcome for r in c.execute(sa.select(audit_log.c.outcome))]
    assert outcomes.count("refused") == 3
