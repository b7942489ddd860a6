"""What is reported and when: category and grade mix, and the logging-time process."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from watchkeeper.incidents.entries import Grade
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.synthetic.calibration import Calibration
from watchkeeper.synthetic.config import SyntheticConfig

DOMESTIC_ABUSE = "domestic-abuse"
GRADES = tuple(Grade)
RAKING_ROUNDS = 200


def category_shares(
    config: SyntheticConfig, calibration: Calibration, profile: ForceProfile
) -> dict[str, float]:
    """Share of incidents per force category: DA, the recorded-crime mix, the rest."""
    da, crime = config.da_share, config.crime_share
    other = max(0.0, 1.0 - da - crime)
    shares: dict[str, float] = {DOMESTIC_ABUSE: da}
    parts = (
        ("calibration category_mix", calibration.category_mix, crime),
        ("categories.other.weights", config.other_categories.shares, other),
    )
    for where, mix, weight in parts:
        for category, share in mix.items():
            if category not in profile.categories:
                raise ConfigurationError(
                    f"synthetic config: '{where}.{category}' is not a category of force "
                    f"profile {profile.name}"
                )
            shares[category] = shares.get(category, 0.0) + weight * share
    total = sum(shares.values())
    return {c: s / total for c, s in sorted(shares.items())}


def grade_given_category(
    shares: dict[str, float], config: SyntheticConfig, calibration: Calibration
) -> dict[str, np.ndarray]:
    """P(grade | category): the assumed affinities raked (iterative proportional fitting)
    so that the overall grade mix matches the calibrated one; zeros stay zero."""
    categories = list(shares)
    rows = np.array([shares[c] for c in categories])
    target = np.array([calibration.grade_mix[g.value] for g in GRADES])
    matrix = np.array([_affinity(config, c) for c in categories])
    matrix = matrix / matrix.sum(axis=1, keepdims=True) * rows[:, None]
    for _ in range(RAKING_ROUNDS):
        columns = matrix.sum(axis=0)
        matrix = matrix * np.divide(target, columns, out=np.zeros_like(target), where=columns > 0)
        matrix = matrix / matrix.sum(axis=1, keepdims=True) * rows[:, None]
    conditional = matrix / matrix.sum(axis=1, keepdims=True)
    return {c: conditional[i] for i, c in enumerate(categories)}


def _affinity(config: SyntheticConfig, category: str) -> list[float]:
    weights = config.grade_affinity.get(category) or config.grade_affinity["default"]
    return [weights.shares.get(g.value, 0.0) for g in GRADES]


def logging_times(
    calibration: Calibration,
    per_day: float,
    window: tuple[datetime, datetime],
    timezone: ZoneInfo,
    rng: np.random.Generator,
) -> list[datetime]:
    """Non-homogeneous Poisson logging times in [start, end), whole seconds, ascending.

    The rate is constant within each UTC hour (the force's local hour and weekday there):
    rate = per_day * 7 * weekday[d] * hourly[h], hour and weekday taken as separable.
    """
    start, end = window
    times: list[datetime] = []
    cursor = start
    while cursor < end:
        bucket_end = min(
            end, cursor.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        )
        local = cursor.astimezone(timezone)
        per_hour = (
            per_day * 7 * calibration.weekday[local.weekday()] * calibration.hourly[local.hour]
        )
        seconds = (bucket_end - cursor).total_seconds()
        count = int(rng.poisson(per_hour * seconds / 3600.0))
        offsets = np.sort(rng.uniform(0.0, seconds, size=count))
        times.extend(cursor + timedelta(seconds=int(o)) for o in offsets)
        cursor = bucket_end
    return times
