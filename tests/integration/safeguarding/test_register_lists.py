"""The registers' lists at the service, on both engines: their order, their limit against
the total, the people's names, refusals by role and by status, and the audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.integration.safeguarding.conftest import (
    HANDLER,
    PPO,
    SUPERVISOR,
    audit_actions,
    person,
)

from watchkeeper.kernel.errors import InputError, PermissionDenied
from watchkeeper.safeguarding.da_records import NewDaCase
from watchkeeper.safeguarding.offender_records import NewOffender
from watchkeeper.safeguarding.service_core import Assignment


def test_the_da_list_is_longest_open_first_and_its_total_counts_past_the_limit(sg, app, clock):
    for ref, given in (("V-1", "Ann"), ("V-2", "Bea"), ("V-3", "Cal")):
        sg.people.record_person(PPO, person(ref, given, "Example", date(1990, 5, 17)))
    for case_ref, victim in (("DA-B", "V-2"), ("DA-A", "V-1"), ("DA-C", "V-3")):
        sg.domestic_abuse.open_case(PPO, NewDaCase(case_ref, victim, Assignment("ppo", "sgt")))
        clock.advance(timedelta(minutes=5))  # opened in this order: B, then A, then C

    two = sg.domestic_abuse.list_cases(PPO, "open", limit=2)
    assert [c.case_ref for c in two.rows] == ["DA-B", "DA-A"] and two.total == 3
    assert dict(two.names) == {"V-2": "Bea Example", "V-1": "Ann Example"}
    assert sg.domestic_abuse.list_cases(SUPERVISOR).total == 3
    closed = sg.domestic_abuse.list_cases(PPO, "closed")
    assert (closed.rows, closed.total) == ((), 0)
    with pytest.raises(InputError, match="field: status"):
        sg.domestic_abuse.list_cases(PPO, "archived")
    with pytest.raises(PermissionDenied):
        sg.domestic_abuse.list_cases(HANDLER)
    listed = [(who, outcome) for who, action, outcome in audit_actions(app)
              if action == "da-case.list"]  # fmt: skip
    assert ("ppo", "ok") in listed and ("sgt", "ok") in listed
    handler = {outcome for who, _, outcome in audit_actions(app) if who == "handler"}
    assert handler and "ok" not in handler  # the refusal is audited, and nothing was read


def test_the_offender_list_is_by_reference_with_names_and_its_limit(sg, clock):
    sg.people.record_person(PPO, person("O-1", "Rob", "Marsh", date(1975, 2, 3)))
    for ref in ("RSO-2", "RSO-1"):
        sg.offenders.register(PPO, NewOffender(ref, "O-1", clock.now().date(), "medium", 1, 1,
                                               "sgt", "ppo"))  # fmt: skip
    listed = sg.offenders.list_offenders(PPO, limit=1)
    assert [o.offender_ref for o in listed.rows] == ["RSO-1"] and listed.total == 2
    assert dict(listed.names) == {"O-1": "Rob Marsh"}
    with pytest.raises(PermissionDenied):
        sg.offenders.list_offenders(SUPERVISOR)  # offenders are not the control room's
    assert sg.offenders.list_offenders(PPO, "ended").total == 0
