"""The breach forecast: hand-checked cases, bounds and monotonicity."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.dispatch.config import SkillNeeds, bundled_dispatch_document, parse_dispatch_config
from watchkeeper.dispatch.demand import DispatchDemand
from watchkeeper.dispatch.forecast import forecast_breaches, queue_positions
from watchkeeper.dispatch.units import Unit, UnitKind, UnitStatus
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import IncidentId

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
CONFIG = parse_dispatch_config(bundled_dispatch_document())
RESPONSE = SkillNeeds(frozenset({"response"}))
ARMED = SkillNeeds(frozenset({"response", "arv"}))
HERE = Point(52.48, -1.90)


class FlatEstimator:
    """Every journey takes the same minutes."""

    def __init__(self, minutes: float) -> None:
        self.value = minutes

    def minutes(self, origin: Point, destination: Point, area_class: str) -> float:
        return self.value


def unit(call_sign, status=UnitStatus.AVAILABLE, position=HERE, job=None, skills=("response",)):
    return Unit(
        call_sign, UnitKind.VEHICLE, frozenset(skills), status, position, None, "north", job
    )


def demand(incident, score, minutes_left, needs=RESPONSE):
    due = None if minutes_left is None else NOW + timedelta(minutes=minutes_left)
    return DispatchDemand(
        IncidentId(incident), score, due, HERE, "north", "urban", "violence", needs
    )


def test_a_free_unit_ten_minutes_away_makes_a_breach_certain_or_impossible():
    units = [unit("A")]
    (tight,) = forecast_breaches([demand("I1", 10, 5)], units, NOW, CONFIG, FlatEstimator(10))
    (loose,) = forecast_breaches([demand("I1", 10, 15)], units, NOW, CONFIG, FlatEstimator(10))
    assert (tight.p_breach_next_hour, loose.p_breach_next_hour) == (1.0, 0.0)
    assert tight.expected_free_minutes == 0.0
    assert (tight.suitable_free, tight.suitable_committed) == (1, 0)


def test_a_committed_unit_frees_after_an_exponential_job_time_then_travels():
    # alarm jobs take 25 min on average; no position, so travel is the configured 15 min:
    # P(arrival > 40) = P(freed after 25) = exp(-1).
    busy = unit("A", UnitStatus.ON_SCENE, position=None, job="alarm")
    (f,) = forecast_breaches([demand("I1", 10, 40)], [busy], NOW, CONFIG, FlatEstimator(99))
    assert f.p_breach_next_hour == pytest.approx(math.exp(-1.0))
    assert f.expected_free_minutes == pytest.approx(25.0, rel=1e-2)


def test_the_second_incident_in_the_queue_waits_for_the_second_unit():
    units = [unit("A"), unit("B", UnitStatus.ON_SCENE, job="alarm")]
    first, second = forecast_breaches(
        [demand("I2", 5, 30), demand("I1", 50, 30)], units, NOW, CONFIG, FlatEstimator(10)
    )
    assert (first.incident_id, first.queue_position, first.p_late) == ("I1", 1, 0.0)
    assert second.queue_position == 2
    # B frees at rate 1/25 and then travels 10; A may also free again after its first job.
    assert 0.0 < second.p_late < math.exp(-20 / 25)


def test_only_incidents_needing_at_least_the_same_skills_compete():
    positions = queue_positions(
        [demand("armed", 90, 10, ARMED), demand("plain", 50, 10), demand("armed2", 10, 10, ARMED)]
    )
    assert positions == {"armed": 1, "plain": 2, "armed2": 2}


def test_no_suitable_unit_means_a_certain_breach_and_no_expected_time():
    (f,) = forecast_breaches([demand("I1", 10, 30, ARMED)], [unit("A")], NOW, CONFIG)
    assert f.p_breach_next_hour == 1.0
    assert f.expected_free_minutes is None


def test_a_deadline_beyond_the_hour_cannot_breach_within_it_and_a_passed_one_has():
    units = [unit("A", UnitStatus.ON_SCENE, job="alarm")]
    later, passed, none = forecast_breaches(
        [demand("later", 30, 90), demand("passed", 20, -5), demand("none", 10, None)],
        units, NOW, CONFIG, FlatEstimator(10),
    )  # fmt: skip
    assert later.p_breach_next_hour == 0.0 and 0.0 < (later.p_late or 0) < 1.0
    assert passed.already_breached and passed.p_breach_next_hour == 1.0
    assert none.p_late is None and none.p_breach_next_hour == 0.0


# --- properties ----------------------------------------------------------------------

statuses = st.sampled_from([UnitStatus.AVAILABLE, UnitStatus.ON_SCENE, UnitStatus.ASSIGNED])
jobs = st.sampled_from([None, "alarm", "domestic-abuse", "theft"])
spots = st.builds(Point, st.floats(52.4, 52.6), st.floats(-2.0, -1.8))
skills = st.sampled_from([("response",), ("response", "arv")])


@st.composite
def fleets(draw):
    n = draw(st.integers(0, 5))
    return [
        unit(f"U{i}", draw(statuses), draw(st.one_of(st.none(), spots)), draw(jobs), draw(skills))
        for i in range(n)
    ]


@st.composite
def queues(draw):
    n = draw(st.integers(1, 6))
    return [
        dataclasses.replace(
            demand(f"I{i}", draw(st.floats(0, 100)), draw(st.integers(-20, 120))),
            location=draw(st.one_of(st.none(), spots)),
            needs=draw(st.sampled_from([RESPONSE, ARMED])),
        )
        for i in range(n)
    ]


@settings(max_examples=80, deadline=None)
@given(queues(), fleets())
def test_probabilities_are_between_zero_and_one(ds, us):
    for f in forecast_breaches(ds, us, NOW, CONFIG):
        assert 0.0 <= f.p_breach_next_hour <= 1.0
        assert f.p_late is None or 0.0 <= f.p_late <= 1.0


@settings(max_examples=80, deadline=None)
@given(queues(), fleets(), st.integers(0, 5), st.integers(1, 60))
def test_less_time_to_the_deadline_never_lowers_the_probability(ds, us, index, sooner):
    i = index % len(ds)
    earlier = dataclasses.replace(ds[i], deadline=ds[i].deadline - timedelta(minutes=sooner))
    before = {f.incident_id: f for f in forecast_breaches(ds, us, NOW, CONFIG)}
    after = {
        f.incident_id: f
        for f in forecast_breaches([*ds[:i], earlier, *ds[i + 1 :]], us, NOW, CONFIG)
    }
    key = ds[i].incident_id
    assert after[key].p_breach_next_hour >= before[key].p_breach_next_hour - 1e-12


@settings(max_examples=80, deadline=None)
@given(queues(), fleets(), st.one_of(st.none(), spots), skills)
def test_another_free_unit_never_raises_any_probability(ds, us, spot, extra_skills):
    extra = unit("EXTRA", UnitStatus.AVAILABLE, spot, None, extra_skills)
    before = {f.incident_id: f for f in forecast_breaches(ds, us, NOW, CONFIG)}
    after = {f.incident_id: f for f in forecast_breaches(ds, [*us, extra], NOW, CONFIG)}
    for key, f in before.items():
        assert after[key].p_breach_next_hour <= f.p_breach_next_hour + 1e-12


@settings(max_examples=30, deadline=None)
@given(queues(), fleets())
def test_the_forecast_is_deterministic(ds, us):
    assert forecast_breaches(ds, us, NOW, CONFIG) == forecast_breaches(ds, us, NOW, CONFIG)
