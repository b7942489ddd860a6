"""The unit register's records: validation, allowed status moves, the dispatch view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.dispatch.register import TRANSITIONS, RegisteredUnit, check_skills
from watchkeeper.dispatch.units import UnitKind, UnitStatus
from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import IncidentId

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
S = UnitStatus


def unit(status=S.AVAILABLE, **changes):
    values = {
        "call_sign": "CE01",
        "kind": UnitKind.VEHICLE,
        "skills": frozenset({"response"}),
        "crew_size": 1,
        "area": "central",
        "shift_start": NOW - timedelta(hours=1),
        "shift_end": NOW + timedelta(hours=9),
        "status": status,
        "position": Point(52.48, -1.89),
        "updated_at": NOW,
    }
    return RegisteredUnit(**(values | changes))


@pytest.mark.parametrize(
    ("changes", "names"),
    [
        ({"call_sign": "has space"}, "call sign"),
        ({"call_sign": ""}, "call sign"),
        ({"crew_size": 0}, "crew size"),
        ({"crew_size": 13}, "crew size"),
        ({"shift_end": NOW - timedelta(hours=2)}, "end after it starts"),
    ],
)
def test_a_malformed_unit_is_refused_naming_the_field(changes, names):
    with pytest.raises(InputError, match=names):
        unit(**changes)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="naive"):
        unit(updated_at=datetime(2026, 3, 1, 8, 0))


@pytest.mark.parametrize("start", list(S))
@pytest.mark.parametrize("end", list(S))
def test_every_status_move_is_allowed_exactly_when_the_table_says(start, end):
    before = unit(start)
    allowed = end in TRANSITIONS[start]
    if allowed:
        after = before.moved_to(end, NOW + timedelta(minutes=1))
        assert (after.status, after.version) == (end, 2)
    else:
        with pytest.raises(DomainRuleViolation):
            before.moved_to(end, NOW + timedelta(minutes=1))


def test_no_status_change_leads_to_assigned_assignment_needs_an_incident():
    assert all(S.ASSIGNED not in moves for moves in TRANSITIONS.values())


def test_assigning_records_the_incident_and_freeing_clears_it():
    assigned = unit().assigned_to(IncidentId("INC-1"), "violence", NOW)
    freed = assigned.moved_to(S.AVAILABLE, NOW + timedelta(minutes=40), Point(52.5, -1.9))

    assert (assigned.status, assigned.incident_id, assigned.job_category) == (
        S.ASSIGNED,
        "INC-1",
        "violence",
    )
    assert (freed.incident_id, freed.job_category, freed.position) == (
        None,
        None,
        Point(52.5, -1.9),
    )


def test_only_an_available_unit_can_be_assigned():
    with pytest.raises(DomainRuleViolation, match="unavailable"):
        unit(S.UNAVAILABLE).assigned_to(IncidentId("INC-1"), "theft", NOW)


def test_before_its_shift_starts_a_unit_is_unavailable_to_dispatch():
    later = unit(shift_start=NOW + timedelta(hours=2), shift_end=NOW + timedelta(hours=12))

    assert later.as_unit(NOW).status is S.UNAVAILABLE
    assert later.as_unit(NOW + timedelta(hours=3)).status is S.AVAILABLE


def test_unknown_skills_are_refused_with_the_known_ones_listed():
    with pytest.raises(InputError, match=r"jetpack.*known: arv, response"):
        check_skills("CE01", ["response", "jetpack"], frozenset({"response", "arv"}))
