"""Staffing: the fewest units per shift, and the policy, that meet attendance targets.

Demand is synthetic, drawn from a :class:`FittedDemand` (Poisson arrivals at the fitted
rate for each local hour, types by the fitted mix, durations from the fitted
distributions). Every unit count is tried on the same seeded demand (common random
numbers), so the share on time rises with the units, and a bisection over the unit count
finds the minimum. Attendance is measured from logging: call handling + wait + travel.
An Erlang-C estimate for the same demand is given beside each answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from watchkeeper.incidents.entries import Grade
from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.calibration import FittedDemand, ObservedCall
from watchkeeper.simulation.calibration_check import Interval
from watchkeeper.simulation.calibration_replay import AREA, SKILLS, ReplayTrace, trace_of
from watchkeeper.simulation.config import SimConfig
from watchkeeper.simulation.engine import simulate
from watchkeeper.simulation.erlang import minimum_servers
from watchkeeper.simulation.roster import Roster, UnitGroup, build_roster
from watchkeeper.simulation.trace import GRADE_CODES

# A fixed Monday origin: synthetic demand starts on a local Monday at midnight.
ORIGIN = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class AttendanceTarget:
    """ "``share`` of incidents of ``grade`` (vulnerable only, if set) attended within t."""

    name: str
    grade: Grade | None
    vulnerable_only: bool
    within_minutes: float
    share: float

    def __post_init__(self) -> None:
        if not 0 < self.share <= 1:
            raise InputError(f"target {self.name!r}: 'share' must be in (0, 1], got {self.share}")
        if not self.within_minutes > 0:
            raise InputError(
                f"target {self.name!r}: 'within_minutes' must be > 0, got {self.within_minutes}"
            )

    def applies(self, grade_codes: np.ndarray, vulnerable: np.ndarray) -> np.ndarray:
        mask = np.ones(grade_codes.size, dtype=bool)
        if self.grade is not None:
            mask &= grade_codes == GRADE_CODES.index(self.grade)
        if self.vulnerable_only:
            mask &= vulnerable
        return mask


@dataclass(frozen=True, slots=True)
class StaffingPlan:
    """How the search runs: shift pattern, unit range, demand length and scale."""

    shift_starts: tuple[float, ...] = (7.0, 15.0, 23.0)  # local hours; three 8-hour shifts
    shift_hours: float = 8.0
    min_units: int = 1
    max_units: int = 60
    days: int = 28
    demand_scale: float = 1.0
    policies: tuple[str, ...] = ("status-quo", "watchkeeper")

    def __post_init__(self) -> None:
        if not 1 <= self.min_units <= self.max_units:
            raise InputError(
                f"staffing: 'min_units' ({self.min_units}) must be 1..max_units ({self.max_units})"
            )
        if self.days < 1:
            raise InputError(f"staffing: 'days' must be >= 1, got {self.days}")
        if not math.isfinite(self.demand_scale) or self.demand_scale <= 0:
            raise InputError(f"staffing: 'demand_scale' must be > 0, got {self.demand_scale}")
        if not self.shift_starts or any(not 0 <= h < 24 for h in self.shift_starts):
            raise InputError(
                f"staffing: 'shift_starts' must be hours in [0, 24), got {self.shift_starts}"
            )

    def on_duty_per_unit(self) -> int:
        """The fewest shifts covering any hour: on-duty units per 'unit per shift'."""
        return min(
            sum(1 for s in self.shift_starts if (h - s) % 24 < self.shift_hours) for h in range(24)
        )


