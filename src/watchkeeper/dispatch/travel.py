"""Travel time estimates: a pluggable estimator, straight-line by default.

The default is the great-circle distance times a circuity factor (roads are longer than
the crow flies), divided by a speed that depends on the area class, plus a fixed turnout
time. Every number is configuration (``dispatch-default.toml`` ``[travel]``). A
road-network router implements the same :class:`TravelEstimator` protocol, and
:class:`MatrixTravelEstimator` when it can answer many pairs at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.kernel.geo import EARTH_RADIUS_KM, Point, haversine_km

FloatArray = npt.NDArray[np.float64]


@runtime_checkable
class TravelEstimator(Protocol):
    """Minutes for a unit at ``origin`` to reach ``destination`` in an area of a class."""

    def minutes(self, origin: Point, destination: Point, area_class: str) -> float: ...


@runtime_checkable
class MatrixTravelEstimator(TravelEstimator, Protocol):
    """An estimator that answers every (origin, destination) pair in one call.

    Returns an array of shape (len(origins), len(destinations)); ``area_classes`` follows
    the destinations (the class of the area the incident is in sets the speed).
    """

    def minutes_matrix(
        self,
        origins: Sequence[Point],
        destinations: Sequence[Point],
        area_classes: Sequence[str],
    ) -> FloatArray: ...


@dataclass(frozen=True, slots=True)
class TravelConfig:
    """Parameters of the straight-line estimator."""

    speed_kmh: Mapping[str, float]  # by area class
    circuity_factor: float
    turnout_minutes: float

    def speed_for(self, area_class: str) -> float:
        speed = self.speed_kmh.get(area_class)
        if speed is None:
            raise ConfigurationError(f"dispatch: 'travel.speed_kmh.{area_class}' is not configured")
        return speed


class StraightLineEstimator:
    """Haversine distance x circuity factor / speed by area class, plus turnout time."""

    def __init__(self, config: TravelConfig) -> None:
        self._config = config

    def minutes(self, origin: Point, destination: Point, area_class: str) -> float:
        road_km = haversine_km(origin, destination) * self._config.circuity_factor
        return self._config.turnout_minutes + road_km / self._config.speed_for(area_class) * 60.0

    def minutes_matrix(
        self,
        origins: Sequence[Point],
        destinations: Sequence[Point],
        area_classes: Sequence[str],
    ) -> FloatArray:
        if len(area_classes) != len(destinations):
            raise ValueError("area_classes must follow the destinations")
        km = haversine_km_matrix(origins, destinations) * self._config.circuity_factor
        speeds = np.array([self._config.speed_for(c) for c in area_classes], dtype=np.float64)
        return self._config.turnout_minutes + km / speeds[np.newaxis, :] * 60.0


def haversine_km_matrix(origins: Sequence[Point], destinations: Sequence[Point]) -> FloatArray:
    """Great-circle distances in km, shape (len(origins), len(destinations))."""
    a = np.radians(np.array([(p.lat, p.lon) for p in origins], dtype=np.float64).reshape(-1, 2))
    b = np.radians(
        np.array([(p.lat, p.lon) for p in destinations], dtype=np.float64).reshape(-1, 2)
    )
    dphi = b[np.newaxis, :, 0] - a[:, np.newaxis, 0]
    dlmb = b[np.newaxis, :, 1] - a[:, np.newaxis, 1]
    cos_a, cos_b = np.cos(a[:, 0])[:, np.newaxis], np.cos(b[:, 0])[np.newaxis, :]
    h = np.sin(dphi / 2) ** 2 + cos_a * cos_b * np.sin(dlmb / 2) ** 2
    distances: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return distances


def travel_matrix(
    estimator: TravelEstimator,
    origins: Sequence[Point],
    destinations: Sequence[Point],
    area_classes: Sequence[str],
) -> FloatArray:
    """Every pair's minutes, in one call when the estimator can, else pair by pair."""
    if isinstance(estimator, MatrixTravelEstimator):
        return estimator.minutes_matrix(origins, destinations, area_classes)
    out = np.empty((len(origins), len(destinations)), dtype=np.float64)
    for j, (dest, cls) in enumerate(zip(destinations, area_classes, strict=True)):
        for i, origin in enumerate(origins):
            out[i, j] = estimator.minutes(origin, dest, cls)
    return out
