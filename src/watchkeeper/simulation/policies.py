"""Dispatch policies: who goes where at each decision epoch.

``status-quo``: the queue is served highest grade first, then first come first served;
an incident goes to the nearest ready unit holding its required skills. When a unit
becomes ready it takes the highest-grade, longest-waiting incident it can serve (any other
ready unit could serve none of the queued incidents, or it would already be on one).

Crewing (``trace.crew``, officers needed; ``roster.officers``, officers on board): an
incident needing more officers than its nearest unit carries gets the nearest complete
crew of ready units holding its skills (``state.complete_crew``: one double-crewed unit,
or two single-crewed units, ...), sent together, or waits until one can be sent. A unit
becoming ready takes the first incident (grade, then receipt order) it can crew with the
nearest other ready units; an incident that cannot be crewed yet does not hold up those
behind it that can.

``watchkeeper``: the queue is ranked by the risk score as the risk engine computes it
(time-independent points from the trace plus the waiting, breach and no-contact points of
the force profile's ``[risk]``); at every epoch the ready units and the queued incidents
(highest risk first, at most ``max_batch``) are matched exactly by the dispatch
recommender's objective (:mod:`watchkeeper.simulation.matching`). The exact matching
pairs one unit with one incident, so it offers an incident only units that crew it alone;
incidents still unserved that need more officers are then taken highest risk first and
sent the nearest complete crew of the units left ready, when the recommender's cost of
that crew (judged by when it is complete) beats leaving the incident unserved.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import numpy as np

from watchkeeper.simulation.matching import match, risk_now, single_cost
from watchkeeper.simulation.state import BLOCKED, RunState
from watchkeeper.simulation.trace import BoolArray, FloatArray, IntArray


class Policy(Protocol):
    """What the engine asks of a policy."""

    @property
    def waiting(self) -> int:
        """Incidents queued without a unit."""

    def decide(self, t: float, ready: Sequence[int], arrivals: Iterable[int]) -> None:
        """Units that just became ready and incidents just received, at time ``t``."""

    def arrive(self, t: float, i: int) -> None:
        """Incident ``i`` received at ``t`` with nothing else happening at that time."""

    def unit_ready(self, t: float, u: int) -> None:
        """Unit ``u`` became ready at ``t`` with nothing else happening at that time."""


class StatusQuo:
    """Highest grade first, then first come first served; nearest ready unit with the skills."""

    def __init__(self, state: RunState) -> None:
        self._state = state
        self._grade = state.trace.grade.tolist()
        self._skills = state.trace.skills.tolist()
        self._received = state.trace.received.tolist()
        self._unit_skills = state.roster.skills.tolist()
        self._crew = state.crew_need
        # One FIFO per (grade, required skills, crew): arrivals come in receipt order.
        self._queues: dict[int, list[tuple[int, int, deque[int]]]] = {0: [], 1: [], 2: []}
        self._keyed: dict[tuple[int, int, int], deque[int]] = {}
        self._waiting = 0

    @property
    def waiting(self) -> int:
        return self._waiting

    def decide(self, t: float, ready: Sequence[int], arrivals: Iterable[int]) -> None:
        for u in ready:
            self.unit_ready(t, u)
        for i in arrivals:
            self.arrive(t, i)

    def arrive(self, t: float, i: int) -> None:
        state = self._state
        if self._crew[i] > 1:
            crew = state.crew_for(i)
            if crew:
                state.send_crew(crew, i, t)
            else:
                self._enqueue(i)
            return
        # state.nearest_ready, inlined: this is the hottest line of a status-quo run.
        cost = np.matmul(state.design, state.probe[i], out=state.cost)
        u = int(cost.argmin())
        if cost[u] >= BLOCKED:
            self._enqueue(i)
        else:
            state.send(u, i, t)

    def _enqueue(self, i: int) -> None:
        key = (self._grade[i], self._skills[i], self._crew[i])
        queue = self._keyed.get(key)
        if queue is None:
            queue = self._keyed[key] = deque()
            self._queues[key[0]].append((key[1], key[2], queue))
        queue.append(i)
        self._waiting += 1

    def unit_ready(self, t: float, u: int) -> None:
        state = self._state
        while self._waiting and state.free[u] and state.on_duty[u] and self._take(t, u):
            pass

    def _take(self, t: float, u: int) -> bool:
        """Ready unit ``u`` takes the first incident it can crew; False when there is none."""
        held, officers = self._unit_skills[u], self._state.officers[u]
        received = self._received
        for grade in (0, 1, 2):
            heads = [
                (received[queue[0]], crew, queue)
                for mask, crew, queue in self._queues[grade]
                if queue and mask & held == mask
            ]
            heads.sort(key=lambda head: head[0])  # stable: equal times keep queue order
            for _, crew, queue in heads:
                units = [u] if crew <= officers else self._state.crew_for(queue[0], first=u)
                if units:
                    i = queue.popleft()
                    self._waiting -= 1
                    self._state.send_crew(units, i, t)
                    return True
        return False


class Watchkeeper:
    """Risk-ranked queue, ready units matched to it exactly at every decision epoch."""

    def __init__(self, state: RunState) -> None:
        self._state = state
        self._queue: IntArray = np.zeros(0, dtype=np.int64)  # incident indexes, receipt order

    @property
    def waiting(self) -> int:
        return int(self._queue.size)

    def arrive(self, t: float, i: int) -> None:
        self.decide(t, (), (i,))

    def unit_ready(self, t: float, u: int) -> None:
        self.decide(t, (u,), ())

    def decide(self, t: float, ready: Sequence[int], arrivals: Iterable[int]) -> None:
        new = np.fromiter(arrivals, dtype=np.int64)
        if new.size:
            self._queue = np.concatenate([self._queue, new]) if self._queue.size else new
        state = self._state
        if not self._queue.size:
            return
        units = state.ready_units()
        if units.size == 0:
            return
        config = state.config
        scores = risk_now(state.trace, self._queue, t, config.risk_clock)
        if self._queue.size == 1:
            self._single(t, float(scores[0]))
            return
        chosen: IntArray = np.arange(self._queue.size)
        if chosen.size > config.max_batch:
            top = np.argpartition(-scores, config.max_batch - 1)[: config.max_batch]
            chosen = np.sort(top)
        pairs = match(state, units, self._queue[chosen], scores[chosen], t)
        keep = np.ones(self._queue.size, dtype=np.bool_)
        for u, column in pairs:
            position = int(chosen[column])
            state.send(u, int(self._queue[position]), t)
            keep[position] = False
        self._crews(t, chosen, scores, keep)
        self._queue = self._queue[keep]

    def _crews(self, t: float, chosen: IntArray, scores: FloatArray, keep: BoolArray) -> None:
        """Incidents the matching left that need several units: highest risk first, the
        nearest complete crew of the units still ready, when it beats leaving them."""
        state = self._state
        crew = state.trace.crew[self._queue[chosen]]
        left = chosen[(crew > 1) & keep[chosen]]
        if left.size == 0:
            return
        for position in left[np.argsort(-scores[left], kind="stable")].tolist():
            i = int(self._queue[position])
            if self._send_crew(t, i, float(scores[position])):
                keep[position] = False

    def _send_crew(self, t: float, i: int, score: float) -> bool:
        state = self._state
        units = state.crew_for(i)
        if not units:
            return False
        to_deadline = float(state.trace.target[i]) - (t - float(state.trace.received[i]))
        if single_cost(state.crew_travel(units, i), score, to_deadline, state.config) >= 0:
            return False
        state.send_crew(units, i, t)
        return True

    def _single(self, t: float, score: float) -> None:
        # One incident: the recommender's cost rises with travel, so the optimum is the
        # nearest ready unit with the skills (the nearest complete crew when it needs
        # several officers), sent when that beats leaving it unserved.
        state = self._state
        i = int(self._queue[0])
        if state.crew_need[i] > 1:
            if self._send_crew(t, i, score):
                self._queue = self._queue[1:]
            return
        u = state.nearest_ready(i)
        if u < 0:
            return
        travel = state.estimate(i, state.km(u, i))
        to_deadline = float(state.trace.target[i]) - (t - float(state.trace.received[i]))
        if single_cost(travel, score, to_deadline, state.config) < 0:
            state.send(u, i, t)
            self._queue = self._queue[1:]


POLICIES: dict[str, Callable[[RunState], Policy]] = {
    "status-quo": StatusQuo,
    "watchkeeper": Watchkeeper,
}
