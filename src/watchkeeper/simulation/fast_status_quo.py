"""The status-quo run as one specialised loop: a spatial grid instead of a matrix product.

Same model, same decisions as :class:`watchkeeper.simulation.policies.StatusQuo` driven by
``engine._loop`` (and as the plain SimPy model in ``benchmarks/simpy_reference.py``), only
cheaper per event:

* "the nearest ready unit holding the skills" searches a uniform grid of cells over the
  area holding the ready units (one grid for all units, one more per required skill set
  that not every unit holds). The search starts with the 2 x 2 cells around the incident
  and grows by rings of cells; it stops once the next ring cannot hold anything closer
  than the best found (see :meth:`_Grid.locate`). Distances are Python's
  ``abs(complex)`` and ties go to the lowest unit index: the very key the SimPy model's
  ``min`` uses, so the pick is identical;
* a skill set held by only a few units is scanned directly; an incident with no position
  takes the lowest-indexed ready unit with the skills (as the matrix path does);
* the loop runs over Python lists and local names, with no per-event NumPy call; while
  nobody is queued it applies unit events in one tight run before each arrival;
* an incident needing more officers than one unit carries takes its crew from repeated
  nearest-unit searches, each found unit hidden from the next search (so candidates come
  in the same (distance, index) order the general path sorts them in), then
  ``state.complete_crew`` as the general path does.

Every output (dispatch, arrival and travel times, units, busy minutes, event count, end
time) equals the general path's; ``tests/unit/simulation`` runs both. Used for every
status-quo run whose unit positions are all finite (always so for rosters from
:func:`watchkeeper.simulation.roster.build_roster`); anything else keeps the general path.
"""

from __future__ import annotations

import math
from collections import deque
from heapq import heappop, heappush

import numpy as np

from watchkeeper.simulation.roster import DAY_MINUTES, Roster
from watchkeeper.simulation.state import (
    SHIFT_OFF,
    SHIFT_ON,
    UNIT_FREE,
    RunState,
    complete_crew,
)

DRAIN_MINUTES = 7 * 1440.0  # as engine.DRAIN_MINUTES
SCAN_BELOW = 8  # a skill set held by at most this many units is scanned, not searched
CELLS_PER_UNIT = 0.3  # grid resolution: about three units per cell when all are ready (tuned)
MAX_CELLS = 1 << 16
SLACK_KM = 1e-6  # rounding margin on the ring bound: only ever searches further


def applies(roster: Roster) -> bool:
    """Whether the fast loop can run this roster (every unit has a finite position)."""
    return bool(np.isfinite(roster.x_km).all() and np.isfinite(roster.y_km).all())


