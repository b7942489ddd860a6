"""Properties of every run, on random small traces and rosters (Hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchkeeper.simulation.engine import simulate
from watchkeeper.simulation.roster import DAY_MINUTES

incident = st.fixed_dictionaries(
    {
        "gap": st.floats(0.0, 120.0, allow_nan=False),
        "x": st.floats(-10.0, 10.0, allow_nan=False),
        "y": st.floats(-10.0, 10.0, allow_nan=False),
        "service": st.floats(0.0, 180.0, allow_nan=False),
        "grade": st.integers(0, 2),
        "risk": st.floats(0.0, 80.0, allow_nan=False),
        "skills": st.sampled_from([1, 1, 3]),
    }
)
unit = st.fixed_dictionaries(
    {
        "x": st.floats(-10.0, 10.0, allow_nan=False),
        "start": st.integers(0, 23).map(lambda h: h * 60.0),
        "hours": st.sampled_from([8.0, 10.0, 12.0, 24.0]),
        "skills": st.sampled_from([("response",), ("response", "double-crewed")]),
    }
)


def _inputs(incidents, units, trace_of, roster_of):
    t, rows = 0.0, []
    for row in incidents:
        t += row["gap"]
        rows.append({**row, "t": t})
    units = [*units, {"x": 0.0, "skills": ("response", "double-crewed"), "hours": 24.0}]
    return trace_of(rows), roster_of(units)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    incidents=st.lists(incident, min_size=1, max_size=30),
    units=st.lists(unit, max_size=4),
    policy=st.sampled_from(["status-quo", "watchkeeper"]),
)
def test_no_unit_serves_two_incidents_at_once_and_none_is_sent_early_or_off_duty(
    make_trace, make_roster, bundled_sim_config, incidents, units, policy
):
    trace, roster = _inputs(incidents, units, make_trace, make_roster)
    result = simulate(trace, roster, policy, seed=1, config=bundled_sim_config)
    assert np.isfinite(result.dispatched).all()  # a 24-hour unit with every skill exists
    assert (result.dispatched >= trace.received).all()
    assert (result.arrived >= result.dispatched).all()
    jobs = defaultdict(list)
    for i, u in enumerate(result.unit.tolist()):
        assert trace.skills[i] & roster.skills[u] == trace.skills[i]
        phase = (result.dispatched[i] + roster.clock_offset - roster.shift_start[u]) % DAY_MINUTES
        assert phase < roster.shift_length[u]  # on duty when sent
        clear = result.dispatched[i] + (result.travel[i] + trace.service[i])  # as the engine
        jobs[u].append((result.dispatched[i], clear))
    for spans in jobs.values():
        spans.sort()
        for (_, clear), (next_start, _) in pairwise(spans):
            assert next_start >= clear


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(incidents=st.lists(incident, min_size=1, max_size=25), units=st.lists(unit, max_size=3))
def test_status_quo_keeps_grade_order_among_incidents_waiting_together(
    make_trace, make_roster, bundled_sim_config, incidents, units
):
    # Two incidents with the same skills both waiting when a unit is sent: the one sent
    # first is of a higher (smaller code) or equal grade, and if equal, received earlier.
    trace, roster = _inputs(incidents, units, make_trace, make_roster)
    result = simulate(trace, roster, "status-quo", seed=1, config=bundled_sim_config)
    order = np.argsort(result.dispatched, kind="stable")
    for a_pos, a in enumerate(order):
        for b in order[a_pos + 1 :]:
            both_waiting = (
                trace.received[b] < result.dispatched[a]
                and result.dispatched[b] > result.dispatched[a]
            )
            same_needs = trace.skills[a] == trace.skills[b]
            if both_waiting and same_needs and result.waits[a] > 0:
                key_a = (trace.grade[a], trace.received[a])
                key_b = (trace.grade[b], trace.received[b])
                assert key_a <= key_b


crewed_incident = st.fixed_dictionaries(
    {
        "gap": st.floats(0.0, 60.0, allow_nan=False),
        "x": st.floats(-10.0, 10.0, allow_nan=False),
        "y": st.floats(-10.0, 10.0, allow_nan=False),
        "service": st.floats(0.0, 180.0, allow_nan=False),
        "grade": st.integers(0, 2),
        "risk": st.floats(0.0, 80.0, allow_nan=False),
        "skills": st.sampled_from([1, 1, 3]),
        "crew": st.sampled_from([1, 1, 2, 2, 3]),
    }
)
crewed_unit = st.fixed_dictionaries(
    {
        "x": st.floats(-10.0, 10.0, allow_nan=False),
        "start": st.integers(0, 23).map(lambda h: h * 60.0),
        "hours": st.sampled_from([8.0, 12.0, 24.0]),
        "skills": st.sampled_from([("response",), ("response", "double-crewed")]),
        "crew": st.sampled_from([None, 2, 3]),
    }
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    incidents=st.lists(crewed_incident, min_size=1, max_size=30),
    units=st.lists(crewed_unit, max_size=5),
    policy=st.sampled_from(["status-quo", "watchkeeper"]),
)
def test_no_incident_is_attended_by_an_under_strength_crew(
    make_trace, make_roster, bundled_sim_config, incidents, units, policy
):
    t, rows = 0.0, []
    for row in incidents:
        t += row["gap"]
        rows.append({**row, "t": t})
    # Every skill and three officers always on duty: every incident can be crewed.
    always = {"x": 0.0, "skills": ("response", "double-crewed"), "hours": 24.0, "crew": 3}
    trace, roster = make_trace(rows), make_roster([*units, always])
    result = simulate(trace, roster, policy, seed=1, config=bundled_sim_config)
    assert np.isfinite(result.dispatched).all()
    sent = result.officers_sent(roster.officers)
    assert (sent >= trace.crew).all()  # never under strength
    jobs = defaultdict(list)
    for i in range(len(trace)):
        crew = result.units_of(i)
        assert crew and len(set(crew)) == len(crew) and result.unit[i] in crew
        clear = result.dispatched[i] + (result.travel[i] + trace.service[i])
        for u in crew:
            assert trace.skills[i] & roster.skills[u] == trace.skills[i]  # every unit holds them
            phase = (result.dispatched[i] + roster.clock_offset - roster.shift_start[u]) % (
                DAY_MINUTES
            )
            assert phase < roster.shift_length[u]  # on duty when sent
            jobs[u].append((result.dispatched[i], clear))
        # no spare unit: leaving out any one unit but the last would leave the crew short
        if len(crew) > 1:
            officers = roster.officers[list(crew)]
            assert (officers.sum() - officers[:-1] < trace.crew[i]).all()
    for spans in jobs.values():
        spans.sort()
        for (_, clear), (next_start, _) in pairwise(spans):
            assert next_start >= clear  # no unit on two incidents at once
