"""The status-quo model written plainly in SimPy: the reference a user would otherwise write.

Same model as ``watchkeeper.simulation`` with the ``status-quo`` policy and no noise:
incidents arrive at their receipt times; each goes to the nearest ready unit (free and on
duty) holding its required skills, ties to the lowest unit index, else waits in a queue.
A unit that clears a job (or starts its shift) takes the highest-grade, longest-waiting
queued incident it can serve. Travel is turnout + km x circuity / speed (by area class);
a unit clears ``travel + on-scene`` minutes after dispatch, at the incident's position.
Shifts repeat daily. Plain Python lists and ``min``, as in SimPy's own examples.
"""

from __future__ import annotations

import math

import simpy

from watchkeeper.simulation.config import SimConfig
from watchkeeper.simulation.roster import DAY_MINUTES, Roster
from watchkeeper.simulation.trace import Trace

DRAIN_MINUTES = 7 * 1440.0


class StatusQuoModel:
    """One SimPy run of the status quo; ``dispatched[i]`` is when incident i got a unit."""

    def __init__(self, trace: Trace, roster: Roster, config: SimConfig) -> None:
        self.env = simpy.Environment()
        self.received = trace.received.tolist()
        self.grade = trace.grade.tolist()
        self.needs = trace.skills.tolist()
        self.service = trace.service.tolist()
        self.where = [
            complex(x, y) for x, y in zip(trace.x_km.tolist(), trace.y_km.tolist(), strict=True)
        ]
        urban, rural = 60.0 / config.speed_urban_kmh, 60.0 / config.speed_rural_kmh
        self.per_km = [(urban if u else rural) * config.circuity for u in trace.urban.tolist()]
        self.turnout = config.turnout_minutes
        self.unit_at = [
            complex(x, y) for x, y in zip(roster.x_km.tolist(), roster.y_km.tolist(), strict=True)
        ]
        self.held = roster.skills.tolist()
        self.free = [True] * len(roster)
        self.on_duty = roster.on_duty(0.0).tolist()
        self.queue: list[int] = []
        self.dispatched = [math.nan] * len(self.received)
        self.roster = roster

    def run(self) -> list[float]:
        for u in range(len(self.held)):
            if self.roster.shift_length[u] < DAY_MINUTES:
                self.env.process(self.shifts(u))
        self.env.process(self.arrivals())
        last = self.received[-1] if self.received else 0.0
        self.env.run(until=last + DRAIN_MINUTES)
        return self.dispatched

    def arrivals(self):  # type: ignore[no-untyped-def]
        for i, at in enumerate(self.received):
            yield self.env.timeout(at - self.env.now)
            ready = [
                u
                for u in range(len(self.held))
                if self.free[u]
                and self.on_duty[u]
                and self.needs[i] & self.held[u] == self.needs[i]
            ]
            if ready:
                u = min(ready, key=lambda k: (abs(self.unit_at[k] - self.where[i]), k))
                self.start(u, i)
            else:
                self.queue.append(i)

    def start(self, u: int, i: int) -> None:
        self.free[u] = False
        self.dispatched[i] = self.env.now
        self.env.process(self.job(u, i))

    def job(self, u: int, i: int):  # type: ignore[no-untyped-def]
        travel = self.turnout + abs(self.unit_at[u] - self.where[i]) * self.per_km[i]
        yield self.env.timeout(travel + self.service[i])
        self.unit_at[u] = self.where[i]
        self.free[u] = True
        self.take_from_queue(u)

    def take_from_queue(self, u: int) -> None:
        if not (self.free[u] and self.on_duty[u]):
            return
        servable = [i for i in self.queue if self.needs[i] & self.held[u] == self.needs[i]]
        if servable:
            i = min(servable, key=lambda k: (self.grade[k], self.received[k], k))
            self.queue.remove(i)
            self.start(u, i)

    def shifts(self, u: int):  # type: ignore[no-untyped-def]
        r = self.roster
        length = float(r.shift_length[u])
        phase = (r.clock_offset - float(r.shift_start[u])) % DAY_MINUTES
        wait = length - phase if self.on_duty[u] else DAY_MINUTES - phase
        while True:
            yield self.env.timeout(wait)
            self.on_duty[u] = not self.on_duty[u]
            if self.on_duty[u]:
                wait = length
                self.take_from_queue(u)
            else:
                wait = DAY_MINUTES - length


def simpy_waits(trace: Trace, roster: Roster, config: SimConfig) -> list[float]:
    """Per-incident queue delay (received to dispatched) from the SimPy model."""
    dispatched = StatusQuoModel(trace, roster, config).run()
    return [d - r for d, r in zip(dispatched, trace.received.tolist(), strict=True)]
