"""Dispatch configuration: skills, needs by category and marker, weights, job times.

Parsed from a TOML document (the bundled ``dispatch-default.toml`` or a force's copy).
Every table must carry a ``source`` (a citation or "assumed: ..."); invalid values are
refused with a ConfigurationError naming the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from watchkeeper.dispatch.travel import TravelConfig
from watchkeeper.kernel.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class SkillNeeds:
    """Required skills gate; preferred skills break ties; crewing is units to send."""

    required: frozenset[str] = frozenset()
    preferred: frozenset[str] = frozenset()
    crewing: int = 1

    def combined(self, other: SkillNeeds) -> SkillNeeds:
        return SkillNeeds(
            self.required | other.required,
            (self.preferred | other.preferred) - (self.required | other.required),
            max(self.crewing, other.crewing),
        )


@dataclass(frozen=True, slots=True)
class RecommenderWeights:
    unserved_arrival_minutes: float
    travel_weight: float
    preferred_skill_travel_minutes: float
    serve_bonus: float


@dataclass(frozen=True, slots=True)
class ForecastConfig:
    horizon_minutes: float
    lookahead_minutes: float
    unknown_travel_minutes: float
    default_job_minutes: float
    job_minutes: Mapping[str, float]

    def job_minutes_for(self, category: str | None) -> float:
        if category is None:
            return self.default_job_minutes
        return self.job_minutes.get(category, self.default_job_minutes)


@dataclass(frozen=True, slots=True)
class DispatchConfig:
    known_skills: frozenset[str]
    travel: TravelConfig
    default_needs: SkillNeeds
    category_needs: Mapping[str, SkillNeeds]
    marker_needs: Mapping[str, SkillNeeds]
    weights: RecommenderWeights
    forecast: ForecastConfig

    def needs_for(self, category: str, markers: Iterable[str]) -> SkillNeeds:
        """Default needs, plus the category's, plus each marker's (see the TOML)."""
        needs = self.default_needs.combined(self.category_needs.get(category, SkillNeeds()))
        for marker in sorted(markers):
            needs = needs.combined(self.marker_needs.get(marker, SkillNeeds()))
        return needs


# --- parsing -------------------------------------------------------------------------


def _table(doc: Mapping[str, Any], key: str, where: str, *, sourced: bool = True) -> Any:
    value = doc.get(key)
    if not isinstance(value, dict):
        raise ConfigurationError(f"dispatch: missing table '{where}{key}'")
    source = value.get("source")
    if sourced and (not isinstance(source, str) or not source.strip()):
        raise ConfigurationError(
            f"dispatch: '{where}{key}.source' must cite a source or say 'assumed: <why>'"
        )
    return value


def _num(doc: Mapping[str, Any], key: str, where: str, minimum: float = 0.0) -> float:
    if key not in doc:
        raise ConfigurationError(f"dispatch: missing key '{where}{key}'")
    value = doc[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"dispatch: '{where}{key}' must be a number, got {value!r}")
    if value < minimum:
        raise ConfigurationError(f"dispatch: '{where}{key}' must be >= {minimum}, got {value}")
    return float(value)


def _positive(doc: Mapping[str, Any], key: str, where: str) -> float:
    value = _num(doc, key, where)
    if value <= 0:
        raise ConfigurationError(f"dispatch: '{where}{key}' must be positive, got {value}")
    return value


def _skills(body: Mapping[str, Any], key: str, where: str, known: frozenset[str]) -> frozenset[str]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise ConfigurationError(f"dispatch: '{where}{key}' must be a list of skill codes")
    unknown = sorted(set(value) - known)
    if unknown:
        raise ConfigurationError(f"dispatch: '{where}{key}' names unknown skills {unknown}")
    return frozenset(value)


def _needs(body: Mapping[str, Any], where: str, known: frozenset[str]) -> SkillNeeds:
    crewing = _num(body, "crewing", where, minimum=1) if "crewing" in body else 1.0
    if crewing != int(crewing):
        raise ConfigurationError(f"dispatch: '{where}crewing' must be a whole number of units")
    required = _skills(body, "required", where, known)
    return SkillNeeds(required, _skills(body, "preferred", where, known) - required, int(crewing))


def _needs_table(doc: Mapping[str, Any], key: str, known: frozenset[str]) -> dict[str, SkillNeeds]:
    table = doc.get(key, {})
    if not isinstance(table, dict):
        raise ConfigurationError(f"dispatch: 'needs.{key}' must be a table")
    out = {}
    for code, body in table.items():
        _table(table, code, f"needs.{key}.")
        out[code] = _needs(body, f"needs.{key}.{code}.", known)
    return out


def _travel(doc: Mapping[str, Any]) -> TravelConfig:
    travel = _table(doc, "travel", "")
    speeds_doc = _table(travel, "speed_kmh", "travel.")
    speeds = {
        str(cls): _positive(speeds_doc, cls, "travel.speed_kmh.")
        for cls in speeds_doc
        if cls != "source"
    }
    circuity = _num(travel, "circuity_factor", "travel.", minimum=1.0)
    return TravelConfig(speeds, circuity, _num(travel, "turnout_minutes", "travel."))


def _weights(doc: Mapping[str, Any]) -> RecommenderWeights:
    body, where = _table(doc, "recommender", ""), "recommender."
    return RecommenderWeights(
        _positive(body, "unserved_arrival_minutes", where),
        _num(body, "travel_weight", where),
        _num(body, "preferred_skill_travel_minutes", where),
        _num(body, "serve_bonus", where),
    )


def _forecast(doc: Mapping[str, Any]) -> ForecastConfig:
    body, where = _table(doc, "forecast", ""), "forecast."
    jobs = _table(body, "job_minutes", where)
    return ForecastConfig(
        _positive(body, "horizon_minutes", where),
        _positive(body, "lookahead_minutes", where),
        _num(body, "unknown_travel_minutes", where),
        _positive(body, "default_job_minutes", where),
        {str(k): _positive(jobs, k, f"{where}job_minutes.") for k in jobs if k != "source"},
    )


def parse_dispatch_config(doc: Mapping[str, Any]) -> DispatchConfig:
    """Validate a dispatch configuration document; raises ConfigurationError naming the key."""
    skills = _table(doc, "skills", "")
    known = skills.get("known")
    if not isinstance(known, list) or not known or not all(isinstance(s, str) for s in known):
        raise ConfigurationError("dispatch: 'skills.known' must be a non-empty list of codes")
    known_skills = frozenset(known)
    needs = _table(doc, "needs", "", sourced=False)
    return DispatchConfig(
        known_skills=known_skills,
        travel=_travel(doc),
        default_needs=_needs(_table(needs, "default", "needs."), "needs.default.", known_skills),
        category_needs=_needs_table(needs, "categories", known_skills),
        marker_needs=_needs_table(needs, "markers", known_skills),
        weights=_weights(doc),
        forecast=_forecast(doc),
    )


def bundled_dispatch_document() -> dict[str, Any]:
    """The bundled default configuration document (a force points settings at its own)."""
    text = resources.files("watchkeeper.resources").joinpath("dispatch-default.toml").read_text()
    return tomllib.loads(text)
