"""Seeded synthetic control-room incidents for a UK force, calibrated to the real logs.

``generate_incidents`` logs incidents over the ``hours`` before ``now`` (a non-homogeneous
Poisson process following the calibrated hourly and weekday profile), gives each a category,
grade, caller, place, THRIVE and markers, and plays its lifecycle up to ``now`` through the
domain's ``Incident.open``/``record``. Same (config, calibration, profile, now, hours, seed,
scale) -> the same incidents, entry for entry.

Firearms incidents with an armed response (``synthetic.armed``) are thinned from the same
stream at the configured rate (``[armed]``, STANDARDS.md 8); ``generate_armed_history`` logs
only those over the months before the window, so the armed-response analysis has a history
derived from the log (the rest of the demand covers the window only).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from watchkeeper.incidents.entries import (
    CallSource,
    Closed,
    Grade,
    Graded,
    LinkedDuplicate,
    Location,
    Opened,
    ThriveAssessed,
    VulnerabilityMarked,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import ConfigurationError, InputError
from watchkeeper.kernel.ids import new_incident_id
from watchkeeper.synthetic.armed import WEAPONS, ArmedResponse, roster_arvs
from watchkeeper.synthetic.calibration import Calibration
from watchkeeper.synthetic.config import SyntheticConfig
from watchkeeper.synthetic.intake import check_markers, markers_for, thrive_ratings
from watchkeeper.synthetic.lifecycle import Lifecycle, Step, record_steps, staff_for
from watchkeeper.synthetic.mix import (
    DOMESTIC_ABUSE,
    GRADES,
    category_shares,
    grade_given_category,
    logging_times,
)
from watchkeeper.synthetic.places import Places
from watchkeeper.synthetic.sandiego_export import write_san_diego_style_export

__all__ = [
    "SOURCE_SYSTEM",
    "generate_armed_history",
    "generate_incidents",
    "write_san_diego_style_export",
]

SOURCE_SYSTEM = "synthetic"
# Appending a stream leaves the earlier ones unchanged (SeedSequence children by index).
STREAMS = ("arrivals", "categories", "places", "intake", "lifecycle", "ids", "armed")
HISTORY_KEY = len(STREAMS)  # the armed history's seed child, apart from every stream
DUPLICATE_WINDOW = timedelta(minutes=60)
LOWER_GRADE = {Grade.EMERGENCY: Grade.PRIORITY, Grade.PRIORITY: Grade.SCHEDULED}


@dataclass(frozen=True, slots=True)
class _Logged:
    """What a later duplicate call needs to know about an incident already logged."""

    incident_id: str
    logged: datetime
    category: str
    location: Location
    grade: Grade


class _Factory:
    """Builds incidents one logging time at a time, in time order, for one run."""

    def __init__(
        self,
        config: SyntheticConfig,
        calibration: Calibration,
        profile: ForceProfile,
        rngs: dict[str, np.random.Generator],
        run: tuple[datetime, str],
    ) -> None:
        self._config, self._profile, self._rngs = config, profile, rngs
        self._now, self._ref_prefix = run
        shares = category_shares(config, calibration, profile)
        self._categories = list(shares)
        self._category_p = np.array([shares[c] for c in self._categories])
        self._grades = grade_given_category(shares, config, calibration)
        self._places = Places(config, rngs["places"])
        staff = staff_for(config, tuple(config.geography.area_weights.shares))
        self._handlers = staff.call_handlers
        self._supervisors = staff.supervisors
        sigma = calibration.attendance.log_sigma
        self._lifecycle = Lifecycle(config, profile, sigma, staff, rngs["lifecycle"])
        self._recent: deque[_Logged] = deque()
        self._count = 0
        self._armed: ArmedResponse | None = None
        self._armed_share = 0.0
        if config.armed is not None:
            if WEAPONS not in profile.categories:
                raise ConfigurationError(
                    f"synthetic config: [armed] needs the category '{WEAPONS}' in force "
                    f"profile {profile.name}"
                )
            self._armed = ArmedResponse(config.armed, roster_arvs(), staff, config.closing,
                                        profile.timezone, rng=rngs["armed"])  # fmt: skip
            self._armed_share = min(1.0, config.armed.arv_deployments_per_day
                                    / config.incidents_per_day)  # fmt: skip

    def _pick(self, names: tuple[str, ...]) -> str:
        return names[int(self._rngs["intake"].integers(len(names)))]

    def _source(self) -> CallSource:
        rng, demand = self._rngs["categories"], self._config.demand
        if rng.random() < demand.share_999.value:
            return CallSource.EMERGENCY_999
        other = demand.other_sources.shares
        return CallSource(str(rng.choice(list(other), p=list(other.values()))))

    def _category_and_grade(self) -> tuple[str, Grade]:
        rng = self._rngs["categories"]
        category = str(rng.choice(self._categories, p=self._category_p))
        return category, GRADES[int(rng.choice(len(GRADES), p=self._grades[category]))]

    def _open(self, logged: datetime, opened: Opened) -> tuple[Incident, str]:
        self._count += 1
        entropy = int(self._rngs["ids"].integers(1 << 40))
        handler = self._pick(self._handlers)
        incident = Incident.open(new_incident_id(logged, entropy), opened, logged, handler, logged)
        return incident, handler

    def incident(self, logged: datetime) -> Incident:
        """One incident logged at ``logged``, played forward to ``now``."""
        while self._recent and logged - self._recent[0].logged > DUPLICATE_WINDOW:
            self._recent.popleft()
        if (
            self._recent
            and self._rngs["categories"].random() < self._config.backlog.duplicate_share.value
        ):
            return self._duplicate(logged)
        if self._armed is not None and self._rngs["armed"].random() < self._armed_share:
            return self.firearms(logged)
        category, grade = self._category_and_grade()
        caller, location, repeat = self._places.caller(category == DOMESTIC_ABUSE)
        summary = f"{self._profile.categories[category].name} reported"
        ref = f"{self._ref_prefix}{self._count + 1}"
        opened = Opened(self._source(), location, category, caller, summary, SOURCE_SYSTEM, ref)
        incident, handler = self._open(logged, opened)
        steps, start = self._intake(category, grade, repeat, handler)
        steps += self._lifecycle.plan(grade, location.area, logged, start)
        record_steps(incident, steps, self._now)
        self._recent.append(_Logged(incident.incident_id, logged, category, location, grade))
        return incident

    def firearms(self, logged: datetime) -> Incident:
        """A 999 weapons call with an armed response (``synthetic.armed``), played to ``now``."""
        if self._armed is None:
            raise ConfigurationError("synthetic config: no [armed] table, no firearms incidents")
        caller, location, _ = self._places.caller(False)
        ref = f"{self._ref_prefix}{self._count + 1}"
        summary = "firearm reported"
        opened = Opened(CallSource.EMERGENCY_999, location, WEAPONS, caller, summary,
                        SOURCE_SYSTEM, ref)  # fmt: skip
        incident, handler = self._open(logged, opened)
        steps, start = self._intake(WEAPONS, Grade.EMERGENCY, False, handler)
        steps += self._armed.plan(logged, location.area, start)
        record_steps(incident, steps, self._now)
        self._recent.append(
            _Logged(incident.incident_id, logged, WEAPONS, location, Grade.EMERGENCY)
        )
        return incident

    def _intake(
        self, category: str, grade: Grade, repeat: bool, handler: str
    ) -> tuple[list[Step], float]:
        """THRIVE (most incidents), the grade (sometimes upgraded later), the markers."""
        rng, config = self._rngs["intake"], self._config
        markers = markers_for(category, repeat, config, rng)
        minute = float(rng.uniform(0.5, 2.0))
        steps = []
        if rng.random() < config.thrive.assessed_share.value:
            ratings = thrive_ratings(grade, category, markers, config, rng)
            steps.append(Step(minute, handler, ThriveAssessed(ratings)))
        upgrade = grade in LOWER_GRADE and rng.random() < config.backlog.regrade_share.value
        first = LOWER_GRADE[grade] if upgrade else grade
        minute += float(rng.uniform(0.2, 1.5))
        steps.append(Step(minute, handler, Graded(first, self._profile.label_for(first))))
        for marker in markers:
            minute += float(rng.uniform(0.05, 0.5))
            steps.append(Step(minute, handler, VulnerabilityMarked(marker, True, "from caller")))
        if upgrade:
            minute += float(rng.uniform(2.0, 10.0))
            reason = "re-assessed on further information from the caller"
            payload = Graded(grade, self._profile.label_for(grade), reason)
            steps.append(Step(minute, self._pick(self._supervisors), payload))
        return steps, minute

    def _duplicate(self, logged: datetime) -> Incident:
        """A second call about an incident logged in the last hour: linked and closed."""
        rng = self._rngs["intake"]
        original = self._recent[int(rng.integers(len(self._recent)))]
        caller, _, _ = self._places.caller(False)
        ref = f"{self._ref_prefix}{self._count + 1}"
        opened = Opened(
            self._source(), original.location, original.category, caller,
            "further call about an incident already logged", SOURCE_SYSTEM, ref,
        )  # fmt: skip
        incident, handler = self._open(logged, opened)
        graded = float(rng.uniform(0.5, 2.0))
        linked = graded + float(rng.uniform(0.5, 3.0))
        label = self._profile.label_for(original.grade)
        steps = [
            Step(graded, handler, Graded(original.grade, label)),
            Step(linked, handler, LinkedDuplicate(original.incident_id)),
            Step(linked + float(rng.uniform(0.2, 2.0)), handler, Closed("duplicate")),
        ]
        record_steps(incident, steps, self._now)
        return incident


def generate_incidents(  # noqa: PLR0917 - the public signature callers use positionally
    config: SyntheticConfig,
    calibration: Calibration,
    profile: ForceProfile,
    now: datetime,
    hours: float,
    seed: int,
    scale: float = 1.0,
) -> list[Incident]:
    """Incidents logged over the ``hours`` before ``now``, each played forward to ``now``.

    ``scale`` multiplies the configured daily demand (1.0 = a West Midlands-sized force).
    Raises ``InputError`` for a non-positive ``hours`` or ``scale`` and ``ConfigurationError``
    when the configuration names a category or marker the force profile lacks.
    """
    if hours <= 0 or scale <= 0:
        raise InputError(f"hours and scale must be positive, got hours={hours}, scale={scale}")
    now = ensure_utc(now)
    check_markers(config, profile)
    sequences = np.random.SeedSequence(seed).spawn(len(STREAMS))
    rngs = {name: np.random.default_rng(s) for name, s in zip(STREAMS, sequences, strict=True)}
    factory = _Factory(config, calibration, profile, rngs, (now, f"{seed}:"))
    window = (now - timedelta(hours=hours), now)
    per_day = config.incidents_per_day * scale
    times = logging_times(calibration, per_day, window, profile.timezone, rngs["arrivals"])
    return [factory.incident(logged) for logged in times]


def generate_armed_history(  # noqa: PLR0917 - as generate_incidents
    config: SyntheticConfig,
    calibration: Calibration,
    profile: ForceProfile,
    now: datetime,
    before: datetime,
    seed: int,
    scale: float = 1.0,
) -> list[Incident]:
    """Only the firearms incidents with an armed response, logged over the configured
    ``[armed] history_days`` before ``now`` and up to ``before`` (where the full demand of
    ``generate_incidents`` starts), all played forward to ``now``. Empty when the
    configuration has no ``[armed]`` table. Same arguments -> the same incidents.
    """
    if scale <= 0:
        raise InputError(f"scale must be positive, got scale={scale}")
    armed = config.armed
    now, before = ensure_utc(now), ensure_utc(before)
    start = now - timedelta(days=armed.history_days.value) if armed else before
    if armed is None or before <= start:
        return []
    check_markers(config, profile)
    history = np.random.SeedSequence(seed).spawn(HISTORY_KEY + 1)[HISTORY_KEY]
    sequences = history.spawn(len(STREAMS))
    rngs = {name: np.random.default_rng(s) for name, s in zip(STREAMS, sequences, strict=True)}
    factory = _Factory(config, calibration, profile, rngs, (now, f"{seed}:fa-"))
    per_day = armed.arv_deployments_per_day * scale
    times = logging_times(calibration, per_day, (start, before), profile.timezone, rngs["arrivals"])
    return [factory.firearms(logged) for logged in times]
