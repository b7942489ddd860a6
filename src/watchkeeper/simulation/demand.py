"""Demand replayed from the store: the incidents logged in a window, as a simulator trace.

The read goes through the access rules like every read of incidents: the actor needs
``simulation.replay`` (control-room supervisors and analysts, ``access.model``); a refusal
is audited, and so is the read (the window and how many incidents were read), committed
before anything is returned. What leaves this service is the trace and the roster: times,
grade, attendance target, area, planar position, vulnerability flag, risk points, required
skills and crew — never a name, an address, a caller or free text. The incident states
themselves stay inside.

The planar frame is centred on the mean position of the window's located incidents; a
rostered area's units start at the mean position of that area's located incidents. A log
without positions (the San Luis Obispo export has none) leaves every position unknown, so
travel is the dispatch configuration's ``forecast.unknown_travel_minutes``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.access.ports import AuditUnitOfWork
from watchkeeper.dispatch.config import DispatchConfig
from watchkeeper.incidents.model import IncidentState
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.kernel.clock import Clock, ensure_utc
from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.incident_trace import ScenarioInputs, scenario_inputs
from watchkeeper.simulation.scenario import Scenario
from watchkeeper.simulation.trace import planar_km

RECORD_TYPE = "incident-window"


class LoggedIncidents(Protocol):
    """The store's incidents logged in ``[start, end)``, with their whole logs folded."""

    def __call__(self, start: datetime, end: datetime) -> Sequence[IncidentState]: ...


def frame_of(states: Sequence[IncidentState]) -> tuple[float, float]:
    """The planar frame's centre (lat, lon): the mean of the located incidents (0, 0: none)."""
    points = [
        (s.location.lat, s.location.lon)
        for s in states
        if s.location.lat is not None and s.location.lon is not None
    ]
    if not points:
        return (0.0, 0.0)
    return (
        math.fsum(p[0] for p in points) / len(points),
        math.fsum(p[1] for p in points) / len(points),
    )


def area_centres(
    states: Sequence[IncidentState], centre: tuple[float, float]
) -> dict[str, tuple[float, float]]:
    """Planar km centre of each area: the mean of its located incidents ((0, 0): none)."""
    sums: dict[str, list[float]] = {}
    for s in states:
        tally = sums.setdefault(s.location.area, [0.0, 0.0, 0.0])
        if s.location.lat is not None and s.location.lon is not None:
            x, y = planar_km(s.location.lat, s.location.lon, centre)
            tally[0] += x
            tally[1] += y
            tally[2] += 1
    return {area: (x / n, y / n) if n else (0.0, 0.0) for area, (x, y, n) in sorted(sums.items())}


class StoreDemand:
    """The simulator's audited, role-checked read of the incident store."""

    def __init__(
        self,
        read: LoggedIncidents,
        clock: Clock,
        context: tuple[ForceProfile, DispatchConfig],
        audit_uow_factory: Callable[[], AuditUnitOfWork],
    ) -> None:
        self._read = read
        self._profile, self._dispatch = context
        self._trail = AuditTrail(audit_uow_factory, clock)

    def scenario_inputs(self, actor: Actor, scenario: Scenario) -> ScenarioInputs:
        """Trace, roster and configuration for a scenario whose trace source is ``store``:
        the incidents logged in ``[trace.start, trace.start + trace.hours)``.

        Raises ``PermissionDenied`` (audited) without ``simulation.replay``, and
        ``InputError`` for a window with no incidents or a roster that does not fit them.
        """
        source = scenario.trace
        if source.kind != "store":
            raise InputError(f"scenario: 'trace.source' is {source.kind!r}, not 'store'")
        start = ensure_utc(source.start)
        end = start + timedelta(hours=source.hours)
        window = f"{start.isoformat()}..{end.isoformat()}"
        self._trail.authorise(actor, Permission.SIMULATION_REPLAY, (RECORD_TYPE, window))
        states = self._read(start, end)
        self._trail.read(
            actor,
            Permission.SIMULATION_REPLAY.value,
            (RECORD_TYPE, window),
            f"{len(states)} incidents read as simulator demand (no personal data kept)",
        )
        if not states:
            raise InputError(
                f"scenario: no incidents were logged in {window} (fields: trace.start, "
                "trace.end, or --from/--to): import the log first ('watchkeeper import')"
            )
        centre = frame_of(states)
        return scenario_inputs(
            scenario,
            states,
            (self._profile, self._dispatch),
            centre=centre,
            area_centres=area_centres(states, centre),
        )
