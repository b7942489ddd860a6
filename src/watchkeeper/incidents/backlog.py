"""The risk-ranked backlog of open incidents, with recommended actions and the totals.

HMICFRS told West Midlands Police to "fully understand the risk held in the backlog of
open incidents ... and prioritise those incidents" (cause of concern 8930, STANDARDS.md 0).
This module ranks the open set by risk (vectorised, see ``risk``), says what each row
needs next through named rules, and gives the duty inspector the totals they are asked
about. Factors are built only for the rows someone opens (:meth:`Backlog.explain`).

Rebuilding the board happens after every write and at least once a second while screens
poll it, so its cost is kept to array work: scores, the rank order and the inspector's
totals come from the columnar risk features, and a row (waits, countdown, the recommended
actions) is built only when someone reads it (:class:`RankedRows`), once per board.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import overload

import numpy as np
import numpy.typing as npt

from watchkeeper.incidents import attendance
from watchkeeper.incidents.entries import Grade
from watchkeeper.incidents.model import IncidentState, Status
from watchkeeper.incidents.policy import BANDS, ForceProfile
from watchkeeper.incidents.risk import (
    FACT_CONTACT,
    FACT_UNREVIEWED,
    FACT_VULNERABLE,
    GRADE_CODES,
    NO_CONTEXT,
    BandCodes,
    FloatArray,
    RiskAssessment,
    RiskContext,
    RiskFeatures,
    explain,
    features_of,
    has_contact,
    score_features,
)
from watchkeeper.kernel.clock import minutes_between
from watchkeeper.kernel.errors import NotFound
from watchkeeper.kernel.ids import IncidentId

UNGRADED = "ungraded"


@dataclass(frozen=True, slots=True)
class RecommendedAction:
    """What a rule recommends for a row, and why, in a machine-readable form."""

    rule: str
    action: str
    reason: str


@dataclass(frozen=True, slots=True)
class BacklogFilters:
    """Optional filters on the rows shown; the summary always covers the whole backlog."""

    grade: Grade | None = None
    band: str | None = None
    area: str | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True)
class BacklogRow:
    incident_id: IncidentId
    score: float
    band: str
    grade: Grade | None
    grade_label: str | None  # the force's own label, as the call handler graded it
    status: Status
    area: str
    category: str
    waited_minutes: float
    minutes_to_breach: float | None
    deadline: datetime | None
    markers: tuple[str, ...]
    has_contact: bool
    last_review_at: datetime | None
    actions: tuple[RecommendedAction, ...]


@dataclass(frozen=True, slots=True)
class OldestIncident:
    incident_id: IncidentId
    waited_minutes: float


@dataclass(frozen=True, slots=True)
class BacklogSummary:
    """The duty inspector's view of the backlog at ``as_of``; plain data for trends."""

    as_of: datetime
    total_open: int
    by_grade: dict[str, int]
    by_band: dict[str, int]
    oldest: OldestIncident | None
    breached: int
    vulnerable: int
    no_contact: int  # waiting with no contact for more than backlog.no_contact_minutes
    unreviewed: int  # never reviewed by a supervisor


