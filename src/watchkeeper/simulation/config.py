"""Simulation settings: travel model, noise, sampling, and the Watchkeeper policy's inputs.

Nothing here is a new real-world figure: travel speeds, circuity and turnout come from the
dispatch configuration (``dispatch-default.toml [travel]``, each value sourced there), the
risk clock from the force profile (``[risk]``) and the recommender weights from the
dispatch configuration (``[recommender]``). :func:`sim_config` builds a config from them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from watchkeeper.dispatch.config import DispatchConfig, RecommenderWeights
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.kernel.errors import InputError


@dataclass(frozen=True, slots=True)
class RiskClock:
    """The time-dependent part of the risk score (``incidents.risk.score_features``)."""

    waiting_points_at_target: float
    waiting_points_cap: float
    breach_points: float
    no_contact_after_minutes: float
    no_contact_points: float

    @classmethod
    def from_profile(cls, profile: ForceProfile) -> RiskClock:
        w = profile.risk
        return cls(
            w.waiting_points_at_target,
            w.waiting_points_cap,
            w.breach_points,
            w.no_contact_after_minutes,
            w.no_contact_points,
        )


@dataclass(frozen=True, slots=True)
class SimConfig:
    """Everything a run needs besides the trace, the roster, the policy and the seed.

    ``travel_cv`` / ``service_cv``: coefficient of variation of a lognormal factor (mean 1)
    applied to each estimated travel time / on-scene time; with both 0 the seed changes
    nothing. ``unknown_travel_minutes`` is used when the incident or the
    unit has no position and the trace holds no observed travel time. ``max_batch`` caps
    the queued incidents (highest risk first) the Watchkeeper policy weighs at one epoch.
    """

    circuity: float
    speed_urban_kmh: float
    speed_rural_kmh: float
    turnout_minutes: float
    unknown_travel_minutes: float
    weights: RecommenderWeights
    risk_clock: RiskClock
    travel_cv: float = 0.0
    service_cv: float = 0.0
    backlog_step_minutes: float = 60.0
    max_batch: int = 400

    def __post_init__(self) -> None:
        checks = {
            "circuity": self.circuity >= 1.0,
            "speed_urban_kmh": self.speed_urban_kmh > 0,
            "speed_rural_kmh": self.speed_rural_kmh > 0,
            "turnout_minutes": self.turnout_minutes >= 0,
            "unknown_travel_minutes": self.unknown_travel_minutes >= 0,
            "travel_cv": self.travel_cv >= 0,
            "service_cv": self.service_cv >= 0,
            "backlog_step_minutes": self.backlog_step_minutes > 0,
            "max_batch": self.max_batch >= 1,
        }
        for key, ok in checks.items():
            if not ok:
                raise InputError(f"simulation: '{key}' is out of range ({getattr(self, key)!r})")

    def with_changes(self, **changes: Any) -> SimConfig:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


def sim_config(dispatch: DispatchConfig, profile: ForceProfile, **changes: Any) -> SimConfig:
    """The configuration the force's dispatch settings and profile imply, with ``changes``."""
    travel = dispatch.travel
    base = SimConfig(
        circuity=travel.circuity_factor,
        speed_urban_kmh=travel.speed_for("urban"),
        speed_rural_kmh=travel.speed_for("rural"),
        turnout_minutes=travel.turnout_minutes,
        unknown_travel_minutes=dispatch.forecast.unknown_travel_minutes,
        weights=dispatch.weights,
        risk_clock=RiskClock.from_profile(profile),
    )
    return base.with_changes(**changes) if changes else base
