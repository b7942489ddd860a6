"""The SQL unit register: units round-trip, updates are version-checked, the marker moves."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.dispatch.register import RegisteredUnit
from watchkeeper.dispatch.units import UnitKind, UnitStatus
from watchkeeper.kernel.errors import ConcurrencyConflict, InputError, NotFound
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence.uow import SqlUnitOfWork

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def unit(call_sign="CE01", **changes):
    base = RegisteredUnit(
        call_sign=call_sign,
        kind=UnitKind.VEHICLE,
        skills=frozenset({"response", "double-crewed"}),
        crew_size=2,
        area="central",
        shift_start=T0,
        shift_end=T0 + timedelta(hours=10),
        status=UnitStatus.AVAILABLE,
        position=Point(52.48, -1.89),
        updated_at=T0,
    )
    return replace(base, **changes)


def test_a_registered_unit_reads_back_exactly_as_stored(engine):
    stored = unit(position=None, shift_start=None)
    with SqlUnitOfWork(engine) as uow:
        uow.units.add(stored)
        uow.units.add(unit("AB02", skills=frozenset({"response", "arv"})))
        uow.commit()

    with SqlUnitOfWork(engine) as uow:
        assert uow.units.get("CE01") == stored
        assert [u.call_sign for u in uow.units.all()] == ["AB02", "CE01"]
        assert uow.units.get("AB02").skills == frozenset({"response", "arv"})


def test_registering_a_call_sign_twice_is_refused(engine):
    with SqlUnitOfWork(engine) as uow:
        uow.units.add(unit())
        with pytest.raises(InputError, match="CE01"):
            uow.units.add(unit())


def test_an_unknown_call_sign_is_not_found_by_name(engine):
    with SqlUnitOfWork(engine) as uow, pytest.raises(NotFound, match="ZZ9"):
        uow.units.get("ZZ9")


def test_an_update_applies_at_the_expected_version_and_is_refused_on_a_stale_one(engine):
    with SqlUnitOfWork(engine) as uow:
        uow.units.add(unit())
        uow.commit()
    assigned = unit().assigned_to(IncidentId("INC-1"), "burglary", T0 + timedelta(minutes=5))
    with SqlUnitOfWork(engine) as uow:
        uow.units.update(assigned, expected_version=1)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        stored = uow.units.get("CE01")
        with pytest.raises(ConcurrencyConflict, match="version 1"):
            uow.units.update(replace(stored, version=3), expected_version=1)

    assert (stored.status, stored.incident_id, stored.job_category, stored.version) == (
        UnitStatus.ASSIGNED,
        "INC-1",
        "burglary",
        2,
    )


def test_nothing_is_stored_without_a_commit(engine):
    with SqlUnitOfWork(engine) as uow:
        uow.units.add(unit())  # rolled back on leaving the block
    with SqlUnitOfWork(engine) as uow:
        assert uow.units.all() == []


def test_the_change_marker_moves_with_every_stored_change_and_only_then(engine):
    with SqlUnitOfWork(engine) as uow:
        empty = uow.units.change_marker()
        uow.units.add(unit())
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        added = uow.units.change_marker()
        again = uow.units.change_marker()
        moved = unit().moved_to(UnitStatus.UNAVAILABLE, T0 + timedelta(minutes=1))
        uow.units.update(moved, expected_version=1)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        updated = uow.units.change_marker()

    assert empty == (0, 0)
    assert added == again == (1, 1)
    assert updated == (1, 2)
