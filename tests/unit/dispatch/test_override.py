"""Accepting a pick or overriding it yields the log entry; invalid overrides are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.dispatch.config import SkillNeeds
from watchkeeper.dispatch.demand import DispatchDemand
from watchkeeper.dispatch.override import accepted_entry, override_entry
from watchkeeper.dispatch.reasons import Pick, Reason
from watchkeeper.dispatch.units import Unit, UnitKind, UnitStatus
from watchkeeper.incidents.entries import ResourceAssigned
from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.kernel.ids import IncidentId

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
ARMED = DispatchDemand(
    IncidentId("INC-1"), 60.0, NOW, None, "north", "urban", "weapons",
    SkillNeeds(frozenset({"response", "arv"})),
)  # fmt: skip


def unit(status=UnitStatus.AVAILABLE, skills=("response", "arv"), shift_end=None):
    return Unit("X99", UnitKind.VEHICLE, frozenset(skills), status, None, shift_end, "north")


def test_an_override_returns_the_assignment_entry_with_the_reason():
    entry = override_entry(ARMED, unit(), NOW, "crew already at the address", recommended="X12")
    assert entry == ResourceAssigned(
        "X99", "dispatcher override instead of recommended X12: crew already at the address"
    )


def test_an_override_without_a_reason_is_refused():
    with pytest.raises(InputError):
        override_entry(ARMED, unit(), NOW, "  ")


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (unit(UnitStatus.ON_SCENE), "on-scene"),
        (unit(skills=("response",)), "lacks required skill"),
        (unit(shift_end=NOW - timedelta(minutes=1)), "shift has ended"),
    ],
)
def test_an_override_to_an_unsuitable_unit_is_refused(chosen, message):
    with pytest.raises(DomainRuleViolation, match=message):
        override_entry(ARMED, chosen, NOW, "dispatcher knows best")


def test_accepting_a_pick_keeps_its_reason_codes_in_the_log():
    pick = Pick(
        IncidentId("INC-1"), "X12", 4.0, 0.0, (Reason("risk", "score 60"), Reason("on-time", ""))
    )
    assert accepted_entry(pick) == ResourceAssigned("X12", "recommended (risk, on-time)")
