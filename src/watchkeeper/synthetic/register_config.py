"""Calibration of the demo safeguarding registers (``resources/synthetic/registers.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from watchkeeper.kernel.errors import ConfigurationError

RSO_LEVELS = ("very_high", "high", "medium", "low")


@dataclass(frozen=True, slots=True)
class RegisterCalibration:
    force_population: int
    national_population: int
    da_per_1000_per_year: float
    da_history_days: int
    dash_completed_share: float
    refusal_share: float
    signed_off_share: float
    judgement_raise_share: float
    missing_child_incidents_national: int
    missing_adult_share: float
    looked_after_share: float
    missing_history_days: int
    review_on_time_share: float
    rso_national: int
    rso_mix: dict[str, float]
    max_per_register: int
    sources: dict[str, str]

    @property
    def force_share(self) -> float:
        return self.force_population / self.national_population

    def da_cases(self, scale: float) -> int:
        per_day = self.da_per_1000_per_year * self.force_population / 1000 / 365
        return self._bounded(per_day * self.da_history_days * scale)

    def missing_episodes(self, scale: float) -> int:
        children = self.missing_child_incidents_national * self.force_share / 365
        per_day = children / (1 - self.missing_adult_share)
        return self._bounded(per_day * self.missing_history_days * scale)

    def offenders(self, scale: float) -> int:
        return self._bounded(self.rso_national * self.force_share * scale)

    def _bounded(self, count: float) -> int:
        return max(1, min(self.max_per_register, round(count)))


def _table(doc: dict[str, Any], key: str, sources: dict[str, str]) -> dict[str, Any]:
    node: Any = doc
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigurationError(f"register calibration: missing table '{key}'")
        node = node[part]
    source = node.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ConfigurationError(f"register calibration: '{key}.source' must cite a source")
    sources[key] = source
    return dict(node)


def _number(table: dict[str, Any], key: str, where: str, share: bool = False) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigurationError(f"register calibration: '{where}.{key}' must be a number >= 0")
    if share and value > 1:
        raise ConfigurationError(f"register calibration: '{where}.{key}' must be a share <= 1")
    return float(value)


def parse_register_calibration(doc: dict[str, Any]) -> RegisterCalibration:
    """Validate the document; raises ConfigurationError naming the key."""
    s: dict[str, str] = {}
    force, nat = _table(doc, "force", s), _table(doc, "national", s)
    da, practice = _table(doc, "domestic_abuse", s), _table(doc, "domestic_abuse.practice", s)
    missing, rso, demo = (
        _table(doc, "missing", s),
        _table(doc, "offenders", s),
        _table(doc, "demo", s),
    )
    mix = {lv: _number(rso, f"{lv}_share", "offenders", share=True) for lv in RSO_LEVELS}
    if abs(sum(mix.values()) - 1.0) > 1e-6:
        raise ConfigurationError("register calibration: 'offenders' risk shares must sum to 1")
    return RegisterCalibration(
        force_population=int(_number(force, "population", "force")),
        national_population=int(_number(nat, "population_england_wales", "national")) or 1,
        da_per_1000_per_year=_number(da, "incidents_per_1000_per_year", "domestic_abuse"),
        da_history_days=int(_number(da, "history_days", "domestic_abuse")),
        dash_completed_share=_number(practice, "dash_completed_share", "practice", share=True),
        refusal_share=_number(practice, "refusal_share", "practice", share=True),
        signed_off_share=_number(practice, "signed_off_share", "practice", share=True),
        judgement_raise_share=_number(practice, "judgement_raise_share", "practice", share=True),
        missing_child_incidents_national=int(
            _number(missing, "child_incidents_per_year_national", "missing")
        ),
        missing_adult_share=min(
            0.95, _number(missing, "adult_share_of_incidents", "missing", True)
        ),
        looked_after_share=_number(missing, "looked_after_share_of_children", "missing", True),
        missing_history_days=int(_number(missing, "history_days", "missing")),
        review_on_time_share=_number(missing, "review_on_time_share", "missing", True),
        rso_national=int(_number(rso, "registered_national", "offenders")),
        rso_mix=mix,
        max_per_register=int(_number(demo, "max_per_register", "demo")),
        sources=s,
    )


def load_register_calibration() -> RegisterCalibration:
    """The bundled calibration (built on call, never at import)."""
    text = (
        resources.files("watchkeeper.resources").joinpath("synthetic", "registers.toml").read_text()
    )
    return parse_register_calibration(tomllib.loads(text))
