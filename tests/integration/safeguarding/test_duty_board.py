"""The duty board on each engine: my work, the supervisor's overdue list, escalation, reassign."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.integration.safeguarding.conftest import PPO, PPO2, SUPERVISOR, person

from watchkeeper.access.model import Actor, Role
from watchkeeper.kernel.errors import DomainRuleViolation, PermissionDenied
from watchkeeper.safeguarding.da_records import NewDaCase
from watchkeeper.safeguarding.service_core import Assignment


@pytest.fixture
def case(sg):
    sg.people.record_person(PPO, person("V-1"))
    sg.domestic_abuse.open_case(PPO, NewDaCase("DA-1", "V-1", Assignment("ppo", "sgt")))
    return "DA-1/dash-completion/1"


def test_a_new_duty_is_on_the_owners_list_with_an_alert_until_acknowledged(sg, case):
    assert [i.duty.duty_id for i in sg.duties.my_work(PPO)] == [case]
    assert [a.kind.value for a in sg.duties.alerts(PPO)] == ["assigned"]

    sg.duties.acknowledge(PPO, case)

    assert sg.duties.alerts(PPO) == ()


def test_only_the_owner_can_acknowledge(sg, case):
    with pytest.raises(DomainRuleViolation, match="only the owner"):
        sg.duties.acknowledge(PPO2, case)


def test_an_ignored_overdue_duty_reaches_the_supervisor_once(sg, case, clock):
    clock.advance(timedelta(hours=24 + 4, minutes=1))  # due 24 h, escalates 4 h after

    assert [i.duty.duty_id for i in sg.duties.overdue_for_supervisor(SUPERVISOR)] == [case]
    assert [e.to for e in sg.duties.escalate_due(SUPERVISOR)] == ["sgt"]
    assert sg.duties.escalate_due(SUPERVISOR) == ()  # recorded, not repeated


def test_an_acknowledged_overdue_duty_stays_on_the_supervisors_list(sg, case, clock):
    clock.advance(timedelta(hours=29))
    sg.duties.acknowledge(PPO, case)

    assert [i.duty.duty_id for i in sg.duties.overdue_for_supervisor(SUPERVISOR)] == [case]
    assert sg.duties.escalate_due(SUPERVISOR) == ()


def test_reassigning_needs_a_reason_and_moves_the_duty_with_its_history(sg, case):
    with pytest.raises(DomainRuleViolation, match="reason"):
        sg.duties.reassign(SUPERVISOR, case, "ppo2", " ")

    sg.duties.reassign(SUPERVISOR, case, "ppo2", "ppo on leave")

    assert sg.duties.my_work(PPO) == ()
    [item] = sg.duties.my_work(PPO2)
    assert [e.kind.value for e in item.duty.history] == ["created", "reassigned"]


def test_the_force_wide_overdue_list_is_for_duty_managers_only(sg, case, clock):
    clock.advance(timedelta(hours=25))
    assert [d.duty_id for d in sg.duties.overdue(PPO)] == [case]

    with pytest.raises(PermissionDenied):
        sg.duties.overdue(Actor("analyst", Role.ANALYST))
