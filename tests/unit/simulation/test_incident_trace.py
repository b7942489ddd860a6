"""Incident states (here synthetic) become a trace; nothing is dropped without a count."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from watchkeeper.dispatch.config import bundled_dispatch_document, parse_dispatch_config
from watchkeeper.incidents.model import Status
from watchkeeper.incidents.risk import features_of
from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.crewing import bundled_crew_rules
from watchkeeper.simulation.incident_trace import scenario_inputs, trace_from_states
from watchkeeper.simulation.roster import UnitGroup
from watchkeeper.simulation.scenario import Scenario, TraceSource
from watchkeeper.simulation.trace import GRADE_CODES
from watchkeeper.synthetic.calibration import load_calibration
from watchkeeper.synthetic.config import load_synthetic_config
from watchkeeper.synthetic.generator import generate_incidents

START = datetime(2024, 3, 4, tzinfo=UTC)
CENTRE = (52.48, -1.89)


@pytest.fixture(scope="module")
def states(force_profile):
    incidents = generate_incidents(
        load_synthetic_config(),
        load_calibration(),
        force_profile,
        START + timedelta(hours=8),
        8.0,
        5,
        0.05,
    )
    return [incident.state for incident in incidents]


@pytest.fixture(scope="module")
def dispatch():
    return parse_dispatch_config(bundled_dispatch_document())


def test_every_incident_is_in_the_trace_or_counted_as_left_out(states, force_profile, dispatch):
    build = trace_from_states(states, force_profile, dispatch, origin=START, centre=CENTRE, seed=1)
    trace = build.trace
    assert len(trace) + sum(build.skipped.values()) == len(states)
    assert len(trace) > 10
    assert (np.diff(trace.received) >= 0).all()
    assert trace.received.min() >= 0 and trace.received.max() <= 8 * 60


def test_rows_carry_the_profile_targets_risk_points_and_required_skills(
    states, force_profile, dispatch
):
    trace = trace_from_states(
        states, force_profile, dispatch, origin=START, centre=CENTRE, seed=1
    ).trace
    kept = sorted(
        (
            s
            for s in states
            if s.grade is not None and s.duplicate_of is None and s.grade.grade in GRADE_CODES
        ),
        key=lambda s: s.logged_at,
    )
    first = kept[0]
    assert trace.received[0] == (first.logged_at - START) / timedelta(minutes=1)
    expected_target = force_profile.target_minutes(first.grade.grade, first.location.area)
    assert trace.target[0] == (math.inf if expected_target is None else expected_target)
    base = features_of([replace(first, status=Status.OPEN)], {}, force_profile).base_points[0]
    assert trace.risk[0] == pytest.approx(base)
    needs = dispatch.needs_for(first.opened.category, first.markers).required
    assert set(
        trace.skill_names[k] for k in range(len(trace.skill_names)) if int(trace.skills[0]) >> k & 1
    ) == set(needs) - {"double-crewed"}  # in the simulator, a crew of two (crewing.py)


def test_rows_carry_the_officers_the_crewing_rules_need(states, force_profile, dispatch):
    rules = bundled_crew_rules()
    trace = trace_from_states(
        states, force_profile, dispatch, origin=START, centre=CENTRE, seed=1, crewing=rules
    ).trace
    kept = sorted(
        (
            s
            for s in states
            if s.grade is not None and s.duplicate_of is None and s.grade.grade in GRADE_CODES
        ),
        key=lambda s: s.logged_at,
    )
    expected = [
        rules.officers_for(
            s.grade.grade,
            s.opened.category,
            s.markers,
            dispatch.needs_for(s.opened.category, s.markers),
        )
        for s in kept
    ]
    assert trace.crew.tolist() == expected
    assert 2 in expected and 1 in expected  # domestic abuse needs two officers here
    da = [i for i, s in enumerate(kept) if s.opened.category == "domestic-abuse"]
    assert da and all(trace.crew[i] == 2 for i in da)
    double = trace.skill_names.index("double-crewed")
    assert not (trace.skills >> double & 1).any()  # a crew of two, not a required skill


def test_a_roster_without_a_required_skill_is_refused_naming_the_roster(
    states, force_profile, dispatch
):
    scenario = Scenario(
        name="t",
        policies=("status-quo",),
        replications=1,
        seed=1,
        trace=TraceSource("synthetic", START, 8.0, 0.05),
        units=(UnitGroup("central", 5, ("dog",)),),
        targets={},
        sim={},
    )
    build = trace_from_states(states, force_profile, dispatch, origin=START, centre=CENTRE, seed=1)
    response = 1 << build.trace.skill_names.index("response")
    assert (build.trace.skills & response).all()  # every incident needs "response"
    with pytest.raises(InputError, match=r"scenario: 'roster.units' has no unit with skills"):
        scenario_inputs(
            scenario,
            states,
            (force_profile, dispatch),
            centre=CENTRE,
            area_centres={"central": (0.0, 0.0)},
        )


def test_a_roster_too_small_to_crew_an_incident_is_refused_naming_the_roster(
    states, force_profile, dispatch
):
    scenario = Scenario(
        name="t",
        policies=("status-quo",),
        replications=1,
        seed=1,
        trace=TraceSource("synthetic", START, 8.0, 0.05),
        units=(UnitGroup("central", 1, ("response", "arv")),),  # one officer in all
        targets={},
        sim={},
    )
    with pytest.raises(InputError, match=r"'roster.units' carries 1 officer\(s\).*need 2"):
        scenario_inputs(
            scenario,
            states,
            (force_profile, dispatch),
            centre=CENTRE,
            area_centres={"central": (0.0, 0.0)},
        )


def test_a_rostered_area_with_no_known_centre_is_refused(states, force_profile, dispatch):
    scenario = Scenario(
        name="t",
        policies=("status-quo",),
        replications=1,
        seed=1,
        trace=TraceSource("synthetic", START, 8.0, 0.05),
        units=(UnitGroup("atlantis", 5, ("response",)),),
        targets={},
        sim={},
    )
    with pytest.raises(InputError, match=r"roster.units\[0\].area 'atlantis' has no known centre"):
        scenario_inputs(
            scenario,
            states,
            (force_profile, dispatch),
            centre=CENTRE,
            area_centres={"central": (0.0, 0.0)},
        )
