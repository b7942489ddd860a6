"""Force configuration for the incident log: grades, targets, categories, risk weights.

Plain data parsed from the force profile document (TOML, loaded by ``settings``).
Every real-world value carries its source, or is marked assumed; invalid configuration
is refused with the key and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from watchkeeper.incidents.entries import Grade, Level, ThriveElement
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.kernel.provenance import Provenance

AREA_CLASSES = ("urban", "rural")
CLOCK_STARTS = ("logged", "graded")
BANDS = ("critical", "high", "medium", "low")


@dataclass(frozen=True, slots=True)
class GradePolicy:
    grade: Grade
    labels: tuple[str, ...]
    target_minutes: dict[str, float | None]  # by area class; None = by appointment / none
    provenance: Provenance

    def target_for(self, area_class: str) -> float | None:
        return self.target_minutes.get(area_class)


@dataclass(frozen=True, slots=True)
class CategoryPolicy:
    code: str
    name: str
    harm: float
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class MarkerPolicy:
    code: str
    name: str
    points: float


@dataclass(frozen=True, slots=True)
class RiskWeights:
    """Points per factor; all configuration (no national numeric scale exists)."""

    thrive_level_points: dict[Level, float]
    thrive_element_weight: dict[ThriveElement, float]
    waiting_points_at_target: float
    waiting_points_cap: float
    breach_points: float
    no_contact_after_minutes: float
    no_contact_points: float
    repeat_window_days: int
    repeat_victim_points: float
    repeat_location_points: float
    safeguarding_points: float
    safeguarding_records_cap: int  # records counted at most, so the score stays bounded
    band_thresholds: dict[str, float]  # critical / high / medium lower bounds; low is the rest
    provenance: Provenance

    def band_of(self, score: float) -> str:
        for band in ("critical", "high", "medium"):
            if score >= self.band_thresholds[band]:
                return band
        return "low"


@dataclass(frozen=True, slots=True)
class BacklogPolicy:
    no_contact_minutes: float
    review_interval_minutes: float
    callback_due_minutes: float
    breach_imminent_minutes: float
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class ForceProfile:
    name: str
    timezone: ZoneInfo
    grades: dict[Grade, GradePolicy]
    areas: dict[str, str]  # area -> urban|rural
    default_area_class: str
    clock_start: str
    regrade_restarts_clock: bool
    categories: dict[str, CategoryPolicy]
    unknown_category: str
    markers: dict[str, MarkerPolicy]
    risk: RiskWeights
    backlog: BacklogPolicy

    def area_class(self, area: str) -> str:
        return self.areas.get(area, self.default_area_class)

    def grade_for_label(self, label: str) -> Grade:
        for policy in self.grades.values():
            if label in policy.labels:
                return policy.grade
        raise ConfigurationError(
            f"grade label {label!r} is not mapped in force profile {self.name}"
        )

    def label_for(self, grade: Grade) -> str:
        return self.grades[grade].labels[0]

    def target_minutes(self, grade: Grade, area: str) -> float | None:
        return self.grades[grade].target_for(self.area_class(area))

    def harm_of(self, category: str) -> float:
        policy = self.categories.get(category) or self.categories[self.unknown_category]
        return policy.harm


# --- parsing -------------------------------------------------------------------------


def _req(doc: dict[str, Any], key: str, where: str) -> Any:
    if key not in doc:
        raise ConfigurationError(f"force profile: missing key '{where}{key}'")
    return doc[key]


def _num(doc: dict[str, Any], key: str, where: str, minimum: float = 0.0) -> float:
    value = _req(doc, key, where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"force profile: '{where}{key}' must be a number, got {value!r}")
    if value < minimum:
        raise ConfigurationError(f"force profile: '{where}{key}' must be >= {minimum}, got {value}")
    return float(value)


def _provenance(doc: dict[str, Any], where: str) -> Provenance:
    source = doc.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ConfigurationError(
            f"force profile: '{where}source' must cite a source or say 'assumed: <why>'"
        )
    return Provenance(source.strip())


def _enum(enum: type[Any], value: Any, where: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ConfigurationError(
            f"force profile: '{where}' has unknown value {value!r} (allowed: {allowed})"
        ) from None


def _parse_grades(doc: dict[str, Any]) -> dict[Grade, GradePolicy]:
    grades: dict[Grade, GradePolicy] = {}
    seen_labels: set[str] = set()
    for name, body in _req(doc, "grades", "").items():
        where = f"grades.{name}."
        grade = _enum(Grade, name, f"grades.{name}")
        labels = tuple(str(x) for x in _req(body, "labels", where))
        if not labels:
            raise ConfigurationError(f"force profile: '{where}labels' must not be empty")
        clash = seen_labels.intersection(labels)
        if clash:
            raise ConfigurationError(f"force profile: '{where}labels' reuses {sorted(clash)}")
        seen_labels.update(labels)
        targets: dict[str, float | None] = {}
        for cls in AREA_CLASSES:
            key = f"target_minutes_{cls}"
            targets[cls] = _num(body, key, where, minimum=1.0) if key in body else None
        grades[grade] = GradePolicy(grade, labels, targets, _provenance(body, where))
    missing = [g.value for g in Grade if g not in grades]
    if missing:
        raise ConfigurationError(f"force profile: 'grades' is missing {', '.join(missing)}")
    return grades


def _parse_categories(doc: dict[str, Any]) -> dict[str, CategoryPolicy]:
    out = {}
    for code, body in _req(doc, "categories", "").items():
        where = f"categories.{code}."
        out[code] = CategoryPolicy(
            code, str(body.get("name", code)), _num(body, "harm", where), _provenance(body, where)
        )
    return out


def _parse_risk(doc: dict[str, Any]) -> RiskWeights:
    where = "risk."
    levels = _req(doc, "thrive_level_points", where)
    elements = _req(doc, "thrive_element_weight", where)
    level_points = {
        _enum(Level, k, f"{where}thrive_level_points.{k}"): _num(
            levels, k, f"{where}thrive_level_points."
        )
        for k in levels
    }
    if [level_points.get(lv, -1) for lv in Level] != sorted(
        level_points.get(lv, -1) for lv in Level
    ):
        raise ConfigurationError(
            f"force profile: '{where}thrive_level_points' must cover none..high and never decrease"
        )
    element_weight = {
        _enum(ThriveElement, k, f"{where}thrive_element_weight.{k}"): _num(
            elements, k, f"{where}thrive_element_weight."
        )
        for k in elements
    }
    bands = _req(doc, "bands", where)
    thresholds = {b: _num(bands, b, f"{where}bands.") for b in ("critical", "high", "medium")}
    if not thresholds["critical"] > thresholds["high"] > thresholds["medium"]:
        raise ConfigurationError(
            f"force profile: '{where}bands' must fall critical > high > medium"
        )
    return RiskWeights(
        level_points,
        {e: element_weight.get(e, 0.0) for e in ThriveElement},
        _num(doc, "waiting_points_at_target", where),
        _num(doc, "waiting_points_cap", where),
        _num(doc, "breach_points", where),
        _num(doc, "no_contact_after_minutes", where),
        _num(doc, "no_contact_points", where),
        int(_num(doc, "repeat_window_days", where, minimum=1)),
        _num(doc, "repeat_victim_points", where),
        _num(doc, "repeat_location_points", where),
        _num(doc, "safeguarding_points", where),
        int(_num(doc, "safeguarding_records_cap", where, minimum=1)),
        thresholds,
        _provenance(doc, where),
    )


def parse_force_profile(doc: dict[str, Any]) -> ForceProfile:
    """Validate a force profile document; raises ConfigurationError naming the key."""
    force = _req(doc, "force", "")
    try:
        tz = ZoneInfo(str(_req(force, "timezone", "force.")))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"force profile: 'force.timezone' {force.get('timezone')!r} is unknown"
        ) from None
    attendance = _req(doc, "attendance", "")
    clock_start = str(_req(attendance, "clock_starts", "attendance."))
    if clock_start not in CLOCK_STARTS:
        raise ConfigurationError(
            f"force profile: 'attendance.clock_starts' must be one of {CLOCK_STARTS}"
        )
    areas_doc = _req(doc, "areas", "")
    default_class = str(_req(areas_doc, "default_class", "areas."))
    areas = {str(k): str(v) for k, v in areas_doc.get("classes", {}).items()}
    for area, cls in [*areas.items(), ("areas.default_class", default_class)]:
        if cls not in AREA_CLASSES:
            raise ConfigurationError(
                f"force profile: area '{area}' class {cls!r} is not urban or rural"
            )
    categories = _parse_categories(doc)
    unknown = str(_req(doc, "unknown_category", ""))
    if unknown not in categories:
        raise ConfigurationError(f"force profile: 'unknown_category' {unknown!r} is not a category")
    markers = {
        code: MarkerPolicy(
            code, str(body.get("name", code)), _num(body, "points", f"markers.{code}.")
        )
        for code, body in _req(doc, "markers", "").items()
    }
    backlog_doc = _req(doc, "backlog", "")
    backlog = BacklogPolicy(
        _num(backlog_doc, "no_contact_minutes", "backlog."),
        _num(backlog_doc, "review_interval_minutes", "backlog.", minimum=1.0),
        _num(backlog_doc, "callback_due_minutes", "backlog.", minimum=1.0),
        _num(backlog_doc, "breach_imminent_minutes", "backlog.", minimum=1.0),
        _provenance(backlog_doc, "backlog."),
    )
    return ForceProfile(
        name=str(_req(force, "name", "force.")),
        timezone=tz,
        grades=_parse_grades(doc),
        areas=areas,
        default_area_class=default_class,
        clock_start=clock_start,
        regrade_restarts_clock=bool(attendance.get("regrade_restarts_clock", False)),
        categories=categories,
        unknown_category=unknown,
        markers=markers,
        risk=_parse_risk(_req(doc, "risk", "")),
        backlog=backlog,
    )
