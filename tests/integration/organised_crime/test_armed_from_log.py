"""Armed deployments derived from the stored incident log and unit register (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner
from watchkeeper.access.model import Actor, Role
from watchkeeper.armed_policing.config import load_policy
from watchkeeper.armed_policing.model import ArmedDeployment
from watchkeeper.armed_policing.services import ArmedResponseAnalysis
from watchkeeper.dispatch.register import RegisteredUnit
from watchkeeper.dispatch.units import UnitKind, UnitStatus
from watchkeeper.incidents.entries import (
    Arrived,
    CallSource,
    EnRoute,
    FirearmsAuthorised,
    Location,
    Opened,
    ResourceAssigned,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import PermissionDenied
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence import schema
from watchkeeper.persistence.engine import create_engine_for
from watchkeeper.persistence.repository import SqlIncidentRepository
from watchkeeper.persistence.soc_store import SqlArmedUnitOfWork
from watchkeeper.persistence.tables import audit_log
from watchkeeper.persistence.tables_soc import armed_deployments
from watchkeeper.persistence.unit_store import SqlUnitStore
from watchkeeper.persistence.uow import SqlUnitOfWork

T0 = datetime(2026, 4, 1, 20, 0, tzinfo=UTC)
FIREARMS = Actor("ch.insp.ward", Role.FIREARMS_COMMANDER, channel="api")


def at(minute: float) -> datetime:
    return T0 + timedelta(minutes=minute)


def _unit(call_sign: str, skills: set[str]) -> RegisteredUnit:
    return RegisteredUnit(call_sign, UnitKind.VEHICLE, frozenset(skills), 2, "Wolverhampton",
                          None, None, UnitStatus.AVAILABLE, None, T0)  # fmt: skip


def _incident(ref: str, start: float, *steps: tuple[float, object]) -> Incident:
    opened = Opened(CallSource.EMERGENCY_999, Location("1 High St", "Wolverhampton"), "weapons")
    log = Incident.open(IncidentId(ref), opened, at(start), "handler", at(start))
    for minute, payload in steps:
        log.record(payload, at(minute), "dispatcher", at(minute))  # type: ignore[arg-type]
    return log


@pytest.fixture
def wired(database_url: str):
    schema.upgrade(database_url)
    engine = create_engine_for(database_url)
    signer = AuditSigner(b"k" * 32)
    clock = FixedClock(T0 + timedelta(days=1))
    with engine.begin() as c:
        SqlUnitStore(c).add(_unit("ARV-1", {"arv", "response"}))
        SqlUnitStore(c).add(_unit("PC-9", {"response"}))
        repo = SqlIncidentRepository(c)
        repo.add(_incident("INC-A", 0, (2, ResourceAssigned("ARV-1")),
                           (3, FirearmsAuthorised("Insp 4412")), (12, Arrived("ARV-1"))))  # fmt: skip
        repo.add(_incident("INC-B", 60, (61, FirearmsAuthorised("Insp 4412"))))  # no ARV yet
        repo.add(_incident("INC-C", 120, (121, ResourceAssigned("PC-9")), (130, Arrived("PC-9"))))
    service = ArmedResponseAnalysis(
        partial(SqlArmedUnitOfWork, engine, signer), clock, load_policy(),
        partial(SqlUnitOfWork, engine, signer, immediate=True),
    )  # fmt: skip
    yield engine, service
    engine.dispose()


def _rows(engine: sa.Engine) -> list[sa.Row]:
    with engine.connect() as c:
        return list(
            c.execute(sa.select(armed_deployments).order_by(armed_deployments.c.deployment_id))
        )


def test_deriving_stores_the_armed_incidents_once_and_again_changes_nothing(wired) -> None:
    engine, service = wired
    first = service.derive_from_log(FIREARMS)
    assert (first.armed_incidents, first.added, first.updated, first.unchanged) == (2, 1, 0, 0)
    assert [s.incident_ref for s in first.skipped] == ["INC-B"]
    rows = _rows(engine)
    assert [(r.deployment_id, r.arv, r.call_at, r.authorised_at, r.dispatched_at, r.arrived_at)
            for r in rows] == [("log-INC-A", "ARV-1", at(0), at(3), at(2), at(12))]  # fmt: skip
    again = service.derive_from_log(FIREARMS)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    assert len(_rows(engine)) == 1
    analysis = service.analyse(FIREARMS)
    assert analysis.attended == 1 and analysis.overall is not None
    assert analysis.overall.median == 12.0
    with engine.connect() as c:
        actions = [r.action for r in c.execute(sa.select(audit_log.c.action))]
    assert actions.count("armed.derive") == 2


def test_a_log_that_moves_on_updates_its_deployment_in_place(wired) -> None:
    engine, service = wired
    service.derive_from_log(FIREARMS)
    with engine.begin() as c:
        repo = SqlIncidentRepository(c)
        log = repo.get(IncidentId("INC-B"))
        log.record(ResourceAssigned("ARV-1"), at(62), "dispatcher", at(62))
        log.record(EnRoute("ARV-1"), at(63), "dispatcher", at(63))
        repo.append(log, expected_version=2)
    result = service.derive_from_log(FIREARMS)
    assert (result.added, result.updated, result.skipped) == (1, 0, ())
    with engine.begin() as c:
        repo = SqlIncidentRepository(c)
        log = repo.get(IncidentId("INC-B"))
        log.record(Arrived("ARV-1"), at(70), "dispatcher", at(70))
        repo.append(log, expected_version=4)
    result = service.derive_from_log(FIREARMS)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 1)
    b = [r for r in _rows(engine) if r.incident_ref == "INC-B"]
    assert len(b) == 1 and b[0].arrived_at == at(70) and b[0].en_route_at == at(63)


def test_a_deployment_entered_by_hand_is_kept_and_not_counted_twice(wired) -> None:
    engine, service = wired
    service.record(FIREARMS, [ArmedDeployment("D-1", "INC-A", "ARV-1", "Wolverhampton", at(0),
                                              arrived_at=at(14))])  # fmt: skip
    result = service.derive_from_log(FIREARMS)
    assert (result.added, result.entered_by_hand) == (0, 1)
    assert [r.deployment_id for r in _rows(engine)] == ["D-1"]


def test_the_period_limits_which_incidents_are_read(wired) -> None:
    engine, service = wired
    result = service.derive_from_log(FIREARMS, at(30), at(200))
    assert (result.armed_incidents, result.added) == (1, 0)  # only INC-B, still skipped
    assert _rows(engine) == []


def test_roles_without_the_record_permission_are_refused_and_nothing_is_written(wired) -> None:
    engine, service = wired
    with pytest.raises(PermissionDenied):
        service.derive_from_log(Actor("pc.1", Role.DISPATCHER))
    assert _rows(engine) == []
