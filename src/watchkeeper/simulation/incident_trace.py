"""Incident states (imported from the store, or synthetic) -> a simulator Trace.

Each incident becomes one trace row: receipt time, planar position,
grade, attendance target (force profile), category, vulnerability (``risk.is_vulnerable``),
the risk engine's time-independent points (``incidents.risk.features_of``), the skills the
dispatch configuration requires, the officers the crewing rules need
(:mod:`watchkeeper.simulation.crewing`; the ``double-crewed`` skill becomes a crew of two)
and on-scene minutes. Only these columns leave here: no names, addresses or free text. Incidents that need nobody sent —
ungraded, resolution without deployment, or a duplicate call — are counted, never dropped
silently.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from watchkeeper.dispatch.config import DispatchConfig
from watchkeeper.incidents.entries import Grade
from watchkeeper.incidents.model import IncidentState, Status
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.incidents.risk import features_of, is_vulnerable
from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.config import SimConfig, sim_config
from watchkeeper.simulation.crewing import CrewRules, bundled_crew_rules, trace_skills
from watchkeeper.simulation.roster import Roster, build_roster, uncrewable
from watchkeeper.simulation.scenario import Scenario
from watchkeeper.simulation.trace import GRADE_CODES, Trace, build_trace, mask_of, planar_km


@dataclass(frozen=True, slots=True)
class TraceBuild:
    """A trace and the incidents left out of it, counted by reason."""

    trace: Trace
    skipped: dict[str, int]


@dataclass(frozen=True, slots=True)
class ScenarioInputs:
    """Everything ``run_replications`` needs for a scenario."""

    trace: Trace
    roster: Roster
    config: SimConfig
    skipped: dict[str, int]


def _skip_reason(state: IncidentState) -> str | None:
    if state.duplicate_of is not None:
        return "duplicate call"
    if state.grade is None:
        return "never graded"
    if state.grade.grade is Grade.RESOLUTION_WITHOUT_DEPLOYMENT:
        return "resolution without deployment"
    return None


def _base_points(states: Sequence[IncidentState], profile: ForceProfile) -> np.ndarray:
    # The risk engine scores open incidents only; a closed copy is reopened just for the
    # time-independent points (harm, THRIVE, markers), which do not depend on the status.
    reopened = [s if s.is_open else replace(s, status=Status.OPEN) for s in states]
    return features_of(reopened, {}, profile).base_points


def trace_from_states(
    states: Sequence[IncidentState],
    profile: ForceProfile,
    dispatch: DispatchConfig,
    *,
    origin: datetime,
    centre: tuple[float, float],
    seed: int,
    service_minutes: Mapping[str, float] | None = None,
    crewing: CrewRules | None = None,
) -> TraceBuild:
    """One trace row per incident needing attendance, in receipt order.

    ``crewing`` sets the officers each incident needs (None: the bundled local defaults).

    On-scene minutes are drawn (exponential, seeded) around ``service_minutes[category]``,
    else the dispatch configuration's ``forecast.job_minutes`` for the category (assumed
    values there, to be fitted from the force's own log).
    """
    origin = ensure_utc(origin)
    skipped: Counter[str] = Counter()
    kept = []
    for state in sorted(states, key=lambda s: s.logged_at):
        reason = _skip_reason(state)
        if reason:
            skipped[reason] += 1
        elif state.logged_at < origin:
            skipped["received before the trace start"] += 1
        else:
            kept.append(state)
    skills = tuple(sorted(dispatch.known_skills))
    categories = tuple(sorted({s.opened.category for s in kept}))
    areas = tuple(sorted({s.location.area for s in kept}))
    means = dict(service_minutes or {})
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    rules = crewing or bundled_crew_rules()
    context = (profile, dispatch, rules)
    rows = [_row(s, context, origin=origin, centre=centre, skills=skills) for s in kept]
    mean_service = np.array(
        [
            means.get(s.opened.category) or dispatch.forecast.job_minutes_for(s.opened.category)
            for s in kept
        ]
    )
    columns = list(zip(*rows, strict=True)) if rows else [()] * 9
    received, xs, ys, urban, grade, target, vulnerable, mask, crew = columns
    trace = build_trace(
        origin,
        np.array(received, dtype=float),
        x_km=np.array(xs, dtype=float),
        y_km=np.array(ys, dtype=float),
        area=np.array([areas.index(s.location.area) for s in kept], dtype=np.int64),
        urban=np.array(urban, dtype=bool),
        grade=np.array(grade, dtype=np.int64),
        target=np.array(target, dtype=float),
        category=np.array([categories.index(s.opened.category) for s in kept], dtype=np.int64),
        vulnerable=np.array(vulnerable, dtype=bool),
        risk=_base_points(kept, profile) if kept else np.zeros(0),
        skills=np.array(mask, dtype=np.uint32),
        service=rng.exponential(mean_service) if kept else np.zeros(0),
        crew=np.array(crew, dtype=np.int64),
        areas=areas,
        categories=categories,
        skill_names=skills,
    )
    return TraceBuild(trace, dict(skipped))


def _row(
    state: IncidentState,
    context: tuple[ForceProfile, DispatchConfig, CrewRules],
    *,
    origin: datetime,
    centre: tuple[float, float],
    skills: tuple[str, ...],
) -> tuple[float, float, float, bool, int, float, bool, int, int]:
    profile, dispatch, rules = context
    loc = state.location
    x, y = (math.nan, math.nan)
    if loc.lat is not None and loc.lon is not None:
        x, y = planar_km(loc.lat, loc.lon, centre)
    assert state.grade is not None  # _skip_reason keeps graded incidents only
    grade = state.grade.grade
    target = profile.target_minutes(grade, loc.area)
    needs = dispatch.needs_for(state.opened.category, state.markers)
    required = trace_skills(needs)
    return (
        (state.logged_at - origin) / timedelta(minutes=1),
        x,
        y,
        profile.area_class(loc.area) == "urban",
        GRADE_CODES.index(grade),
        math.inf if target is None else target,
        is_vulnerable(state),
        mask_of(sorted(required), skills, f"dispatch needs of {state.opened.category}"),
        rules.officers_for(grade, state.opened.category, state.markers, needs),
    )


def check_cover(trace: Trace, roster: Roster) -> None:
    """Refuse a roster in which no unit holds skills the demand requires, naming the key."""
    masks = np.unique(trace.skills)
    for mask in masks.tolist():
        if not ((roster.skills & np.uint32(mask)) == mask).any():
            needed = [n for i, n in enumerate(trace.skill_names) if mask >> i & 1]
            first = int(np.flatnonzero(trace.skills == mask)[0])
            category = trace.categories[int(trace.category[first])]
            raise InputError(
                f"scenario: 'roster.units' has no unit with skills {needed}, which "
                f"'{category}' incidents require (dispatch configuration needs)"
            )
    short = uncrewable(trace, roster)
    if short:
        index, need, able = short[0]
        category = trace.categories[int(trace.category[index])]
        raise InputError(
            f"scenario: 'roster.units' carries {able} officer(s) with the skills "
            f"'{category}' incidents require, and they need {need} (crewing rules)"
        )


def scenario_inputs(
    scenario: Scenario,
    states: Sequence[IncidentState],
    context: tuple[ForceProfile, DispatchConfig],
    *,
    centre: tuple[float, float],
    area_centres: Mapping[str, tuple[float, float]],
) -> ScenarioInputs:
    """Trace, roster and configuration for a scenario from the incidents of its period.

    ``centre`` (lat, lon) anchors the planar frame; ``area_centres`` gives each rostered
    area's planar km position, where units start their shift.
    """
    profile, dispatch = context
    build = trace_from_states(
        states,
        profile,
        dispatch,
        origin=scenario.trace.start,
        centre=centre,
        seed=scenario.seed,
        service_minutes=scenario.trace.service_minutes,
        crewing=scenario.crewing,
    )
    local = scenario.trace.start.astimezone(profile.timezone)
    roster = build_roster(
        scenario.units,
        build.trace.skill_names,
        dict(area_centres),
        clock_offset=local.hour * 60.0 + local.minute,
    )
    check_cover(build.trace, roster)
    settings = {k: (int(v) if k == "max_batch" else v) for k, v in scenario.sim.items()}
    config = sim_config(dispatch, profile, **settings)
    return ScenarioInputs(build.trace, roster, config, build.skipped)
