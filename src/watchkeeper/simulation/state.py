"""The mutable state of one run: where units are, who is ready, what each incident got.

Policies read it and call :meth:`RunState.send` (or :meth:`RunState.send_crew`); the
engine's loop feeds it events. A unit is *ready* when it is free (no job) and on duty. A
unit clears at the incident's position.

Crewing: incident ``i`` needs ``trace.crew[i]`` officers; unit ``u`` carries
``roster.officers[u]``. A policy sends a complete crew at once (:func:`complete_crew`):
one unit with enough officers, or several (e.g. two single-crewed units), every one holding
the incident's required skills. The incident counts as attended when the crew is complete
(the last of its units arrives); every unit of the crew then stays for the on-scene time
and clears with the others.

Speed matters here (a year for a large force is ~1.7 million events), so:

* "the nearest ready unit holding the skills" is one matrix-vector product and an
  ``argmin`` (see :meth:`RunState._nearest_tables`);
* per-incident and per-unit scalars live in Python lists, which the loop reads and writes
  much faster than NumPy arrays element by element; :meth:`outputs` makes them arrays.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from watchkeeper.simulation.config import SimConfig
from watchkeeper.simulation.roster import DAY_MINUTES, Roster
from watchkeeper.simulation.trace import BoolArray, FloatArray, IntArray, Trace

UNIT_FREE, SHIFT_ON, SHIFT_OFF = 0, 1, 2
BLOCKED = 1e30  # "not ready / lacks the skills": far above any squared distance in km


def complete_crew(ordered: list[int], officers: list[int], need: int) -> list[int]:
    """The crew to send from candidate units in preference order (nearest first).

    Takes units in order until they carry ``need`` officers, then leaves out, nearest
    first, any unit the others can do without, so one double-crewed unit goes alone rather
    than with a single-crewed unit beside it. The last unit taken always goes: the crew is
    complete no sooner than it would be with fewer units. ``[]`` when the candidates
    together carry fewer than ``need`` officers.
    """
    picked: list[int] = []
    total = 0
    for u in ordered:
        picked.append(u)
        total += officers[u]
        if total >= need:
            break
    else:
        return []
    k = 0
    while k < len(picked) - 1:
        spare = total - officers[picked[k]]
        if spare >= need:
            total = spare
            del picked[k]
        else:
            k += 1
    return picked


def lognormal_factors(rng: np.random.Generator, cv: float, n: int) -> FloatArray:
    """Mean-1 lognormal multipliers with coefficient of variation ``cv`` (ones when 0)."""
    if cv == 0:
        return np.ones(n)
    sigma2 = float(np.log1p(cv * cv))
    out: FloatArray = rng.lognormal(-sigma2 / 2, np.sqrt(sigma2), n)
    return out


class RunState:
    """Units, incidents and the event heap of one replication."""

    def __init__(
        self, trace: Trace, roster: Roster, config: SimConfig, seed: int, *, tables: bool = True
    ) -> None:
        """``tables=False`` skips the nearest-unit tables (a loop that keeps its own index,
        as :mod:`watchkeeper.simulation.fast_status_quo` does, never reads them)."""
        self.trace, self.roster, self.config = trace, roster, config
        n, m = len(trace), len(roster)
        travel_seq, service_seq = np.random.SeedSequence(seed).spawn(2)
        travel_rng, service_rng = (np.random.default_rng(s) for s in (travel_seq, service_seq))
        travel_factor = lognormal_factors(travel_rng, config.travel_cv, n)
        service = trace.service * lognormal_factors(service_rng, config.service_cv, n)
        self.positions: np.ndarray = trace.x_km + 1j * trace.y_km
        speeds = np.where(trace.urban, config.speed_urban_kmh, config.speed_rural_kmh)
        self.minutes_per_km: FloatArray = 60.0 / speeds * config.circuity
        self.received: list[float] = trace.received.tolist()
        self._factor: list[float] = travel_factor.tolist()
        self._service: list[float] = service.tolist()
        self._where: list[complex] = self.positions.tolist()
        self._known: list[bool] = np.isfinite(trace.x_km).tolist()
        self._per_km: list[float] = self.minutes_per_km.tolist()
        self._observed: list[float] = trace.travel.tolist()
        self._needs: list[int] = trace.skills.tolist()
        self.crew_need: list[int] = trace.crew.tolist()
        self.officers: list[int] = roster.officers.tolist()
        self.crews: dict[int, tuple[int, ...]] = {}  # incident -> its units, when several
        straight = np.isfinite(trace.x_km) & np.isnan(trace.travel)
        self._straight: list[bool] = straight.tolist()  # travel estimated from positions
        self._turnout = config.turnout_minutes
        self._unit_where: list[complex] = (roster.x_km + 1j * roster.y_km).tolist()
        self._length: list[float] = roster.shift_length.tolist()
        self.free = [True] * m
        self.on_duty: list[bool] = roster.on_duty(0.0).tolist()
        self.dispatched = [math.nan] * n
        self.arrived = [math.nan] * n
        self.travel = [math.nan] * n
        self.unit = [-1] * n
        self.busy_minutes = [0.0] * m
        self.busy_count = 0
        self.events = 0
        self.heap: list[tuple[float, int, int]] = []
        self.cost = np.empty(m)
        if tables:
            self.design, self.probe = self._nearest_tables()
        self._schedule_shifts()

    # --- tables -------------------------------------------------------------------------

    def _nearest_tables(self) -> tuple[FloatArray, FloatArray]:
        """Tables that make "nearest ready unit with the skills" one matrix-vector product.

        Row u of the design holds (x_u, y_u, x_u^2 + y_u^2, one column per required skill
        set: 0.0 when u is ready and holds those skills, else ``BLOCKED``, and last a
        column 0.0 when u is ready at all); row i of the probe holds (-2 x_i, -2 y_i, 1,
        then 1 in the column of i's skill set, 0 elsewhere). Their product is
        |u - i|^2 - |i|^2 for a ready, skilled unit and at least ``BLOCKED`` otherwise. An
        incident with no position probes only its skill column, so the first ready unit
        with the skills wins. ``BLOCKED`` is finite so that 0 x ``BLOCKED`` is 0.
        """
        trace, roster = self.trace, self.roster
        masks = sorted(set(self._needs))
        column = {k: j for j, k in enumerate(masks)}
        held = roster.skills.tolist()
        ready = np.array([[0.0 if k & h == k else BLOCKED for k in masks] + [0.0] for h in held])
        self._ready_row = ready.reshape(len(held), len(masks) + 1)
        self._unready_row = np.full(len(masks) + 1, BLOCKED)
        on = np.array(self.on_duty, dtype=np.bool_)[:, None]
        design = np.column_stack([
            roster.x_km, roster.y_km, roster.x_km**2 + roster.y_km**2,
            np.where(on, self._ready_row, BLOCKED),
        ])  # fmt: skip
        known = np.isfinite(trace.x_km)
        x, y = np.where(known, trace.x_km, 0.0), np.where(known, trace.y_km, 0.0)
        probe = np.zeros((len(trace), 4 + len(masks)))
        probe[:, 0], probe[:, 1], probe[:, 2] = -2 * x, -2 * y, known
        probe[np.arange(len(trace)), 3 + np.array([column[k] for k in self._needs], int)] = 1.0
        busy = np.column_stack(
            [x, y, x * x + y * y, np.full((len(trace), len(masks) + 1), BLOCKED)]
        )
        self._busy_row = busy
        return design, probe

    def _schedule_shifts(self) -> None:
        r = self.roster
        phase = np.mod(r.clock_offset - r.shift_start, DAY_MINUTES)
        for u in np.flatnonzero(r.shift_length < DAY_MINUTES).tolist():
            if self.on_duty[u]:
                self.heap.append((float(r.shift_length[u] - phase[u]), u, SHIFT_OFF))
            else:
                self.heap.append((float(DAY_MINUTES - phase[u]), u, SHIFT_ON))
        heapq.heapify(self.heap)

    # --- reading ------------------------------------------------------------------------

    def ready_units(self) -> IntArray:
        """Indexes of the units ready now."""
        ready: BoolArray = self.design[:, -1] == 0.0
        return np.flatnonzero(ready)

    def unit_positions(self) -> np.ndarray:
        """Where every unit is now, as complex planar km."""
        return self.design[:, 0] + 1j * self.design[:, 1]

    def nearest_ready(self, i: int) -> int:
        """The nearest ready unit holding incident ``i``'s skills; -1 if none (ties: lowest)."""
        cost = np.matmul(self.design, self.probe[i], out=self.cost)
        u = int(cost.argmin())
        return -1 if cost[u] >= BLOCKED else u

    def crew_for(self, i: int, first: int | None = None) -> list[int]:
        """The nearest complete crew of ready units for incident ``i`` ([]: none now).

        Candidates are the ready units holding ``i``'s skills, nearest first by Python's
        ``abs(complex)`` (ties: lowest index; an incident with no position: index order);
        ``first`` (a unit that has just become ready) goes ahead of them all.
        """
        cost = np.matmul(self.design, self.probe[i])
        able: list[int] = np.flatnonzero(cost < BLOCKED).tolist()
        if first is not None:
            able = [u for u in able if u != first]
        if self._known[i]:
            z, where = self._where[i], self._unit_where
            able.sort(key=lambda u: (abs(where[u] - z), u))
        if first is not None:
            able.insert(0, first)
        return complete_crew(able, self.officers, self.crew_need[i])

    def crew_travel(self, units: list[int], i: int) -> float:
        """Estimated minutes until the crew ``units`` is complete at incident ``i``."""
        return max(self.estimate(i, self.km(u, i)) for u in units)

    def km(self, u: int, i: int) -> float:
        """Straight-line km from unit ``u`` to incident ``i`` (NaN: a position unknown).

        Python's ``abs(complex)`` (libm ``hypot``), the same arithmetic a plain-Python model
        uses; NumPy's complex ``abs`` can differ in the last bit.
        """
        return abs(self._unit_where[u] - self._where[i])

    def estimate(self, i: int, distance: float) -> float:
        """Estimated minutes to reach incident ``i`` from ``distance`` km away."""
        observed = self._observed[i]
        if not math.isnan(observed):  # the trace's own travel time wins
            return observed
        if math.isnan(distance):  # a position is unknown
            return self.config.unknown_travel_minutes
        return self.config.turnout_minutes + distance * self._per_km[i]

    # --- changing -----------------------------------------------------------------------

    def send(self, u: int, i: int, t: float) -> None:
        """Send unit ``u`` to incident ``i`` at ``t``; schedules the unit's clearing."""
        distance = abs(self._unit_where[u] - self._where[i])
        if self._straight[i]:  # the common case of estimate(), inlined for speed
            travel = (self._turnout + distance * self._per_km[i]) * self._factor[i]
        else:
            travel = self.estimate(i, distance) * self._factor[i]
        clear = t + (travel + self._service[i])
        self.dispatched[i] = t
        self.arrived[i] = t + travel
        self.travel[i] = travel
        self.unit[i] = u
        self.busy_minutes[u] += clear - t
        self.free[u] = False
        self.busy_count += 1
        if self._known[i]:  # the unit clears at the scene: its row moves there, not ready
            self._unit_where[u] = self._where[i]
            self.design[u] = self._busy_row[i]
        else:
            self.design[u, 3:] = self._unready_row
        heapq.heappush(self.heap, (clear, u, UNIT_FREE))

    def send_crew(self, units: list[int], i: int, t: float) -> None:
        """Send every unit of a complete crew to incident ``i`` at ``t``.

        The incident's arrival, travel and unit are those of the unit that completes the
        crew (the latest to arrive; ties: the earliest in ``units``); every unit of the
        crew clears together, the on-scene time after that.
        """
        if len(units) == 1:
            self.send(units[0], i, t)
            return
        z, factor = self._where[i], self._factor[i]
        travels = []
        for u in units:
            distance = abs(self._unit_where[u] - z)
            if self._straight[i]:
                travels.append((self._turnout + distance * self._per_km[i]) * factor)
            else:
                travels.append(self.estimate(i, distance) * factor)
        travel = max(travels)
        clear = t + (travel + self._service[i])
        self.dispatched[i] = t
        self.arrived[i] = t + travel
        self.travel[i] = travel
        self.unit[i] = units[travels.index(travel)]
        self.crews[i] = tuple(units)
        for u in units:
            self.busy_minutes[u] += clear - t
            self.free[u] = False
            self.busy_count += 1
            if self._known[i]:
                self._unit_where[u] = z
                self.design[u] = self._busy_row[i]
            else:
                self.design[u, 3:] = self._unready_row
            heapq.heappush(self.heap, (clear, u, UNIT_FREE))

    def apply(self, u: int, kind: int, t: float) -> bool:
        """Apply one unit event; True when the unit has just become ready."""
        self.events += 1
        if kind == UNIT_FREE:
            self.free[u] = True
            self.busy_count -= 1
        elif kind == SHIFT_ON:
            self.on_duty[u] = True
            heapq.heappush(self.heap, (t + self._length[u], u, SHIFT_OFF))
        else:
            self.on_duty[u] = False
            self.design[u, 3:] = self._unready_row
            heapq.heappush(self.heap, (t + DAY_MINUTES - self._length[u], u, SHIFT_ON))
            return False
        if self.free[u] and self.on_duty[u]:
            self.design[u, 3:] = self._ready_row[u]
            return True
        return False

    def outputs(self) -> tuple[FloatArray, FloatArray, FloatArray, IntArray, FloatArray]:
        """(dispatched, arrived, travel, unit, busy minutes per unit) as arrays."""
        return (
            np.array(self.dispatched, dtype=np.float64),
            np.array(self.arrived, dtype=np.float64),
            np.array(self.travel, dtype=np.float64),
            np.array(self.unit, dtype=np.int64),
            np.array(self.busy_minutes, dtype=np.float64),
        )
