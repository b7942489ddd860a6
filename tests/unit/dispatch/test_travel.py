"""Straight-line travel estimates: distance x circuity / speed by area class."""

from __future__ import annotations

import pytest

from watchkeeper.dispatch.travel import (
    MatrixTravelEstimator,
    StraightLineEstimator,
    TravelConfig,
    TravelEstimator,
    travel_matrix,
)
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.kernel.geo import Point, haversine_km

CONFIG = TravelConfig({"urban": 30.0, "rural": 60.0}, circuity_factor=1.5, turnout_minutes=1.0)
ORIGIN, ONE_DEGREE_NORTH = Point(52.0, -1.0), Point(53.0, -1.0)


def test_minutes_are_turnout_plus_road_distance_over_the_area_speed():
    km = haversine_km(ORIGIN, ONE_DEGREE_NORTH)
    estimator = StraightLineEstimator(CONFIG)
    assert km == pytest.approx(111.19, abs=0.01)
    assert estimator.minutes(ORIGIN, ONE_DEGREE_NORTH, "urban") == pytest.approx(
        1 + km * 1.5 / 30 * 60
    )
    assert estimator.minutes(ORIGIN, ONE_DEGREE_NORTH, "rural") == pytest.approx(1 + km * 1.5)


def test_the_matrix_agrees_with_pair_by_pair_estimates():
    estimator = StraightLineEstimator(CONFIG)
    origins = [ORIGIN, Point(52.5, -1.5)]
    dests = [ONE_DEGREE_NORTH, Point(52.1, -0.9), ORIGIN]
    classes = ["urban", "rural", "urban"]
    matrix = travel_matrix(estimator, origins, dests, classes)
    for i, o in enumerate(origins):
        for j, d in enumerate(dests):
            assert matrix[i, j] == pytest.approx(estimator.minutes(o, d, classes[j]))


def test_an_estimator_with_only_pairwise_minutes_is_used_pair_by_pair():
    class Router:
        def minutes(self, origin: Point, destination: Point, area_class: str) -> float:
            return 7.0

    router = Router()
    assert isinstance(router, TravelEstimator) and not isinstance(router, MatrixTravelEstimator)
    assert travel_matrix(
        router, [ORIGIN], [ORIGIN, ONE_DEGREE_NORTH], ["urban", "rural"]
    ).tolist() == [[7.0, 7.0]]


def test_an_area_class_with_no_configured_speed_is_named():
    with pytest.raises(ConfigurationError, match=r"travel\.speed_kmh\.suburban"):
        StraightLineEstimator(CONFIG).minutes(ORIGIN, ORIGIN, "suburban")
