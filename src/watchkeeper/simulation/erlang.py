"""Erlang-C (M/M/c) queueing formulas, numerically stable for hundreds of servers.

The probability of waiting is built from the Erlang-B recurrence
``B(0) = 1, B(k) = a·B(k-1) / (k + a·B(k-1))``, which stays in [0, 1] at every step, so no
factorial or power of the load is ever formed (the textbook closed form overflows a float
near c = 170). Erlang C follows as ``C = c·B / (c - a·(1 - B))`` for ``a < c``
(Cooper, *Introduction to Queueing Theory*, 2nd ed., 1981, §3.4-3.5).
Times are in minutes throughout; rates are per minute unless a name says otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from watchkeeper.kernel.errors import InputError

MAX_SERVERS = 100_000


def _check_servers(servers: int) -> None:
    if servers < 1 or servers > MAX_SERVERS:
        raise InputError(f"servers must be between 1 and {MAX_SERVERS}, got {servers}")


def _check_positive(name: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"{name} must be a positive finite number, got {value}")


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/c/c with ``load`` Erlangs offered to ``servers``."""
    _check_servers(servers)
    if not math.isfinite(load) or load < 0:
        raise InputError(f"load must be a non-negative finite number of Erlangs, got {load}")
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival waits in M/M/c; 1.0 when the queue is unstable (a ≥ c)."""
    blocking = erlang_b(servers, load)
    if load >= servers:
        return 1.0
    return servers * blocking / (servers - load * (1.0 - blocking))


@dataclass(frozen=True, slots=True)
class MMc:
    """An M/M/c queue: Poisson arrivals per minute, exponential service, ``servers`` units."""

    arrivals_per_minute: float
    mean_service_minutes: float
    servers: int

    def __post_init__(self) -> None:
        _check_positive("arrivals_per_minute", self.arrivals_per_minute)
        _check_positive("mean_service_minutes", self.mean_service_minutes)
        _check_servers(self.servers)

    @property
    def load(self) -> float:
        """Offered load in Erlangs (arrival rate × mean service time)."""
        return self.arrivals_per_minute * self.mean_service_minutes

    @property
    def utilisation(self) -> float:
        return self.load / self.servers

    @property
    def stable(self) -> bool:
        return self.load < self.servers

    def probability_of_wait(self) -> float:
        return erlang_c(self.servers, self.load)

    def probability_wait_within(self, minutes: float) -> float:
        """P(wait ≤ t) = 1 - C·exp(-(c·μ - λ)·t); 0 for an unstable queue."""
        if not math.isfinite(minutes) or minutes < 0:
            raise InputError(f"minutes must be a non-negative finite number, got {minutes}")
        if not self.stable:
            return 0.0
        drain = self.servers / self.mean_service_minutes - self.arrivals_per_minute
        return 1.0 - self.probability_of_wait() * math.exp(-drain * minutes)

    def mean_wait(self) -> float:
        """Mean wait in queue, minutes: C / (c·μ - λ); infinite when unstable."""
        if not self.stable:
            return math.inf
        drain = self.servers / self.mean_service_minutes - self.arrivals_per_minute
        return self.probability_of_wait() / drain


def minimum_servers(
    arrivals_per_minute: float, mean_service_minutes: float, within_minutes: float, share: float
) -> int:
    """The fewest servers for which P(wait ≤ within_minutes) ≥ share (Erlang-C staffing)."""
    if not 0 < share < 1:
        raise InputError(f"share must be strictly between 0 and 1, got {share}")
    probe = MMc(arrivals_per_minute, mean_service_minutes, 1)
    servers = max(1, math.floor(probe.load) + 1)
    while servers <= MAX_SERVERS:
        queue = MMc(arrivals_per_minute, mean_service_minutes, servers)
        if queue.probability_wait_within(within_minutes) >= share:
            return servers
        servers += 1
    raise InputError(
        f"no staffing up to {MAX_SERVERS} servers meets the target"
    )  # pragma: no cover
