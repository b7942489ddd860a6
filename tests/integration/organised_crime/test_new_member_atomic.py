"""A new person added as a member: filed on the nominal index and linked in one transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial

import pytest
import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner
from watchkeeper.access.model import Actor, Role
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import DomainRuleViolation, InputError, PermissionDenied
from watchkeeper.organised_crime.config import load_policy
from watchkeeper.organised_crime.services import SocRegister
from watchkeeper.people.model import Person, PersonName
from watchkeeper.persistence import schema
from watchkeeper.persistence.engine import create_engine_for
from watchkeeper.persistence.soc_store import SqlSocUnitOfWork
from watchkeeper.persistence.tables import audit_log
from watchkeeper.persistence.tables_safeguarding import people
from watchkeeper.persistence.uow import SqlUnitOfWork

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SOC = Actor("di.khan", Role.SOC_OFFICER, channel="web")


@pytest.fixture
def wired(database_url: str):
    schema.upgrade(database_url)
    engine = create_engine_for(database_url)
    signer = AuditSigner(b"k" * 32)
    writer = partial(SqlUnitOfWork, engine, signer, immediate=True)
    register = SocRegister(partial(SqlSocUnitOfWork, engine, signer), FixedClock(T0),
                           load_policy(), writer)  # fmt: skip
    yield engine, register
    engine.dispose()


def _people(engine) -> set[str]:
    with engine.connect() as c:
        return {r.person_ref for r in c.execute(sa.select(people.c.person_ref))}


def _actions(engine) -> list[str]:
    with engine.connect() as c:
        return [r.action for r in c.execute(sa.select(audit_log.c.action))]


def _person(ref: str) -> Person:
    return Person(ref, (PersonName("Jordan", "Okafor"),), date(1994, 5, 17))


def test_the_person_and_the_membership_are_written_together_and_audited(wired) -> None:
    engine, register = wired
    gid = register.register_group(SOC, "Ridge Lane", ("drug-supply",), ("north",)).group_id
    group = register.add_new_member(SOC, gid, _person("P-NEW-1"), "principal")
    assert [(m.person_ref, m.role) for m in group.members] == [("P-NEW-1", "principal")]
    assert "P-NEW-1" in _people(engine)
    assert register.show_group(SOC, gid).group.members == group.members
    actions = _actions(engine)
    assert actions.count("person.record") == 1 and actions.count("ocg.member") == 1


def test_a_refused_membership_leaves_no_person_on_the_index(wired) -> None:
    engine, register = wired
    gid = register.register_group(SOC, "Ridge Lane", ("drug-supply",), ("north",)).group_id
    # The second step (the membership) fails after the person was filed in the transaction.
    with pytest.raises(InputError, match="role"):
        register.add_new_member(SOC, gid, _person("P-NEW-2"), "kingpin")
    assert "P-NEW-2" not in _people(engine)
    assert "person.record" not in _actions(engine)
    assert register.show_group(SOC, gid).group.members == ()


def test_a_closed_group_refuses_the_member_and_files_nobody(wired) -> None:
    engine, register = wired
    gid = register.register_group(SOC, "Canal Crew", ("fraud",), ("east",)).group_id
    register.change_state(SOC, gid, "archived", "dismantled")
    with pytest.raises(DomainRuleViolation):
        register.add_new_member(SOC, gid, _person("P-NEW-3"), "member")
    assert "P-NEW-3" not in _people(engine)


def test_the_same_person_twice_is_refused_and_the_group_unchanged(wired) -> None:
    _, register = wired
    gid = register.register_group(SOC, "Mill Street", ("fraud",), ("west",)).group_id
    register.add_new_member(SOC, gid, _person("P-NEW-4"), "member")
    other = register.register_group(SOC, "Second", ("fraud",), ("west",)).group_id
    with pytest.raises(InputError, match="already on the index"):
        register.add_new_member(SOC, other, _person("P-NEW-4"), "member")
    assert register.show_group(SOC, other).group.members == ()


def test_a_role_without_people_management_is_refused(wired) -> None:
    engine, register = wired
    gid = register.register_group(SOC, "Ridge Lane", ("drug-supply",), ("north",)).group_id
    firearms = Actor("ch.insp.ward", Role.FIREARMS_COMMANDER, channel="web")
    with pytest.raises(PermissionDenied):
        register.add_new_member(firearms, gid, _person("P-NEW-5"), "member")
    assert "P-NEW-5" not in _people(engine)
