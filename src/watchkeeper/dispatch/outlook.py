"""The dispatch outlook of the live backlog: recommended units and breach forecasts, cached.

Recommending and forecasting for thousands of open incidents costs a few hundred
milliseconds, far more than ranking the board. So the outlook is computed once per change
and shared: it is keyed on the incident log's change marker (the one the backlog cache
uses) and the unit register's, and kept for at most ``max_age`` (forecasts count down in
minutes, so a few seconds' age is invisible). A reader that must not wait (the board)
takes the last outlook while a fresh one is computed in the background, and starts that
computation at most once every ``min_interval``: under a surge the log changes several
times a second, and recomputing after each change would keep a core busy; a reader that
acts on it (accepting a recommendation, the API) waits for the current one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from watchkeeper.dispatch.config import DispatchConfig
from watchkeeper.dispatch.demand import DispatchDemand, demand_for
from watchkeeper.dispatch.forecast import BreachForecast, forecast_breaches
from watchkeeper.dispatch.reasons import Pick, Recommendation, Shortfall
from watchkeeper.dispatch.recommender import recommend
from watchkeeper.dispatch.travel import TravelEstimator
from watchkeeper.dispatch.units import Unit
from watchkeeper.incidents.backlog import Backlog
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.kernel.ids import IncidentId

LOG = logging.getLogger("watchkeeper.dispatch")
# The forecast counts down in minutes and the board refreshes every few seconds: an outlook
# this old is still right to the minute the screen shows (assumed; force-editable).
DEFAULT_MAX_AGE = timedelta(seconds=10)
# Background recomputations for the board start at most this often (an engineering choice,
# not a policy threshold; OutlookCache takes another): the board shows the outlook's time.
DEFAULT_MIN_INTERVAL = timedelta(seconds=5)

Key = tuple[int, tuple[int, int]]  # (incident log change marker, unit register marker)


@dataclass(frozen=True, slots=True)
class DispatchOutlook:
    """Recommendation and forecasts for the whole open backlog at ``as_of``."""

    as_of: datetime
    key: Key
    recommendation: Recommendation
    forecasts: Mapping[IncidentId, BreachForecast]
    demands: Mapping[IncidentId, DispatchDemand]
    build_ms: float  # how long computing it took (measured, for the performance notes)
    picks: Mapping[IncidentId, tuple[Pick, ...]] = field(default_factory=dict)
    shortfalls: Mapping[IncidentId, Shortfall] = field(default_factory=dict)

    def serves(self, key: Key, now: datetime, max_age: timedelta) -> bool:
        return key == self.key and self.as_of <= now < self.as_of + max_age

    def picks_for(self, incident_id: str) -> tuple[Pick, ...]:
        return self.picks.get(IncidentId(incident_id), ())

    def shortfall_for(self, incident_id: str) -> Shortfall | None:
        return self.shortfalls.get(IncidentId(incident_id))

    def forecast_for(self, incident_id: str) -> BreachForecast | None:
        return self.forecasts.get(IncidentId(incident_id))


def demands_of(
    backlog: Backlog, profile: ForceProfile, config: DispatchConfig
) -> list[DispatchDemand]:
    """What each open incident on the board asks of the units (those needing attendance)."""
    out = []
    for state, score in backlog.rows.scored():
        demand = demand_for(state, score, profile, config)
        if demand is not None:
            out.append(demand)
    return out


def compute_outlook(
    backlog: Backlog,
    units: Sequence[Unit],
    key: Key,
    *,
    profile: ForceProfile,
    config: DispatchConfig,
    estimator: TravelEstimator | None = None,
) -> DispatchOutlook:
    """Recommend and forecast for every open incident of an unfiltered backlog."""
    started = time.perf_counter()
    now = backlog.as_of
    demands = demands_of(backlog, profile, config)
    recommendation = recommend(demands, units, now, config, estimator)
    forecasts = forecast_breaches(demands, units, now, config, estimator)
    picks: dict[IncidentId, list[Pick]] = {}
    for pick in recommendation.picks:
        picks.setdefault(pick.incident_id, []).append(pick)
    return DispatchOutlook(
        as_of=now,
        key=key,
        recommendation=recommendation,
        forecasts={f.incident_id: f for f in forecasts},
        demands={d.incident_id: d for d in demands},
        build_ms=(time.perf_counter() - started) * 1000.0,
        picks={i: tuple(p) for i, p in picks.items()},
        shortfalls={s.incident_id: s for s in recommendation.shortfalls},
    )


class OutlookCache:
    """One shared outlook; single-flight refresh, in the caller's thread or the background."""

    def __init__(
        self, max_age: timedelta = DEFAULT_MAX_AGE, min_interval: timedelta = DEFAULT_MIN_INTERVAL
    ) -> None:
        self.max_age = max_age
        self.min_interval = min(min_interval, max_age)
        self._latest: DispatchOutlook | None = None
        self._build_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._background: threading.Thread | None = None
        self.builds = 0  # how many outlooks were computed (tests and benchmarks read it)

    @property
    def latest(self) -> DispatchOutlook | None:
        """The last outlook computed, however old (None before the first)."""
        return self._latest

    def get(
        self, key: Key, now: datetime, build: Callable[[], DispatchOutlook], *, wait: bool
    ) -> DispatchOutlook:
        """The current outlook; with ``wait`` False, the last one while a refresh runs."""
        latest = self._latest
        if latest is not None and latest.serves(key, now, self.max_age):
            return latest
        if wait or latest is None:
            return self._refresh(key, now, build)
        if latest.as_of <= now < latest.as_of + self.min_interval:
            return latest  # recomputed moments ago: the next reader after the interval asks
        self._refresh_in_background(key, now, build)
        return latest

    def _refresh(
        self, key: Key, now: datetime, build: Callable[[], DispatchOutlook]
    ) -> DispatchOutlook:
        with self._build_lock:
            latest = self._latest
            if latest is not None and latest.serves(key, now, self.max_age):
                return latest  # built by another reader while this one waited
            fresh = build()
            self._latest = fresh
            self.builds += 1
            return fresh

    def _refresh_in_background(
        self, key: Key, now: datetime, build: Callable[[], DispatchOutlook]
    ) -> None:
        with self._state_lock:
            if self._background is not None and self._background.is_alive():
                return
            self._background = threading.Thread(
                target=self._quietly, args=(key, now, build), name="dispatch-outlook", daemon=True
            )
            self._background.start()

    def _quietly(self, key: Key, now: datetime, build: Callable[[], DispatchOutlook]) -> None:
        try:
            self._refresh(key, now, build)
        except Exception:  # the board keeps the last outlook; the next read tries again
            LOG.exception("dispatch outlook refresh failed")

    def settle(self, timeout: float = 30.0) -> None:
        """Wait for a background refresh to finish (tests, benchmarks, shutdown)."""
        background = self._background
        if background is not None:
            background.join(timeout)
