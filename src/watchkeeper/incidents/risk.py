"""Risk of open incidents: an explainable score, its band, and the factors behind it.

Every point of a score is traceable to a named factor (DESIGN.md, "Risk"), and the score
is monotone: more vulnerability, more waiting or a higher THRIVE level never lowers it.
All weights come from the force profile (``[risk]``, ``[markers]``, ``[categories]``).

Two paths compute the same formula. :func:`explain` builds the factors for the rows a
person is looking at; :func:`features_of` + :func:`score_features` rescore the whole open
set at once with NumPy, recomputing only the parts that depend on ``now``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from watchkeeper.incidents import attendance
from watchkeeper.incidents.entries import Grade, Level, ThriveElement
from watchkeeper.incidents.model import IncidentState
from watchkeeper.incidents.policy import BANDS, ForceProfile
from watchkeeper.kernel.errors import DomainRuleViolation
from watchkeeper.kernel.ids import IncidentId

FloatArray = npt.NDArray[np.float64]
BandCodes = npt.NDArray[np.int8]


@dataclass(frozen=True, slots=True)
class RiskFactor:
    """One named contribution to a score, with the reason in words."""

    name: str
    points: float
    detail: str


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """A score, its band, and the factors that sum to it."""

    score: float
    band: str
    factors: tuple[RiskFactor, ...]


@dataclass(frozen=True, slots=True)
class RiskContext:
    """What the force already knows around an incident, counted by the caller of the engine.

    ``repeat_location`` / ``repeat_victim``: other incidents at the same address key / from
    the same caller ``person_ref`` within ``risk.repeat_window_days``; ``known_records``:
    linked safeguarding records found at intake.
    """

    repeat_location: int = 0
    repeat_victim: int = 0
    known_records: int = 0

    def __post_init__(self) -> None:
        if min(self.repeat_location, self.repeat_victim, self.known_records) < 0:
            raise ValueError("risk context counts cannot be negative")


NO_CONTEXT = RiskContext()


def max_score(profile: ForceProfile) -> float:
    """The highest score the profile allows: every factor at its ceiling."""
    w = profile.risk
    top_level = max(w.thrive_level_points.values(), default=0.0)
    return (
        max(c.harm for c in profile.categories.values())
        + sum(top_level * weight for weight in w.thrive_element_weight.values())
        + sum(m.points for m in profile.markers.values())
        + w.repeat_victim_points
        + w.repeat_location_points
        + w.safeguarding_records_cap * w.safeguarding_points
        + w.waiting_points_cap
        + w.breach_points
        + w.no_contact_points
    )


# --- the factors that do not depend on the time -------------------------------------


def _thrive_factors(state: IncidentState, profile: ForceProfile) -> list[RiskFactor]:
    w = profile.risk
    out = []
    for element in ThriveElement:
        rating = state.thrive.ratings.get(element) if state.thrive else None
        level = rating.level if rating else Level.NONE
        weight = w.thrive_element_weight[element]
        points = w.thrive_level_points.get(level, 0.0) * weight
        detail = f"{level.value} x {weight:g}" if rating else "not assessed"
        out.append(RiskFactor(f"thrive:{element.value}", points, detail))
    return out


def _marker_factors(state: IncidentState, profile: ForceProfile) -> list[RiskFactor]:
    out = []
    for code in sorted(state.markers):
        policy = profile.markers.get(code)
        # An unknown marker still shows, so a mis-typed code is visible, but it scores 0.
        detail = policy.name if policy else "marker not in the force profile: scores 0"
        out.append(RiskFactor(f"marker:{code}", policy.points if policy else 0.0, detail))
    return out


def _context_factors(context: RiskContext, profile: ForceProfile) -> list[RiskFactor]:
    w, days = profile.risk, profile.risk.repeat_window_days
    out = []
    if context.repeat_victim:
        detail = f"{context.repeat_victim} other incident(s) from this caller in {days} days"
        out.append(RiskFactor("repeat-victim", w.repeat_victim_points, detail))
    if context.repeat_location:
        detail = f"{context.repeat_location} other incident(s) at this address in {days} days"
        out.append(RiskFactor("repeat-location", w.repeat_location_points, detail))
    if context.known_records:
        counted = min(context.known_records, profile.risk.safeguarding_records_cap)
        detail = f"{context.known_records} linked record(s), {counted} counted"
        out.append(RiskFactor("safeguarding-records", counted * w.safeguarding_points, detail))
    return out


def _static_factors(
    state: IncidentState, context: RiskContext, profile: ForceProfile
) -> list[RiskFactor]:
    category = state.opened.category
    harm = RiskFactor("harm", profile.harm_of(category), f"incident category {category!r}")
    return [
        harm,
        *_thrive_factors(state, profile),
        *_marker_factors(state, profile),
        *_context_factors(context, profile),
    ]


# --- the factors that grow with the time ---------------------------------------------


def has_contact(state: IncidentState) -> bool:
    """Whether anyone has spoken to the caller since logging (a call-back or an arrival)."""
    return state.last_contact_at is not None or state.arrived_at is not None


def no_contact_since(state: IncidentState, profile: ForceProfile) -> datetime | None:
    """From when the lack of contact scores; None once contact has been made."""
    if has_contact(state):
        return None
    return state.logged_at + timedelta(minutes=profile.risk.no_contact_after_minutes)


def _waiting_points(elapsed_minutes: float, target: float, profile: ForceProfile) -> float:
    w = profile.risk
    return min(
        max(elapsed_minutes, 0.0) / target * w.waiting_points_at_target, w.waiting_points_cap
    )


def _timed_factors(state: IncidentState, profile: ForceProfile, now: datetime) -> list[RiskFactor]:
    w, out = profile.risk, []
    end = attendance.attendance_end(state, now)
    timed = attendance.timed_target(state, profile)
    if timed is not None:
        start, target = timed
        elapsed = (end - start).total_seconds() / 60.0
        detail = f"waited {max(elapsed, 0.0):.0f} of {target:g} min target"
        out.append(RiskFactor("waiting", _waiting_points(elapsed, target, profile), detail))
    due = attendance.deadline(state, profile)
    if due is not None and end > due:
        out.append(RiskFactor("breach", w.breach_points, f"deadline {due.isoformat()} passed"))
    silent_from = no_contact_since(state, profile)
    if silent_from is not None and now > silent_from:
        detail = f"no contact for more than {w.no_contact_after_minutes:g} min since logging"
        out.append(RiskFactor("no-contact", w.no_contact_points, detail))
    return out


def explain(
    state: IncidentState, context: RiskContext, profile: ForceProfile, now: datetime
) -> RiskAssessment:
    """The full assessment of one open incident, every point traced to a factor.

    Closed incidents are not scored: raises DomainRuleViolation. The score is the sum of
    the factors in the order listed (time-independent ones first, as the vectorised path
    adds them), so the two paths agree to rounding.
    """
    if not state.is_open:
        raise DomainRuleViolation(f"incident {state.incident_id} is closed; it has no risk score")
    factors = (*_static_factors(state, context, profile), *_timed_factors(state, profile, now))
    score = sum(f.points for f in factors)
    return RiskAssessment(score, profile.risk.band_of(score), factors)


# --- the vectorised path ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RiskFeatures:
    """Columnar inputs for rescoring many open incidents; built once, rescored often.

    Times are float seconds after ``origin`` (an epoch near the data, so microsecond
    differences stay exact in float64); ``inf`` means "never" (no deadline, no arrival,
    contact already made). Rows follow ``incident_ids``.
    """

    incident_ids: tuple[IncidentId, ...]
    origin: datetime
    base_points: FloatArray  # harm + THRIVE + markers + context: independent of now
    clock_start: FloatArray  # 0 where there is no timed target
    target_minutes: FloatArray  # inf where there is no timed target: waiting scores 0
    deadline: FloatArray
    arrived: FloatArray
    no_contact_from: FloatArray
    # For the inspector's totals (fixed per state, kept with the features so a refresh
    # reworks only the changed rows): logging time, grade (index in GRADE_CODES, its length
    # for ungraded) and FACT_* flags.
    logged: FloatArray
    grade_code: FloatArray
    facts: FloatArray

    def __len__(self) -> int:
        return len(self.incident_ids)


GRADE_CODES = tuple(Grade)
FACT_CONTACT, FACT_VULNERABLE, FACT_UNREVIEWED = 1, 2, 4
_COLUMNS = 9


def is_vulnerable(state: IncidentState) -> bool:
    """Any vulnerability marker, or THRIVE vulnerability assessed medium or high."""
    rating = state.thrive.ratings.get(ThriveElement.VULNERABILITY) if state.thrive else None
    return bool(state.markers) or (
        rating is not None and rating.level in (Level.MEDIUM, Level.HIGH)
    )


def _facts(state: IncidentState) -> float:
    return float(
        FACT_CONTACT * has_contact(state)
        + FACT_VULNERABLE * is_vulnerable(state)
        + FACT_UNREVIEWED * (state.last_review_at is None)
    )


def _seconds_after(origin: datetime, at: datetime | None) -> float:
    return np.inf if at is None else (at - origin) / timedelta(seconds=1)


def _feature_row(
    state: IncidentState, context: RiskContext, profile: ForceProfile, origin: datetime
) -> tuple[float, ...]:
    if not state.is_open:
        raise DomainRuleViolation(f"incident {state.incident_id} is closed; it has no risk score")
    static = sum(f.points for f in _static_factors(state, context, profile))
    timed = attendance.timed_target(state, profile)
    start, target = (_seconds_after(origin, timed[0]), timed[1]) if timed else (0.0, np.inf)
    return (
        static,
        start,
        target,
        _seconds_after(origin, attendance.deadline(state, profile)),
        _seconds_after(origin, state.arrived_at),
        _seconds_after(origin, no_contact_since(state, profile)),
        _seconds_after(origin, state.logged_at),
        float(GRADE_CODES.index(state.grade.grade) if state.grade else len(GRADE_CODES)),
        _facts(state),
    )


def features_of(
    states: Sequence[IncidentState],
    contexts: Mapping[IncidentId, RiskContext],
    profile: ForceProfile,
) -> RiskFeatures:
    """Columnar features of open incidents (a missing context counts as nothing known)."""
    origin = min((s.logged_at for s in states), default=datetime(2000, 1, 1, tzinfo=UTC))
    rows = [
        _feature_row(s, contexts.get(s.incident_id, NO_CONTEXT), profile, origin) for s in states
    ]
    table = np.array(rows, dtype=np.float64).reshape(len(rows), _COLUMNS)
    columns = [np.ascontiguousarray(table[:, i]) for i in range(_COLUMNS)]
    return RiskFeatures(tuple(s.incident_id for s in states), origin, *columns)


def score_features(
    features: RiskFeatures, profile: ForceProfile, now: datetime
) -> tuple[FloatArray, BandCodes]:
    """Scores (float64) and band codes (indexes into ``policy.BANDS``) for every row."""
    w = profile.risk
    t = (now - features.origin) / timedelta(seconds=1)
    end = np.minimum(features.arrived, t)
    elapsed = np.maximum(end - features.clock_start, 0.0) / 60.0
    waiting = np.minimum(
        elapsed / features.target_minutes * w.waiting_points_at_target, w.waiting_points_cap
    )
    scores = features.base_points + waiting
    scores += np.where(end > features.deadline, w.breach_points, 0.0)
    scores += np.where(t > features.no_contact_from, w.no_contact_points, 0.0)
    return scores, band_codes(scores, profile)


def band_codes(scores: FloatArray, profile: ForceProfile) -> BandCodes:
    """Band of each score as an index into ``policy.BANDS`` (critical=0 ... low=3)."""
    codes = np.full(scores.shape, BANDS.index("low"), dtype=np.int8)
    for band in ("medium", "high", "critical"):
        codes[scores >= profile.risk.band_thresholds[band]] = BANDS.index(band)
    return codes