def synthetic_calls(
    fitted: FittedDemand, days: int, scale: float, rng: np.random.Generator
) -> list[ObservedCall]:
    """Poisson arrivals at the fitted hourly (and weekday) rate, types by the fitted mix."""
    names = list(fitted.types)
    shares = np.array([fitted.types[t].calls for t in names], dtype=float)
    shares /= shares.sum()
    weekday = fitted.weekday_factor or (1.0,) * 7
    times: list[float] = []
    for slot in range(days * 24):
        rate = fitted.hourly_rate[slot % 24] * weekday[(slot // 24) % 7] * scale
        count = int(rng.poisson(rate))
        times.extend(sorted((slot + rng.uniform(0, 1, count)) * 60.0))
    kinds = rng.choice(len(names), size=len(times), p=shares)
    calls = []
    for k, (minute, kind) in enumerate(zip(times, kinds.tolist(), strict=True)):
        fit = fitted.types[names[kind]]
        calls.append(
            ObservedCall(
                f"synthetic-{k}",
                ORIGIN + timedelta(minutes=minute),
                None,
                None,
                fit.call_type,
                fit.grade,
                fit.category,
                AREA,
                fit.vulnerable,
                fit.risk,
                fit.target_minutes,
                (),
            )
        )
    return calls


def flat_roster(units_per_shift: int, plan: StaffingPlan) -> Roster:
    groups = [
        UnitGroup(AREA, units_per_shift, SKILLS, 60.0 * s, plan.shift_hours, name=f"shift{s:g}")
        for s in plan.shift_starts
    ]
    return build_roster(groups, SKILLS, {AREA: (0.0, 0.0)}, where="staffing.roster")


def attended_within(replay: ReplayTrace, arrived: np.ndarray, target: AttendanceTarget) -> float:
    """Share of the target's incidents attended within its time, measured from logging."""
    attendance = replay.handling + arrived - replay.trace.received
    attendance = np.where(np.isnan(attendance), np.inf, attendance)
    mask = target.applies(replay.trace.grade, replay.trace.vulnerable)
    if not mask.any():
        return 1.0
    return float(np.mean(attendance[mask] <= target.within_minutes))


@dataclass(frozen=True, slots=True)
class Demand:
    """Seeded synthetic demand, drawn once and reused for every unit count."""

    replays: tuple[ReplayTrace, ...]
    seed: int

    @classmethod
    def draw(cls, fitted: FittedDemand, plan: StaffingPlan, replications: int, seed: int) -> Demand:
        if replications < 1:
            raise InputError(f"replications must be >= 1, got {replications}")
        replays = []
        for stream in np.random.SeedSequence(seed).spawn(replications):
            rng = np.random.default_rng(stream)
            calls = synthetic_calls(fitted, plan.days, plan.demand_scale, rng)
            if not calls:
                raise InputError("staffing: the demand produced no incidents; check the rates")
            replays.append(trace_of(calls, fitted, ORIGIN, rng))
        return cls(tuple(replays), seed)


def evaluate(
    demand: Demand,
    targets: Sequence[AttendanceTarget],
    roster: Roster,
    policy: str,
    config: SimConfig,
) -> tuple[Interval, ...]:
    """Share on time for each target, over the seeded replications."""
    shares: list[list[float]] = [[] for _ in targets]
    for i, replay in enumerate(demand.replays):
        result = simulate(replay.trace, roster, policy, seed=demand.seed + i, config=config)
        for k, target in enumerate(targets):
            shares[k].append(attended_within(replay, result.arrived, target))
    return tuple(Interval.of(s) for s in shares)


def meets(shares: Sequence[Interval], targets: Sequence[AttendanceTarget]) -> bool:
    """Every target met on the mean share over replications."""
    return all(s.mean >= t.share for s, t in zip(shares, targets, strict=True))


def smallest(lo: int, hi: int, ok: Callable[[int], bool]) -> int | None:
    """The smallest n in [lo, hi] with ok(n), assuming ok is monotone; None when none is."""
    if not ok(hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def erlang_units(fitted: FittedDemand, plan: StaffingPlan, target: AttendanceTarget) -> int | None:
    """Erlang-C units per shift for the busiest hour, one FCFS queue of all calls.

    The allowed wait is the target less the class's mean travel and median call handling;
    None when travel and handling alone use up the target. FCFS ignores the grade priority
    the simulated policies give, so for emergencies it is a conservative (high) estimate.
    """
    classes = [
        f
        for f in fitted.types.values()
        if (target.grade is None or f.grade is target.grade)
        and (not target.vulnerable_only or f.vulnerable)
    ] or list(fitted.types.values())
    weight = sum(f.calls for f in classes)
    travel = sum(f.calls * f.travel.mean for f in classes) / weight
    median_handling = (
        fitted.handling_grid(target.grade)[50] if target.grade else fitted.handling_quantiles[50]
    )
    allowance = target.within_minutes - travel - median_handling
    if allowance < 0:
        return None
    peak = max(fitted.hourly_rate) * max(fitted.weekday_factor or (1.0,)) * plan.demand_scale
    share = min(target.share, 0.999999)
    servers = minimum_servers(peak / 60.0, fitted.mean_service(), allowance, share)
    return math.ceil(servers / plan.on_duty_per_unit())


@dataclass(frozen=True, slots=True)
class PolicyAnswer:
    """The fewest units per shift meeting every target under one policy (None: not met)."""

    policy: str
    units_per_shift: int | None
    shares: tuple[Interval, ...]  # at that level, or at ``max_units`` when not met
    per_target: tuple[int | None, ...] = ()  # fewest units meeting each target alone


@dataclass(frozen=True, slots=True)
class StaffingAnswer:
    targets: tuple[AttendanceTarget, ...]
    answers: tuple[PolicyAnswer, ...]
    erlang_units: tuple[int | None, ...]  # per target
    replications: int
    incidents_per_replication: float

    @property
    def best(self) -> PolicyAnswer | None:
        """The policy needing the fewest units (ties: the first listed)."""
        met = [a for a in self.answers if a.units_per_shift is not None]
        return min(met, key=lambda a: a.units_per_shift or 0) if met else None


def _search_policy(  # noqa: PLR0917 - one policy's search, every input named
    demand: Demand,
    targets: Sequence[AttendanceTarget],
    plan: StaffingPlan,
    policy: str,
    config: SimConfig,
    progress: Callable[[str], None] | None,
) -> PolicyAnswer:
    """Bisect the unit count for all targets together, then for each alone (runs cached)."""
    tried: dict[int, tuple[Interval, ...]] = {}

    def shares(n: int) -> tuple[Interval, ...]:
        if n not in tried:
            tried[n] = evaluate(demand, targets, flat_roster(n, plan), policy, config)
            if progress is not None:
                progress(f"{policy}: {n} units per shift tried")
        return tried[n]

    units = smallest(plan.min_units, plan.max_units, lambda n: meets(shares(n), targets))

    def alone_meets(k: int) -> Callable[[int], bool]:
        return lambda n: shares(n)[k].mean >= targets[k].share

    alone = tuple(
        smallest(plan.min_units, plan.max_units, alone_meets(k)) for k in range(len(targets))
    )
    return PolicyAnswer(policy, units, shares(units or plan.max_units), alone)


def search_staffing(
    fitted: FittedDemand,
    plan: StaffingPlan,
    targets: Sequence[AttendanceTarget],
    *,
    config: SimConfig,
    replications: int,
    seed: int,
    progress: Callable[[str], None] | None = None,
) -> StaffingAnswer:
    """For each policy, bisect the unit count on common seeded demand; add Erlang-C."""
    if not targets:
        raise InputError("staffing: at least one target is needed ('staffing.targets')")
    demand = Demand.draw(fitted, plan, replications, seed)
    answers = [
        _search_policy(demand, targets, plan, policy, config, progress) for policy in plan.policies
    ]
    sizes = [len(r.trace) for r in demand.replays]
    return StaffingAnswer(
        tuple(targets),
        tuple(answers),
        tuple(erlang_units(fitted, plan, t) for t in targets),
        replications,
        float(np.mean(sizes)),
    )
