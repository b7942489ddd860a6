"""Machine-readable reasons: why each unit was picked, and why an incident got none.

Every pick and every shortfall carries reasons with a stable ``code`` (what a screen or
an API client switches on), a ``detail`` in words, and where useful a number (``value``)
or the id of another record (``ref``). Resgrid returns a reason with each dispatch
recommendation; Watchkeeper also explains every incident left without a unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from watchkeeper.dispatch.pairing import PairTable
from watchkeeper.dispatch.units import Unit, UnitStatus
from watchkeeper.kernel.ids import IncidentId

NO_LOCATION = "no-location"
NO_UNIT_WITH_SKILL = "no-unit-with-skill"  # suffixed ":<skill>"
NO_UNIT_WITH_ALL_SKILLS = "no-unit-with-all-skills"
NO_SUITABLE_UNIT_ON_DUTY = "no-suitable-unit-on-duty"
ALL_SUITABLE_COMMITTED = "all-suitable-units-committed"
SUITABLE_WITHOUT_POSITION = "suitable-units-without-position"
SHIFT_ENDS_BEFORE_ARRIVAL = "shift-ends-before-arrival"
OUTRANKED_BY = "outranked-by"
NEAREST_FREE_UNIT_TOO_FAR = "nearest-free-unit-too-far"


@dataclass(frozen=True, slots=True)
class Reason:
    """One machine-readable reason: a stable code, words, and an optional number or id."""

    code: str
    detail: str
    value: float | None = None
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Pick:
    """A recommended unit for an incident, with the reasons for it."""

    incident_id: IncidentId
    unit: str
    arrival_minutes: float
    lateness_minutes: float
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True, slots=True)
class Shortfall:
    """An incident left with fewer units than it needs, and why."""

    incident_id: IncidentId
    units_short: int
    units_needed: int
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Picks and shortfalls at ``as_of``; ``weighted_lateness`` is the objective's value."""

    as_of: datetime
    method: str
    picks: tuple[Pick, ...]
    shortfalls: tuple[Shortfall, ...]
    weighted_lateness: float

    def picks_for(self, incident_id: IncidentId) -> tuple[Pick, ...]:
        return tuple(p for p in self.picks if p.incident_id == incident_id)


def pick_reasons(table: PairTable, row: int, col: int, slot: int) -> tuple[Reason, ...]:
    """Why unit ``row`` goes to demand ``col``: risk, travel, skills, timeliness."""
    demand, unit = table.demands[col], table.candidates[row]
    arrival = float(table.travel[row, col])
    required = sorted(demand.needs.required)
    matched = sorted(demand.needs.preferred & unit.skills)
    reasons = [
        Reason("risk", f"risk score {demand.score:.1f}", demand.score),
        Reason("travel-estimate", f"{arrival:.1f} min from {unit.call_sign}", arrival),
        Reason("skill-match", f"holds required skills: {', '.join(required) or 'none needed'}"),
    ]
    if matched:
        reasons.append(Reason("preferred-skill", f"also {', '.join(matched)}", len(matched)))
    if demand.needs.crewing > 1:
        reasons.append(Reason("crewing", f"unit {slot} of {demand.needs.crewing}", slot))
    reasons.append(_timeliness(arrival, float(table.minutes_to_deadline[col])))
    return tuple(reasons)


def _timeliness(arrival: float, to_deadline: float) -> Reason:
    if not np.isfinite(to_deadline):
        return Reason("no-deadline", "no attendance deadline applies")
    if arrival <= to_deadline:
        slack = to_deadline - arrival
        return Reason("on-time", f"arrives {slack:.1f} min before the deadline", slack)
    late = arrival - to_deadline
    return Reason("late-by", f"arrives {late:.1f} min after the deadline", late)