class RankedRows(Sequence[BacklogRow]):
    """Rows in rank order, each built the first time it is read and kept for the board.

    A page of 25 builds 25 rows, not the thousands on the board; iterating builds them all.
    Safe to share between threads: building a row twice gives equal rows.
    """

    __slots__ = ("_alerting", "_built", "_codes", "_now", "_profile", "_scores", "_states")

    def __init__(
        self,
        states: Sequence[IncidentState],
        scores: FloatArray,
        codes: BandCodes,
        *,
        profile: ForceProfile,
        now: datetime,
        alerting: npt.NDArray[np.bool_] | None = None,
    ) -> None:
        self._states = tuple(states)
        self._scores = scores
        self._codes = codes
        self._profile = profile
        self._now = now
        self._alerting = alerting
        self._built: list[BacklogRow | None] = [None] * len(self._states)

    def __len__(self) -> int:
        return len(self._states)

    @overload
    def __getitem__(self, index: int) -> BacklogRow: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[BacklogRow, ...]: ...

    def __getitem__(self, index: int | slice) -> BacklogRow | tuple[BacklogRow, ...]:
        if isinstance(index, slice):
            return tuple(self._row(i) for i in range(*index.indices(len(self))))
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(f"row {index} of {len(self)}")
        return self._row(position)

    def __iter__(self) -> Iterator[BacklogRow]:
        return (self._row(i) for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # rows compare by content, like a list

    def rank_of(self, incident_id: IncidentId) -> int | None:
        """1-based position of an incident on the board, without building any row."""
        for n, state in enumerate(self._states, start=1):
            if state.incident_id == incident_id:
                return n
        return None

    def alerting(self) -> tuple[BacklogRow, ...]:
        """The rows in the critical band or past their deadline (the only ones that can
        raise an alert), in rank order; every row when the board did not mark them."""
        if self._alerting is None:
            return tuple(self)
        return tuple(self._row(int(i)) for i in np.flatnonzero(self._alerting))

    def scored(self) -> Iterator[tuple[IncidentState, float]]:
        """(state, score) in rank order, without building rows."""
        return zip(self._states, (float(x) for x in self._scores), strict=True)

    def _row(self, i: int) -> BacklogRow:
        row = self._built[i]
        if row is None:
            band = BANDS[int(self._codes[i])]
            row = _row(self._states[i], float(self._scores[i]), band, self._profile, self._now)
            self._built[i] = row
        return row


@dataclass(frozen=True, slots=True)
class Backlog:
    """Ranked rows (after filters), the summary of all open incidents, lazy explanations."""

    as_of: datetime
    rows: RankedRows
    summary: BacklogSummary
    profile: ForceProfile = field(repr=False)
    states: Mapping[IncidentId, IncidentState] = field(repr=False)
    contexts: Mapping[IncidentId, RiskContext] = field(repr=False)
    # Explanations already built: a board shared by many readers explains each row once.
    _explained: dict[IncidentId, RiskAssessment] = field(
        default_factory=dict, repr=False, compare=False
    )

    def explain(self, incident_id: IncidentId) -> RiskAssessment:
        """The factors behind one row's score, built on demand (once per board)."""
        known = self._explained.get(incident_id)
        if known is not None:
            return known
        state = self.states.get(incident_id)
        if state is None:
            raise NotFound(f"incident {incident_id} is not in this backlog")
        context = self.contexts.get(incident_id, NO_CONTEXT)
        assessment = explain(state, context, self.profile, self.as_of)
        self._explained[incident_id] = assessment
        return assessment


# --- recommended actions: one named rule each ------------------------------------------


@dataclass(frozen=True, slots=True)
class _Situation:
    state: IncidentState
    band: str
    waited: float
    to_breach: float | None
    now: datetime

    @property
    def grade(self) -> Grade | None:
        return self.state.grade.grade if self.state.grade else None

    @property
    def unassigned(self) -> bool:
        return not self.state.units


Rule = Callable[[_Situation, ForceProfile], RecommendedAction | None]


def call_back_now(s: _Situation, profile: ForceProfile) -> RecommendedAction | None:
    due = profile.backlog.callback_due_minutes
    if has_contact(s.state) or s.waited <= due:
        return None
    reason = f"no contact since logging, {s.waited:.0f} min ago (call back after {due:g})"
    return RecommendedAction("call-back-now", "call the caller back now", reason)


def supervisor_review(s: _Situation, profile: ForceProfile) -> RecommendedAction | None:
    interval = profile.backlog.review_interval_minutes
    last = s.state.last_review_at
    if s.waited <= interval or (last is not None and minutes_between(last, s.now) <= interval):
        return None
    when = "never reviewed" if last is None else f"last reviewed {last.isoformat()}"
    reason = f"waited {s.waited:.0f} min; {when} (review every {interval:g} min)"
    return RecommendedAction("supervisor-review", "supervisor to review this incident", reason)


def re_grade(s: _Situation, profile: ForceProfile) -> RecommendedAction | None:
    low_grade = s.grade in (Grade.SCHEDULED, Grade.RESOLUTION_WITHOUT_DEPLOYMENT)
    if (low_grade and s.band in ("critical", "high")) or (
        s.grade is Grade.PRIORITY and s.band == "critical"
    ):
        assert s.grade is not None  # both branches name a grade
        reason = f"risk band {s.band} but graded {profile.label_for(s.grade)} ({s.grade.value})"
        return RecommendedAction("re-grade", "re-grade: the risk outweighs the grade", reason)
    return None


def deploy(s: _Situation, profile: ForceProfile) -> RecommendedAction | None:
    if not s.unassigned or not (s.grade is Grade.EMERGENCY or s.band == "critical"):
        return None
    why = "emergency grade" if s.grade is Grade.EMERGENCY else "critical risk band"
    return RecommendedAction("deploy", "assign a unit now", f"{why} and no unit assigned")


def breach_imminent(s: _Situation, profile: ForceProfile) -> RecommendedAction | None:
    if not s.unassigned or s.to_breach is None:
        return None
    if not 0.0 <= s.to_breach <= profile.backlog.breach_imminent_minutes:
        return None
    reason = f"breaches its attendance target in {s.to_breach:.0f} min and no unit assigned"
    return RecommendedAction("breach-imminent", "assign before the target is missed", reason)


RULES: tuple[Rule, ...] = (call_back_now, supervisor_review, re_grade, deploy, breach_imminent)


def recommend(situation: _Situation, profile: ForceProfile) -> tuple[RecommendedAction, ...]:
    """Every rule's recommendation for one row, in rule order."""
    found = (rule(situation, profile) for rule in RULES)
    return tuple(action for action in found if action is not None)


# --- building the backlog ---------------------------------------------------------------


def _row(
    state: IncidentState, score: float, band: str, profile: ForceProfile, now: datetime
) -> BacklogRow:
    waited = attendance.waited_minutes(state, now)
    to_breach = attendance.minutes_to_breach(state, profile, now)
    actions = recommend(_Situation(state, band, waited, to_breach, now), profile)
    return BacklogRow(
        incident_id=state.incident_id,
        score=score,
        band=band,
        grade=state.grade.grade if state.grade else None,
        grade_label=state.grade.force_label if state.grade else None,
        status=state.status,
        area=state.location.area,
        category=state.opened.category,
        waited_minutes=waited,
        minutes_to_breach=to_breach,
        deadline=attendance.deadline(state, profile),
        markers=tuple(sorted(state.markers)),
        has_contact=has_contact(state),
        last_review_at=state.last_review_at,
        actions=actions,
    )


def _shown(state: IncidentState, band: str, filters: BacklogFilters) -> bool:
    grade = state.grade.grade if state.grade else None
    return (
        (filters.grade is None or grade is filters.grade)
        and (filters.band is None or band == filters.band)
        and (filters.area is None or state.location.area == filters.area)
        and (filters.marker is None or filters.marker in state.markers)
    )


def build_backlog(
    states: Sequence[IncidentState],
    contexts: Mapping[IncidentId, RiskContext],
    profile: ForceProfile,
    now: datetime,
    filters: BacklogFilters | None = None,
    *,
    features: RiskFeatures | None = None,
) -> Backlog:
    """The open incidents ranked by risk at ``now``; closed states are left out.

    ``filters`` narrow the rows; the summary always covers every open incident, because the
    inspector's totals must not depend on what the dispatcher chose to look at.
    ``features``, when given, are the open states' precomputed risk features (rows in the
    order of the open states), so only the time-dependent part is rescored.

    Rank: highest score first; ties go to the earlier deadline (none last), then the older
    call, then the incident id.
    """
    open_states = [s for s in states if s.is_open]
    if features is None:
        features = features_of(open_states, contexts, profile)
    elif features.incident_ids != tuple(s.incident_id for s in open_states):
        raise ValueError("precomputed features do not follow the open states")
    scores, codes = score_features(features, profile, now)
    fixed = _fixed_columns(features)
    logged = features.logged
    # Where each attendance clock stops: first arrival, or now while nobody is there.
    end = np.minimum(features.arrived, (now - features.origin) / timedelta(seconds=1))
    summary = _summary(open_states, features, fixed, end, codes, profile=profile, now=now)
    no_deadline = np.isinf(features.deadline)
    order = np.lexsort(
        (fixed.id_rank, logged, np.where(no_deadline, 0.0, features.deadline), no_deadline,
         -scores)
    )  # fmt: skip
    if filters is not None and filters != BacklogFilters():
        order = np.array(
            [i for i in order if _shown(open_states[i], BANDS[codes[i]], filters)], dtype=np.intp
        )
    alerting = (codes == BANDS.index("critical")) | (end > features.deadline)
    ranked = RankedRows(
        [open_states[i] for i in order], scores[order], codes[order],
        profile=profile, now=now, alerting=alerting[order],
    )  # fmt: skip
    by_id = {s.incident_id: s for s in open_states}
    return Backlog(now, ranked, summary, profile, by_id, dict(contexts))


# --- the duty inspector's totals -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _FixedColumns:
    """What the board needs of the open states that does not change with the time, from
    the features (kept row by row across refreshes) and worked out once per feature set: a
    snapshot's features are shared by every board built from it, one a second while screens
    refresh."""

    features: RiskFeatures
    id_rank: npt.NDArray[np.intp]
    by_grade: dict[str, int]
    vulnerable: int
    unreviewed: int


_last_fixed: list[_FixedColumns] = []  # the last feature set's, held so its identity is kept


def _fixed_columns(features: RiskFeatures) -> _FixedColumns:
    """The fixed columns of ``features``, reused for the same feature set (compared by
    identity; the list holds it, so the identity cannot be reused meanwhile)."""
    last = _last_fixed[0] if _last_fixed else None
    if last is not None and last.features is features:
        return last
    grades = np.bincount(features.grade_code.astype(np.intp), minlength=len(GRADE_CODES) + 1)
    facts = features.facts.astype(np.intp)
    fixed = _FixedColumns(
        features,
        np.argsort(np.argsort(np.array(features.incident_ids, dtype=object))),
        {g.value: int(grades[n]) for n, g in enumerate(GRADE_CODES)} | {UNGRADED: int(grades[-1])},
        int(np.count_nonzero(facts & FACT_VULNERABLE)),
        int(np.count_nonzero(facts & FACT_UNREVIEWED)),
    )
    _last_fixed[:] = [fixed]
    return fixed


def _summary(
    states: Sequence[IncidentState],
    features: RiskFeatures,
    fixed: _FixedColumns,
    end: FloatArray,
    codes: BandCodes,
    *,
    profile: ForceProfile,
    now: datetime,
) -> BacklogSummary:
    """Totals over every open incident (``states`` in the features' row order; ``end`` is
    where each attendance clock stops, in seconds after the features' origin)."""
    waited = np.maximum(end - features.logged, 0.0) / 60.0
    counts = np.bincount(codes.astype(np.intp), minlength=len(BANDS))
    oldest = None
    if states:
        first = states[int(np.argmax(waited))]
        oldest = OldestIncident(first.incident_id, attendance.waited_minutes(first, now))
    contact = (features.facts.astype(np.intp) & FACT_CONTACT) != 0
    silent_for = profile.backlog.no_contact_minutes
    return BacklogSummary(
        as_of=now,
        total_open=len(states),
        by_grade=dict(fixed.by_grade),
        by_band={band: int(counts[n]) for n, band in enumerate(BANDS)},
        oldest=oldest,
        breached=int(np.count_nonzero(end > features.deadline)),
        vulnerable=fixed.vulnerable,
        no_contact=int(np.count_nonzero(~contact & (waited > silent_for))),
        unreviewed=fixed.unreviewed,
    )
