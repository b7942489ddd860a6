"""The recommender: optimal where greedy is not, skills gate, reasons for everything."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.dispatch.config import (
    DispatchConfig,
    SkillNeeds,
    bundled_dispatch_document,
    parse_dispatch_config,
)
from watchkeeper.dispatch.demand import DispatchDemand
from watchkeeper.dispatch.recommender import greedy_nearest, recommend
from watchkeeper.dispatch.units import Unit, UnitKind, UnitStatus
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import IncidentId

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
CONFIG = parse_dispatch_config(bundled_dispatch_document())
RESPONSE = SkillNeeds(frozenset({"response"}))

# Named places; the fake estimator below looks travel minutes up by (unit place, incident place).
A, B, C = Point(52.0, -1.0), Point(52.1, -1.0), Point(52.2, -1.0)
I1, I2, I3 = Point(52.3, -1.0), Point(52.4, -1.0), Point(52.5, -1.0)


class TableEstimator:
    """Travel minutes from a hand-written table; plain ``minutes`` only (no matrix)."""

    def __init__(self, table: dict[tuple[Point, Point], float]) -> None:
        self.table = table

    def minutes(self, origin: Point, destination: Point, area_class: str) -> float:
        return self.table[(origin, destination)]


def unit(call_sign, at, skills=("response",), status=UnitStatus.AVAILABLE, shift_end=None):
    return Unit(call_sign, UnitKind.VEHICLE, frozenset(skills), status, at, shift_end, "north")


def demand(incident, score, minutes_left, at, needs=RESPONSE, category="violence"):
    due = None if minutes_left is None else NOW + timedelta(minutes=minutes_left)
    return DispatchDemand(IncidentId(incident), score, due, at, "north", "urban", category, needs)


def no_tie_breakers(config: DispatchConfig) -> DispatchConfig:
    weights = dataclasses.replace(
        config.weights, travel_weight=0.0, serve_bonus=0.0, preferred_skill_travel_minutes=0.0
    )
    return dataclasses.replace(config, weights=weights)


# Two units, three incidents. Greedy (risk order) sends A to I1 (5 min) and B to I2
# (30 min: 20 late x score 10 = 200), leaving I3 (score 1, due in 100, scored as arriving
# at 120: 20). Optimal sends A to I2 (8) and B to I1 (6): nobody late, I3 still waits: 20.
HAND_TRAVEL = {
    (A, I1): 5.0, (A, I2): 8.0, (A, I3): 50.0,
    (B, I1): 6.0, (B, I2): 30.0, (B, I3): 50.0,
}  # fmt: skip
HAND_UNITS = [unit("A", A), unit("B", B)]
HAND_DEMANDS = [demand("I1", 11.0, 10, I1), demand("I2", 10.0, 10, I2), demand("I3", 1.0, 100, I3)]


def test_the_optimal_assignment_beats_greedy_nearest_on_a_hand_computed_case():
    config, estimator = no_tie_breakers(CONFIG), TableEstimator(HAND_TRAVEL)
    best = recommend(HAND_DEMANDS, HAND_UNITS, NOW, config, estimator)
    greedy = greedy_nearest(HAND_DEMANDS, HAND_UNITS, NOW, config, estimator)
    assert {(p.unit, p.incident_id) for p in best.picks} == {("A", "I2"), ("B", "I1")}
    assert {(p.unit, p.incident_id) for p in greedy.picks} == {("A", "I1"), ("B", "I2")}
    assert best.weighted_lateness == pytest.approx(20.0)
    assert greedy.weighted_lateness == pytest.approx(220.0)


def test_the_incident_left_over_is_told_which_incident_took_its_unit():
    best = recommend(HAND_DEMANDS, HAND_UNITS, NOW, CONFIG, TableEstimator(HAND_TRAVEL))
    (short,) = best.shortfalls
    assert short.incident_id == "I3"
    assert short.codes == ("outranked-by",)
    assert short.reasons[0].ref in {"I1", "I2"}


def test_every_pick_gives_risk_travel_skill_and_timeliness_reasons():
    best = recommend(HAND_DEMANDS, HAND_UNITS, NOW, CONFIG, TableEstimator(HAND_TRAVEL))
    for pick in best.picks:
        assert {"risk", "travel-estimate", "skill-match", "on-time"} <= set(pick.codes)
    travel = {p.unit: r.value for p in best.picks for r in p.reasons if r.code == "travel-estimate"}
    assert travel == {"A": 8.0, "B": 6.0}


def test_a_late_pick_says_by_how_much():
    picks = recommend([demand("I1", 5.0, 2, I1)], [unit("A", A)], NOW, CONFIG,
                      TableEstimator({(A, I1): 5.0})).picks  # fmt: skip
    (late,) = [r for r in picks[0].reasons if r.code == "late-by"]
    assert late.value == pytest.approx(3.0)


def test_a_unit_without_a_required_skill_is_never_sent():
    armed = SkillNeeds(frozenset({"response", "arv"}))
    demands = [demand("I1", 50.0, 10, I1, armed)]
    units = [unit("near", A), unit("arv", B, ("response", "arv"))]
    result = recommend(demands, units, NOW, CONFIG, TableEstimator({(A, I1): 1.0, (B, I1): 9.0}))
    assert [p.unit for p in result.picks] == ["arv"]


def test_a_skill_nobody_has_is_named_in_the_shortfall():
    armed = SkillNeeds(frozenset({"response", "arv"}))
    result = recommend([demand("I1", 50.0, 10, I1, armed)], [unit("A", A)], NOW, CONFIG,
                       TableEstimator({(A, I1): 1.0}))  # fmt: skip
    assert result.picks == ()
    assert result.shortfalls[0].codes == ("no-unit-with-skill:arv",)


def test_when_every_suitable_unit_is_committed_the_shortfall_says_so():
    units = [unit("A", A, status=UnitStatus.ON_SCENE), unit("B", B, status=UnitStatus.EN_ROUTE)]
    result = recommend([demand("I1", 5.0, 10, I1)], units, NOW, CONFIG, TableEstimator({}))
    assert result.shortfalls[0].codes == ("all-suitable-units-committed",)
    assert result.shortfalls[0].reasons[0].value == 2


def test_an_incident_with_no_position_cannot_be_routed_to():
    result = recommend(
        [demand("I1", 5.0, 10, None)], [unit("A", A)], NOW, CONFIG, TableEstimator({})
    )
    assert result.shortfalls[0].codes == ("no-location",)


def test_a_unit_whose_shift_ends_before_it_arrives_is_not_sent():
    ending = unit("A", A, shift_end=NOW + timedelta(minutes=3))
    result = recommend([demand("I1", 5.0, 10, I1)], [ending], NOW, CONFIG,
                       TableEstimator({(A, I1): 5.0}))  # fmt: skip
    assert result.shortfalls[0].codes == ("shift-ends-before-arrival",)


def test_units_off_duty_or_without_a_position_are_explained():
    off = recommend([demand("I1", 5.0, 10, I1)], [unit("A", A, status=UnitStatus.UNAVAILABLE)],
                    NOW, CONFIG, TableEstimator({}))  # fmt: skip
    lost = recommend(
        [demand("I1", 5.0, 10, I1)], [unit("A", None)], NOW, CONFIG, TableEstimator({})
    )
    assert off.shortfalls[0].codes == ("no-suitable-unit-on-duty",)
    assert lost.shortfalls[0].codes == ("suitable-units-without-position",)


def test_a_unit_so_far_away_that_waiting_is_better_is_kept_free_and_the_reason_given():
    result = recommend([demand("I1", 10.0, 10, I1)], [unit("A", A)], NOW, CONFIG,
                       TableEstimator({(A, I1): 200.0}))  # fmt: skip
    assert result.picks == ()
    assert result.shortfalls[0].codes == ("nearest-free-unit-too-far",)
    assert result.shortfalls[0].reasons[0].ref == "A"


def test_a_preferred_skill_breaks_a_tie_between_units_that_are_both_on_time():
    needs = SkillNeeds(frozenset({"response"}), frozenset({"da-trained"}))
    units = [unit("near", A), unit("trained", B, ("response", "da-trained"))]
    table = {(A, I1): 4.0, (B, I1): 9.0}
    result = recommend(
        [demand("I1", 30.0, 15, I1, needs)], units, NOW, CONFIG, TableEstimator(table)
    )
    assert [p.unit for p in result.picks] == ["trained"]
    assert "preferred-skill" in result.picks[0].codes


def test_a_preferred_skill_never_makes_an_incident_late():
    needs = SkillNeeds(frozenset({"response"}), frozenset({"da-trained"}))
    units = [unit("near", A), unit("trained", B, ("response", "da-trained"))]
    table = {(A, I1): 4.0, (B, I1): 12.0}
    result = recommend(
        [demand("I1", 30.0, 10, I1, needs)], units, NOW, CONFIG, TableEstimator(table)
    )
    assert [p.unit for p in result.picks] == ["near"]


def test_crewing_sends_two_units_and_reports_the_second_one_missing():
    pair = SkillNeeds(frozenset({"response"}), crewing=2)
    table = {(A, I1): 4.0, (B, I1): 6.0}
    both = recommend([demand("I1", 40.0, 15, I1, pair)], [unit("A", A), unit("B", B)], NOW, CONFIG,
                     TableEstimator(table))  # fmt: skip
    one = recommend([demand("I1", 40.0, 15, I1, pair)], [unit("A", A)], NOW, CONFIG,
                    TableEstimator(table))  # fmt: skip
    assert sorted(p.unit for p in both.picks) == ["A", "B"]
    assert [p.unit for p in one.picks] == ["A"]
    assert (one.shortfalls[0].units_short, one.shortfalls[0].units_needed) == (1, 2)
    assert one.shortfalls[0].codes == ("all-suitable-units-committed",)


def test_a_unit_listed_twice_is_refused():
    with pytest.raises(ValueError, match="listed twice"):
        recommend([], [unit("A", A), unit("A", B)], NOW, CONFIG, TableEstimator({}))


def test_the_default_straight_line_estimator_is_used_when_none_is_given():
    result = recommend([demand("I1", 5.0, 60, I1)], [unit("A", A)], NOW, CONFIG)
    assert result.picks[0].arrival_minutes > CONFIG.travel.turnout_minutes