def unit_gaps(required: frozenset[str], units: Sequence[Unit], now: datetime) -> list[Reason]:
    """Reasons found in the units alone: missing skills, nobody on duty or free."""
    missing = sorted(s for s in required if not any(s in u.skills for u in units))
    if missing:
        return [Reason(f"{NO_UNIT_WITH_SKILL}:{s}", f"no unit has the skill {s}") for s in missing]
    suitable = [u for u in units if u.has_skills(required)]
    if not suitable:
        return [Reason(NO_UNIT_WITH_ALL_SKILLS, f"no unit holds all of {sorted(required)}")]
    on_duty = [u for u in suitable if u.on_shift(now)]
    if not on_duty:
        return [Reason(NO_SUITABLE_UNIT_ON_DUTY, f"{len(suitable)} suitable unit(s), none on duty")]
    free = [u for u in on_duty if u.status is UnitStatus.AVAILABLE]
    if not free:
        detail = f"{len(on_duty)} suitable unit(s) on duty, all committed"
        return [Reason(ALL_SUITABLE_COMMITTED, detail, len(on_duty))]
    if all(u.position is None for u in free):
        return [
            Reason(SUITABLE_WITHOUT_POSITION, f"{len(free)} free suitable unit(s), no position")
        ]
    return []


@dataclass(frozen=True, slots=True)
class NearestOthers:
    """Per demand column: feasible units, and the nearest feasible unit not sent to it.

    Computed for every column at once, so explaining thousands of shortfalls costs a few
    array operations rather than a scan of the units per incident.
    """

    feasible_count: npt.NDArray[np.int64]
    other_count: npt.NDArray[np.int64]
    nearest: npt.NDArray[np.int64]  # row index; meaningful where other_count > 0

    @classmethod
    def of(cls, table: PairTable, taken_by: Mapping[int, int]) -> NearestOthers:
        rows, cols = table.feasible.shape
        went = np.full(rows, -1, dtype=np.int64)
        for row, col in taken_by.items():
            went[row] = col
        others = table.feasible & (went[:, np.newaxis] != np.arange(cols)[np.newaxis, :])
        # argmin takes the first of equal minima: the lowest row, as (travel, row) ordering.
        masked = np.where(others, table.travel, np.inf)
        nearest = masked.argmin(axis=0) if rows else np.zeros(cols, dtype=np.int64)
        return cls(
            table.feasible.sum(axis=0).astype(np.int64),
            others.sum(axis=0).astype(np.int64),
            np.asarray(nearest, dtype=np.int64),
        )


def shortfall_reasons(
    table: PairTable,
    col: int,
    gaps: Sequence[Reason],
    taken_by: Mapping[int, int],
    nearest_others: NearestOthers | None = None,
) -> tuple[Reason, ...]:
    """Why demand ``col`` is short of units.

    ``gaps`` are :func:`unit_gaps` for the demand's required skills; ``taken_by`` maps
    each picked candidate row to the demand column it went to. ``nearest_others``, when
    given, is :meth:`NearestOthers.of` for the same table and picks (computed once).
    """
    demand = table.demands[col]
    if demand.location is None:
        return (Reason(NO_LOCATION, "the incident has no position to send a unit to"),)
    if gaps:
        return tuple(gaps)
    found = nearest_others or NearestOthers.of(table, taken_by)
    feasible = int(found.feasible_count[col])
    if not feasible:
        return (Reason(SHIFT_ENDS_BEFORE_ARRIVAL, "every free suitable unit's shift ends first"),)
    if not found.other_count[col]:
        detail = f"every free suitable unit ({feasible}) is already going to this incident"
        return (Reason(ALL_SUITABLE_COMMITTED, detail, feasible),)
    nearest = int(found.nearest[col])
    unit, other = table.candidates[nearest], taken_by.get(nearest)
    if other is None:
        minutes = float(table.travel[nearest, col])
        detail = f"nearest free suitable unit {unit.call_sign} is {minutes:.0f} min away"
        return (Reason(NEAREST_FREE_UNIT_TOO_FAR, detail, minutes, unit.call_sign),)
    rival = table.demands[other]
    detail = f"{unit.call_sign} went to {rival.incident_id} (risk {rival.score:.1f})"
    return (Reason(OUTRANKED_BY, detail, rival.score, rival.incident_id),)
