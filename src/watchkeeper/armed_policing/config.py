"""Armed-response analysis configuration from ``resources/armed-policing.toml`` (or a copy)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.kernel.provenance import Provenance


@dataclass(frozen=True, slots=True)
class ArmedPolicy:
    timezone: ZoneInfo
    default_minutes: float
    area_minutes: dict[str, float]
    outlier_iqr_factor: float
    min_group_size: int
    slowest_count: int
    sources: dict[str, Provenance]
    # The unit skill code that marks an armed response vehicle in the unit register, used to
    # derive deployments from the incident log (``armed_policing.derivation``).
    arv_skill: str = "arv"

    def expected_minutes(self, area: str) -> float:
        return self.area_minutes.get(area, self.default_minutes)


def _table(doc: dict[str, Any], key: str, sources: dict[str, Provenance]) -> dict[str, Any]:
    node = doc.get(key)
    if not isinstance(node, dict):
        raise ConfigurationError(f"armed-policing policy: missing table '{key}'")
    source = node.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ConfigurationError(f"armed-policing policy: '{key}.source' must cite a source")
    sources[key] = Provenance(source.strip())
    return node


def _positive(table: dict[str, Any], key: str, where: str) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigurationError(
            f"armed-policing policy: '{where}.{key}' must be a positive number, got {value!r}"
        )
    return float(value)


def parse_policy(doc: dict[str, Any]) -> ArmedPolicy:
    """Build the policy from a parsed TOML document."""
    sources: dict[str, Provenance] = {}
    tz_table = _table(doc, "timezone", sources)
    try:
        tz = ZoneInfo(str(tz_table.get("name")))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError("armed-policing policy: 'timezone.name' is not a zone") from exc
    exp = _table(doc, "expectation", sources)
    areas_raw = exp.get("areas", {})
    if not isinstance(areas_raw, dict):
        raise ConfigurationError("armed-policing policy: 'expectation.areas' must be a table")
    areas = {str(k): _positive(areas_raw, k, "expectation.areas") for k in areas_raw}
    ana = _table(doc, "analysis", sources)
    derivation = _table(doc, "derivation", sources) if "derivation" in doc else {}
    arv_skill = derivation.get("arv_skill", "arv")
    if not isinstance(arv_skill, str) or not arv_skill.strip():
        raise ConfigurationError(
            "armed-policing policy: 'derivation.arv_skill' must be a skill code"
        )
    return ArmedPolicy(
        tz,
        _positive(exp, "default_minutes", "expectation"),
        areas,
        _positive(ana, "outlier_iqr_factor", "analysis"),
        int(_positive(ana, "min_group_size", "analysis")),
        int(_positive(ana, "slowest_count", "analysis")),
        sources,
        arv_skill.strip(),
    )


def load_policy(path: Path | None = None) -> ArmedPolicy:
    """The policy from ``path``, or the packaged default when None."""
    if path is None:
        text = resources.files("watchkeeper.resources").joinpath("armed-policing.toml").read_text()
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"armed-policing policy: cannot read {path}: {exc}") from exc
    try:
        return parse_policy(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"armed-policing policy: not valid TOML: {exc}") from exc
