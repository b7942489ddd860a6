"""Trace validation: every bad record is refused naming its index and the column."""

from __future__ import annotations

import math

import pytest

from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.roster import UnitGroup, build_roster
from watchkeeper.simulation.trace import mask_of, names_of, planar_km


def test_receipts_out_of_order_are_refused_naming_the_record(make_trace):
    rows = [{"t": 0.0, "service": 1.0}, {"t": 5.0, "service": 1.0}, {"t": 4.0, "service": 1.0}]
    with pytest.raises(InputError, match=r"trace record 2: 'received' is earlier than the record"):
        make_trace(rows)


def test_a_negative_on_scene_time_is_refused_naming_the_column(make_trace):
    with pytest.raises(InputError, match=r"trace record 1: 'service' must be >= 0"):
        make_trace([{"t": 0.0, "service": 1.0}, {"t": 1.0, "service": -3.0}])


def test_a_negative_observed_travel_time_is_refused(make_trace):
    with pytest.raises(InputError, match=r"trace record 0: 'travel' must be >= 0"):
        make_trace([{"t": 0.0, "service": 1.0, "travel": -1.0}])


def test_an_unknown_grade_code_is_refused(make_trace):
    with pytest.raises(InputError, match=r"trace record 0: 'grade' must be a code in 0..2"):
        make_trace([{"t": 0.0, "service": 1.0, "grade": 3, "target": 10.0}])


def test_a_receipt_before_the_origin_is_refused(make_trace):
    with pytest.raises(InputError, match=r"trace record 0: 'received' is before the trace origin"):
        make_trace([{"t": -1.0, "service": 1.0}])


def test_skills_round_trip_through_their_bit_mask():
    vocabulary = ("response", "double-crewed", "arv")
    mask = mask_of(["arv", "response"], vocabulary, "skills")
    assert mask == 0b101
    assert names_of(mask, vocabulary) == ("response", "arv")
    with pytest.raises(InputError, match=r"roster\.units\[0\]\.skills: unknown skill 'dog'"):
        mask_of(["dog"], vocabulary, "roster.units[0].skills")


def test_the_planar_frame_measures_kilometres_near_the_centre():
    x, y = planar_km(52.49, -1.89, (52.48, -1.89))
    assert x == pytest.approx(0.0)
    assert y == pytest.approx(1.113, abs=0.01)
    x, _ = planar_km(52.48, -1.88, (52.48, -1.89))
    assert x == pytest.approx(0.678, abs=0.01)  # a degree of longitude shrinks with latitude


def test_head_keeps_the_first_incidents_and_the_vocabularies(make_trace):
    trace = make_trace([{"t": float(t), "service": 1.0} for t in range(5)])
    head = trace.head(2)
    assert len(head) == 2 and head.skill_names == trace.skill_names
    assert head.horizon == 1.0


def test_a_roster_with_no_units_is_refused_naming_the_key():
    with pytest.raises(InputError, match=r"roster\.units: the roster has no units"):
        build_roster([UnitGroup("a", 0, ("response",))], ("response",), {"a": (0.0, 0.0)})


def test_a_roster_counts_duty_minutes_across_midnight():
    roster = build_roster(
        [UnitGroup("a", 1, ("response",), shift_start=22 * 60.0, shift_hours=10)],
        ("response",),
        {"a": (0.0, 0.0)},
    )
    assert bool(roster.on_duty(0.0)[0]) and not bool(roster.on_duty(9 * 60.0)[0])
    assert roster.duty_minutes(0.0, 1440.0)[0] == pytest.approx(600.0)
    assert roster.duty_minutes(0.0, 2 * 1440.0)[0] == pytest.approx(1200.0)
    assert math.isclose(roster.duty_minutes(60.0, 120.0)[0], 60.0)
