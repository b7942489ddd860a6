"""The discrete-event engine: arrivals from the sorted trace, unit events from a heap.

At each distinct event time the engine applies every unit event due (a unit clears a job,
starts or ends a shift), gathers every incident received at that time, and hands both to
the policy as one decision epoch. Unit events come before arrivals at equal times; within
each, units and incidents keep their index order. The run ends when every incident has
been dispatched and every unit has cleared, or ``DRAIN_MINUTES`` after the last receipt.

The ``status-quo`` policy runs the same rules through its own specialised loop
(:mod:`watchkeeper.simulation.fast_status_quo`: a spatial grid, no NumPy call per event),
which gives field-for-field the same result as this general loop, only faster.
"""

from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass

import numpy as np

from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation import fast_status_quo
from watchkeeper.simulation.config import SimConfig
from watchkeeper.simulation.policies import POLICIES, Policy
from watchkeeper.simulation.roster import Roster, uncovered_skills, uncrewable
from watchkeeper.simulation.state import RunState
from watchkeeper.simulation.trace import FloatArray, IntArray, Trace

DRAIN_MINUTES = 7 * 1440.0  # after the last receipt, a backlog nobody can clear is cut off


@dataclass(frozen=True, slots=True)
class RunResult:
    """What happened to every incident and unit in one replication (times in minutes)."""

    policy: str
    seed: int
    received: FloatArray
    dispatched: FloatArray  # NaN: never dispatched before the run ended
    arrived: FloatArray
    travel: FloatArray
    unit: IntArray  # -1: no unit; under crewing, the unit that completed the crew
    crews: dict[int, tuple[int, ...]]  # incident -> every unit sent, when more than one
    busy_minutes: FloatArray  # per unit: dispatched to cleared
    duty_minutes: FloatArray  # per unit: rostered minutes within [0, end]
    end: float
    events: int
    wall_seconds: float

    @property
    def waits(self) -> FloatArray:
        """Queue delay per incident: received to dispatched (NaN when never dispatched)."""
        out: FloatArray = self.dispatched - self.received
        return out

    def units_of(self, i: int) -> tuple[int, ...]:
        """Every unit sent to incident ``i`` (empty when none was)."""
        crew = self.crews.get(i)
        if crew is not None:
            return crew
        u = int(self.unit[i])
        return () if u < 0 else (u,)

    def officers_sent(self, officers: IntArray) -> IntArray:
        """Officers sent to each incident, given each unit's crew (0: none sent)."""
        sent: IntArray = np.where(self.unit >= 0, officers[np.maximum(self.unit, 0)], 0)
        for i, crew in self.crews.items():
            sent[i] = int(officers[list(crew)].sum())
        return sent

    @property
    def attendance(self) -> FloatArray:
        """Received to arrived per incident (NaN when never attended)."""
        out: FloatArray = self.arrived - self.received
        return out


def check_inputs(trace: Trace, roster: Roster, policy: str) -> None:
    """Refuse an unknown policy, an empty roster, or demand no unit could ever meet."""
    if policy not in POLICIES:
        raise InputError(f"unknown policy {policy!r} (known: {', '.join(POLICIES)})")
    if len(roster) == 0:
        raise InputError("roster: the roster has no units")
    missing = uncovered_skills(trace, roster)
    if missing:
        index, skills = missing[0]
        raise InputError(
            f"trace record {index}: 'skills' needs {list(skills)} and no rostered unit "
            "holds them all"
        )
    short = uncrewable(trace, roster)
    if short:
        index, need, able = short[0]
        raise InputError(
            f"trace record {index}: 'crew' needs {need} officers and the rostered units "
            f"holding its skills carry {able} between them"
        )


def _gather(state: RunState, t: float, first: int | None, i: int) -> tuple[list[int], int]:
    """Every other unit event due at ``t`` (``first`` already applied) and arrivals at ``t``."""
    heap, received = state.heap, state.received
    ready = [] if first is None else [first]
    while heap and heap[0][0] == t:
        _, u, kind = heapq.heappop(heap)
        if state.apply(u, kind, t):
            ready.append(u)
    while i < len(received) and received[i] == t:
        i += 1
    return ready, i


def _loop(state: RunState, policy: Policy) -> float:
    """Run events to the end; returns the time of the last event.

    The two common cases (one arrival alone at its time; one unit event alone at its
    time) go straight to the policy; anything simultaneous is gathered into one epoch.
    """
    received, heap = state.received, state.heap
    pop, apply = heapq.heappop, state.apply
    decide, arrive, unit_ready = policy.decide, policy.arrive, policy.unit_ready
    n, i, t, inf = len(received), 0, 0.0, math.inf
    cutoff = (received[-1] if n else 0.0) + DRAIN_MINUTES
    while i < n or state.busy_count or policy.waiting:
        t_arrival = received[i] if i < n else inf
        t_unit = heap[0][0] if heap else inf
        if t_arrival < t_unit:
            t = t_arrival
            if i + 1 < n and received[i + 1] == t:
                start = i
                ready, i = _gather(state, t, None, i)
                decide(t, ready, range(start, i))
            else:
                i += 1
                arrive(t, i - 1)
            continue
        t = t_unit
        if t > cutoff or t == inf:
            break
        _, u, kind = pop(heap)
        became_ready = apply(u, kind, t)
        if (heap and heap[0][0] == t) or t_arrival == t:
            start = i
            ready, i = _gather(state, t, u if became_ready else None, i)
            decide(t, ready, range(start, i))
        elif became_ready:
            unit_ready(t, u)
    state.events += i  # every arrival processed is an event
    return t


def simulate(
    trace: Trace, roster: Roster, policy: str, *, seed: int, config: SimConfig
) -> RunResult:
    """Replay ``trace`` against ``roster`` under ``policy``; deterministic for ``seed``.

    Raises ``InputError`` for an unknown policy, an empty roster, or an incident whose
    required skills no rostered unit holds.
    """
    check_inputs(trace, roster, policy)
    started = time.perf_counter()
    if policy == "status-quo" and fast_status_quo.applies(roster):
        state = RunState(trace, roster, config, seed, tables=False)
        end = fast_status_quo.run(state)
    else:
        state = RunState(trace, roster, config, seed)
        end = _loop(state, POLICIES[policy](state))
    dispatched, arrived, travel, unit, busy = state.outputs()
    return RunResult(
        policy=policy,
        seed=seed,
        received=trace.received,
        dispatched=dispatched,
        arrived=arrived,
        travel=travel,
        unit=unit,
        crews=state.crews,
        busy_minutes=busy,
        duty_minutes=roster.duty_minutes(0.0, max(end, trace.horizon)),
        end=end,
        events=state.events,
        wall_seconds=time.perf_counter() - started,
    )