class _Grid:
    """Cell geometry: origin, cell size, shape, and each cell's rings of neighbours."""

    def __init__(self, xs: np.ndarray, ys: np.ndarray, units: int) -> None:
        self.x0, self.y0 = float(xs.min()), float(ys.min())
        width, height = float(xs.max()) - self.x0, float(ys.max()) - self.y0
        cells = min(max(1.0, units * CELLS_PER_UNIT), MAX_CELLS)
        if width > 0 and height > 0:
            size = math.sqrt(width * height / cells)
        else:
            size = max(width, height) / cells
        size = max(size, (width + height) / MAX_CELLS, 1e-9)
        self.size = size
        self.nx = min(int(width / size) + 1, MAX_CELLS)
        self.ny = min(int(height / size) + 1, MAX_CELLS // self.nx)
        self.cached: list[list[list[int]] | None] = [None] * ((self.nx + 1) * (self.ny + 1))

    def locate(self, x: np.ndarray, y: np.ndarray) -> tuple[list[int], list[int], list[float]]:
        """Per point: its cell (-1: no position), its anchor, and its search base in km.

        The anchor is the 2 x 2 block of cells whose centre is nearest the point; the point
        lies at least ``gap`` cells (0.5 to 1) inside that block's border, so anything
        outside the block of level ``L`` (2L x 2L cells around the anchor) is at least
        ``(gap + L - 1) x size`` km away. ``base`` is ``(gap - 1) x size`` less a rounding
        slack; see :meth:`rings`.
        """
        known = np.isfinite(x) & np.isfinite(y)
        fx = np.clip(np.where(known, (x - self.x0) / self.size, 0.0), 0.0, self.nx)
        fy = np.clip(np.where(known, (y - self.y0) / self.size, 0.0), 0.0, self.ny)
        cx = np.minimum(np.floor(fx), self.nx - 1)
        cy = np.minimum(np.floor(fy), self.ny - 1)
        cell = np.where(known, cy * self.nx + cx, -1).astype(np.int64)
        ax, ay = np.floor(fx - 0.5), np.floor(fy - 0.5)  # from -1 to n - 1
        anchor = ((ay + 1) * (self.nx + 1) + (ax + 1)).astype(np.int64)
        gap = np.minimum(np.minimum(fx - ax, ax + 2 - fx), np.minimum(fy - ay, ay + 2 - fy))
        base = (np.clip(gap, 0.0, 1.0) - 1.0) * self.size - SLACK_KM
        return cell.tolist(), anchor.tolist(), base.tolist()

    def rings(self, anchor: int) -> list[list[int]]:
        """Cells of the block of level 1 (2 x 2) around ``anchor``, then of each next level
        not in the one before (rings of 12, 20, ... cells), clipped to the grid.

        Searching ring ``L`` (from 1) is needed only while ``base + L x size`` does not
        exceed the best distance found so far. Cached per anchor, and built two levels at a
        time: :meth:`grow` adds the next when a search needs it.
        """
        found = self.cached[anchor]
        if found is None:
            found = self.cached[anchor] = []
            self.grow(anchor)
            self.grow(anchor)
        return found

    def grow(self, anchor: int) -> bool:
        """Add the next ring to ``anchor``'s cached list; False when the grid is covered."""
        found = self.cached[anchor]
        assert found is not None
        nx, ny, level = self.nx, self.ny, len(found) + 1
        ax, ay = anchor % (nx + 1) - 1, anchor // (nx + 1) - 1
        x0, x1, y0, y1 = ax - level + 1, ax + level, ay - level + 1, ay + level
        xs = range(max(0, x0), min(nx, x1 + 1))
        ring = [y * nx + x for y in (y0, y1) if 0 <= y < ny for x in xs]
        ring += [
            y * nx + x for y in range(max(0, y0 + 1), min(ny, y1)) for x in (x0, x1) if 0 <= x < nx
        ]
        if ring:
            found.append(ring)
        return bool(ring)


def run(state: RunState) -> float:  # noqa: C901, PLR0912, PLR0915 - kept whole for speed
    """Run ``state`` to the end under the status quo; returns the time of the last event.

    Fills ``state.dispatched``/``arrived``/``travel``/``unit``/``busy_minutes`` and
    ``state.events`` exactly as ``engine._loop`` with the ``StatusQuo`` policy does.

    Clearing times live in their own heap, shift changes in ``state.heap``. While nobody is
    queued, unit events only change who is ready (their order among themselves does not
    matter), so the loop applies every unit event due up to the next arrival in one tight
    run (unit events come before arrivals at equal times, as in the engine) and then serves
    the arrival, written out inline. With a queue it goes epoch by epoch, the events at one
    time in (unit, kind) order as the engine's single heap pops them, through the helpers.
    A unit that became ready and went off duty in the same epoch takes nothing from the
    queue (neither does ``StatusQuo.unit_ready``: no off-duty dispatch); a ready unit keeps
    taking incidents while it is still ready (under crewing, its turn may send others).
    """
    trace, roster = state.trace, state.roster
    m = len(roster)
    located = np.isfinite(trace.x_km) & np.isfinite(trace.y_km)
    grid = _Grid(
        np.concatenate([roster.x_km, trace.x_km[located]]),
        np.concatenate([roster.y_km, trace.y_km[located]]),
        m,
    )
    icell, ianchor, ibase = grid.locate(trace.x_km, trace.y_km)
    ucell = grid.locate(roster.x_km, roster.y_km)[0]
    rings_of, size = grid.rings, grid.size

    # Required skill sets. Slot ALL is every ready unit; each set j that not every unit
    # holds has its own slot j. A slot has a grid (ready units per cell) and a count of
    # ready units; members[u] lists the (grid, slot) pairs unit u belongs to.
    needs = state._needs
    held = roster.skills.tolist()
    mask_array, index_array = np.unique(trace.skills, return_inverse=True)
    masks: list[int] = mask_array.tolist()
    need_index: list[int] = index_array.ravel().tolist()
    can = [[k & h == k for h in held] for k in masks]
    capable = [[u for u in range(m) if row[u]] for row in can]
    universal = [len(units) == m for units in capable]
    ALL = len(masks)  # noqa: N806 - a constant of this run
    slot = [ALL if universal[j] else j for j in range(ALL)]
    counted = [[ALL] + [j for j in range(ALL) if can[j][u] and not universal[j]] for u in range(m)]
    ready = [0] * (ALL + 1)
    grids: list[list[list[int]]] = [[[] for _ in range(grid.nx * grid.ny)] for _ in ready]
    cells = grids[ALL]
    members = [[(grids[k], k) for k in ks] for ks in counted]
    few = [len(units) <= SCAN_BELOW for units in capable]
    common: list[bool] = (
        np.array([universal[j] and not few[j] for j in range(ALL)], dtype=np.bool_)[
            index_array.ravel()
        ]
        & located
        & (trace.crew == 1)
    ).tolist()  # a located incident needing one officer, with skills every unit holds

    # Per-incident and per-unit lists (shared with the state, which builds the outputs).
    received, where, unit_where = state.received, state._where, state._unit_where
    straight, known, per_km = state._straight, state._known, state._per_km
    factor, service, turnout = state._factor, state._service, state._turnout
    estimate, length = state.estimate, state._length
    dispatched, arrived, travel_out = state.dispatched, state.arrived, state.travel
    unit_out, busy_minutes = state.unit, state.busy_minutes
    free, on_duty, shifts = state.free, state.on_duty, state.heap
    grade_of = trace.grade.tolist()
    crew_need, officers, crews = state.crew_need, state.officers, state.crews
    # Heap of (clearing time, unit); the (inf, -1) sentinel is never due.
    clears: list[tuple[float, int]] = [(math.inf, -1)]

    # The status quo's queue: one FIFO per (grade, required skills, crew), as StatusQuo
    # keeps it.
    queues: dict[int, list[tuple[int, int, deque[int]]]] = {0: [], 1: [], 2: []}
    keyed: dict[tuple[int, int, int], deque[int]] = {}

    def add(u: int) -> None:
        c = ucell[u]
        for g, k in members[u]:
            g[c].append(u)
            ready[k] += 1

    def drop(u: int) -> None:
        c = ucell[u]
        for g, k in members[u]:
            g[c].remove(u)
            ready[k] -= 1

    def send(u: int, i: int, t: float) -> None:
        """Unit ``u`` to incident ``i`` at ``t`` (as ``RunState.send``); the caller counts it."""
        z = where[i]
        distance = abs(unit_where[u] - z)
        if straight[i]:
            travel = (turnout + distance * per_km[i]) * factor[i]
        else:
            travel = estimate(i, distance) * factor[i]
        clear = t + (travel + service[i])
        dispatched[i] = t
        arrived[i] = t + travel
        travel_out[i] = travel
        unit_out[i] = u
        busy_minutes[u] += clear - t
        if free[u] and on_duty[u]:
            drop(u)
        free[u] = False
        if known[i]:  # the unit clears at the scene
            unit_where[u] = z
            ucell[u] = icell[i]
        heappush(clears, (clear, u))

    def farther(
        a: int, bound: float, z: complex, near: list[list[int]], *, best_u: int, best_d: float
    ) -> tuple[int, float]:
        """Carry a search on past the rings built so far for anchor ``a``."""
        rings = grid.cached[a]
        assert rings is not None
        k = len(rings)
        while bound <= best_d and grid.grow(a):
            bound += size
            for cell in rings[k]:
                for u in near[cell]:
                    d = abs(unit_where[u] - z)
                    if d <= best_d and (d < best_d or u < best_u):
                        best_u, best_d = u, d
            k += 1
        return best_u, best_d

    def scan(i: int, j: int) -> int:
        """:func:`nearest` by looking at every unit holding skill set ``j``."""
        z, located_i = where[i], icell[i] >= 0
        best_u, best_d = -1, math.inf
        for u in capable[j]:
            if free[u] and on_duty[u]:
                if not located_i:  # no position: the first ready unit with the skills
                    return u
                d = abs(unit_where[u] - z)
                if d < best_d:  # capable[j] is in index order: ties keep the first
                    best_u, best_d = u, d
        return best_u

    def nearest(i: int) -> int:
        """Nearest ready unit for ``i`` holding its skills (-1: none); ties: lowest index."""
        j = need_index[i]
        if not ready[slot[j]]:
            return -1
        if icell[i] < 0 or few[j]:
            return scan(i, j)
        z, near = where[i], grids[slot[j]]
        best_u, best_d = -1, math.inf
        a, bound = ianchor[i], ibase[i]  # ring L is at least base + L x size away
        for ring in rings_of(a):
            if bound > best_d:
                break
            bound += size
            for cell in ring:
                for u in near[cell]:
                    d = abs(unit_where[u] - z)
                    if d <= best_d and (d < best_d or u < best_u):
                        best_u, best_d = u, d
        else:
            best_u, best_d = farther(a, bound, z, near, best_u=best_u, best_d=best_d)
        return best_u

    def crew_pick(i: int, first: int) -> list[int]:
        """The nearest complete crew for ``i`` (``first``, when >= 0, ahead of the rest)."""
        need, order, total = crew_need[i], [], 0
        if first >= 0:
            order.append(first)
            total += officers[first]
            drop(first)
            free[first] = False
        while total < need:
            v = nearest(i)
            if v < 0:
                break
            order.append(v)
            total += officers[v]
            drop(v)
            free[v] = False
        for v in order:
            free[v] = True
            add(v)
        return complete_crew(order, officers, need) if total >= need else []

    def send_crew(units: list[int], i: int, t: float) -> None:
        """Every unit of a complete crew to ``i`` at ``t`` (as ``RunState.send_crew``)."""
        if len(units) == 1:
            send(units[0], i, t)
            return
        z, f = where[i], factor[i]
        travels = []
        for u in units:
            distance = abs(unit_where[u] - z)
            if straight[i]:
                travels.append((turnout + distance * per_km[i]) * f)
            else:
                travels.append(estimate(i, distance) * f)
        travel = max(travels)
        clear = t + (travel + service[i])
        dispatched[i] = t
        arrived[i] = t + travel
        travel_out[i] = travel
        unit_out[i] = units[travels.index(travel)]
        crews[i] = tuple(units)
        for u in units:
            busy_minutes[u] += clear - t
            if free[u] and on_duty[u]:
                drop(u)
            free[u] = False
            if known[i]:
                unit_where[u] = z
                ucell[u] = icell[i]
            heappush(clears, (clear, u))

    def serve(i: int, t: float) -> bool:
        """Send ``i`` its nearest unit (or complete crew) now; False when none can go."""
        if crew_need[i] > 1:
            units = crew_pick(i, -1)
            if not units:
                return False
            send_crew(units, i, t)
            return True
        u = nearest(i)
        if u < 0:
            return False
        send(u, i, t)
        return True

    def enqueue(i: int) -> None:
        key = (grade_of[i], needs[i], crew_need[i])
        queue = keyed.get(key)
        if queue is None:
            queue = keyed[key] = deque()
            queues[key[0]].append((key[1], key[2], queue))
        queue.append(i)

    def take(t: float, u: int) -> bool:
        """Ready unit ``u`` takes the first incident it can crew (as ``StatusQuo._take``)."""
        h, off = held[u], officers[u]
        for grade in (0, 1, 2):
            # The common case first: the longest-waiting head u can serve needs no more
            # officers than u carries (the first in queue order among equal times, as the
            # stable sort below puts it first).
            best: deque[int] | None = None
            best_crew = 0
            for mask, crew, queue in queues[grade]:
                if (
                    queue
                    and mask & h == mask
                    and (best is None or received[queue[0]] < received[best[0]])
                ):
                    best, best_crew = queue, crew
            if best is None:
                continue
            if best_crew <= off:
                send(u, best.popleft(), t)
                return True
            heads = [
                (received[queue[0]], crew, queue)
                for mask, crew, queue in queues[grade]
                if queue and mask & h == mask
            ]
            heads.sort(key=lambda head: head[0])  # stable: equal times keep queue order
            for _, crew, queue in heads:
                units = [u] if crew <= off else crew_pick(queue[0], u)
                if units:
                    send_crew(units, queue.popleft(), t)
                    return True
        return False

    def apply(u: int, kind: int, t: float) -> bool:
        """One unit event (as ``RunState.apply``); True when the unit has just become ready."""
        if kind == UNIT_FREE:
            free[u] = True
            if not on_duty[u]:
                return False
        elif kind == SHIFT_ON:
            on_duty[u] = True
            heappush(shifts, (t + length[u], u, SHIFT_OFF))
            if not free[u]:
                return False
        else:
            if free[u] and on_duty[u]:
                drop(u)
            on_duty[u] = False
            heappush(shifts, (t + DAY_MINUTES - length[u], u, SHIFT_ON))
            return False
        add(u)
        return True

    for u in range(m):
        if free[u] and on_duty[u]:
            add(u)

    n, i, t, inf = len(received), 0, 0.0, math.inf
    waiting = shift_events = 0
    next_shift = shifts[0][0] if shifts else inf
    cells_near = grid.cached
    cutoff = (received[-1] if n else 0.0) + DRAIN_MINUTES
    # Busy units are those with a clearing time pending: len(clears) > 1.
    while i < n or waiting or len(clears) > 1:
        if i < n and not waiting:
            # Nobody queued: apply the unit events due by each arrival, then serve it.
            while i < n:
                t = received[i]
                while clears[0][0] <= t:
                    u = heappop(clears)[1]
                    free[u] = True
                    if on_duty[u]:  # add(u), written out
                        c = ucell[u]
                        for g, k in members[u]:
                            g[c].append(u)
                            ready[k] += 1
                if next_shift <= t:
                    while shifts and shifts[0][0] <= t:
                        at, u, kind = heappop(shifts)
                        shift_events += 1
                        apply(u, kind, at)
                    next_shift = shifts[0][0] if shifts else inf
                if common[i] and ready[ALL]:
                    # nearest(i) for a located incident whose skills every unit holds, inline
                    z = where[i]
                    u, best_d = -1, inf
                    a = ianchor[i]
                    bound = ibase[i]  # ring L is at least base + L x size away
                    for ring in cells_near[a] or rings_of(a):
                        if bound > best_d:
                            break
                        bound += size
                        for cell in ring:
                            for v in cells[cell]:
                                d = abs(unit_where[v] - z)
                                if d <= best_d and (d < best_d or v < u):
                                    u, best_d = v, d
                    else:
                        u, best_d = farther(a, bound, z, cells, best_u=u, best_d=best_d)
                elif crew_need[i] > 1:
                    if serve(i, t):
                        i += 1
                        continue
                    u = -1
                else:
                    u = nearest(i)
                    z = where[i]
                    best_d = abs(unit_where[u] - z)  # (u < 0: not used)
                if u < 0:  # queued: from now on, epoch by epoch
                    enqueue(i)
                    waiting += 1
                    i += 1
                    break
                else:  # send(u, i, t), written out; best_d is abs(unit_where[u] - z)
                    distance = best_d
                    if straight[i]:
                        travel = (turnout + distance * per_km[i]) * factor[i]
                    else:
                        travel = estimate(i, distance) * factor[i]
                    clear = t + (travel + service[i])
                    dispatched[i] = t
                    arrived[i] = t + travel
                    travel_out[i] = travel
                    unit_out[i] = u
                    busy_minutes[u] += clear - t
                    free[u] = False
                    c = ucell[u]
                    for g, k in members[u]:
                        g[c].remove(u)
                        ready[k] -= 1
                    if known[i]:
                        unit_where[u] = z
                        ucell[u] = icell[i]
                    heappush(clears, (clear, u))
                i += 1
            continue
        # Someone is queued (or every incident has arrived): epoch by epoch.
        t_arrival = received[i] if i < n else inf
        t_clear = clears[0][0]
        t_shift = shifts[0][0] if shifts else inf
        t_unit = t_clear if t_clear < t_shift else t_shift
        if t_arrival < t_unit:
            t = t_arrival
            if not serve(i, t):
                enqueue(i)
                waiting += 1
            i += 1
            continue
        t = t_unit
        if t > cutoff or t == inf:
            break
        # Every unit event at t, in (unit, kind) order as the engine's single heap pops them.
        events = []
        while clears[0][0] == t:
            events.append((heappop(clears)[1], UNIT_FREE))
        while shifts and shifts[0][0] == t:
            _, u, kind = heappop(shifts)
            events.append((u, kind))
            shift_events += 1
        next_shift = shifts[0][0] if shifts else inf
        if len(events) > 1:
            events.sort()
        epoch = []
        for u, kind in events:
            if apply(u, kind, t):
                epoch.append(u)
        # The units that became ready take from the queue in that order, then the
        # incidents received at t, in order.
        for u in epoch:
            while waiting and free[u] and on_duty[u] and take(t, u):
                waiting -= 1
        while i < n and received[i] == t:
            if not serve(i, t):
                enqueue(i)
                waiting += 1
            i += 1
    pending = len(clears) - 1  # units still busy at the end
    sent = len(unit_out) - unit_out.count(-1) + sum(len(c) - 1 for c in crews.values())
    state.busy_count = pending
    # every unit event (each send's clearing, unless still pending) and every arrival
    state.events += shift_events + sent - pending + i
    return t
