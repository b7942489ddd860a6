"""The demo roster: every area covered, specialists present, seeded and plausible."""

from __future__ import annotations

from datetime import UTC, datetime

from watchkeeper.dispatch.roster import demo_roster
from watchkeeper.dispatch.units import UnitStatus
from watchkeeper.kernel.geo import Point, haversine_km

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
CENTRES = {"central": Point(52.48, -1.89), "north": Point(52.525, -1.89)}


def test_every_area_gets_response_and_da_trained_units_and_the_force_its_specialists():
    roster = demo_roster(CENTRES, NOW, seed=7)
    by_area = {a: [u for u in roster if u.area == a] for a in CENTRES}

    for units in by_area.values():
        assert sum("da-trained" in u.skills for u in units) >= 1
        assert sum(u.skills == frozenset({"response"}) for u in units) >= 1
    assert sum("arv" in u.skills for u in roster) == 2
    assert len({u.call_sign for u in roster}) == len(roster)


def test_units_start_near_their_area_on_shift_and_mostly_available():
    roster = demo_roster(CENTRES, NOW, seed=7)

    assert all(haversine_km(u.position, CENTRES[u.area]) < 3.0 for u in roster if u.position)
    assert all(u.shift_start <= NOW < u.shift_end for u in roster)
    assert sum(u.status is UnitStatus.AVAILABLE for u in roster) > len(roster) / 2


def test_the_same_seed_gives_the_same_roster():
    assert demo_roster(CENTRES, NOW, seed=3) == demo_roster(CENTRES, NOW, seed=3)
