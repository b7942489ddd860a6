"""Units: status, skills and shift."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from watchkeeper.dispatch.units import Unit, UnitKind, UnitStatus
from watchkeeper.kernel.errors import InputError

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def make(status=UnitStatus.AVAILABLE, shift_end=None, call_sign="B21"):
    return Unit(
        call_sign,
        UnitKind.OFFICER,
        frozenset({"response", "dog"}),
        status,
        None,
        shift_end,
        "north",
    )


def test_a_unit_holds_a_set_of_skills():
    assert make().has_skills(frozenset({"dog"}))
    assert not make().has_skills(frozenset({"arv"}))


def test_a_unit_is_off_duty_once_its_shift_ends_or_when_unavailable():
    assert make(shift_end=NOW + timedelta(minutes=1)).on_shift(NOW)
    assert not make(shift_end=NOW).on_shift(NOW)
    assert not make(UnitStatus.UNAVAILABLE).on_shift(NOW)
    assert make().minutes_left_on_shift(NOW) == float("inf")


def test_shift_ends_are_normalised_to_utc_and_naive_times_refused():
    local = datetime(2026, 11, 21, 4, 0, tzinfo=timezone(timedelta(hours=2)))
    assert make(shift_end=local).shift_end == NOW
    with pytest.raises(ValueError, match="naive"):
        make(shift_end=datetime(2026, 11, 21, 4, 0))


def test_only_assigned_en_route_and_on_scene_units_are_committed():
    committed = {s for s in UnitStatus if make(s).is_committed}
    assert committed == {UnitStatus.ASSIGNED, UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE}


def test_a_unit_needs_a_call_sign():
    with pytest.raises(InputError):
        make(call_sign=" ")
