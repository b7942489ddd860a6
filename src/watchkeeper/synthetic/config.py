"""The synthetic generator's configuration (``resources/synthetic/demo.toml``), validated.

Every rate carries its provenance: a citation with a URL, or a source starting "assumed:".
Invalid configuration raises ``ConfigurationError`` naming the full key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from watchkeeper.incidents.entries import Grade, Level
from watchkeeper.kernel.errors import ConfigurationError

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True, slots=True)
class Rate:
    """One configured figure and where it comes from."""

    value: float
    source: str

    @property
    def assumed(self) -> bool:
        return self.source.startswith("assumed:")


@dataclass(frozen=True, slots=True)
class Weights:
    """A categorical distribution (shares sum to 1) and where it comes from."""

    shares: dict[str, float]
    source: str


@dataclass(frozen=True, slots=True)
class Demand:
    calls_per_day: Rate
    incidents_per_call: Rate
    population: Rate
    da_incidents_per_1000_per_year: Rate
    da_share_of_recorded_crime: Rate
    share_999: Rate
    other_sources: Weights


@dataclass(frozen=True, slots=True)
class Attendance:
    emergency_median_minutes: Rate
    priority_median_minutes: Rate
    scheduled_appointment_median_hours: Rate
    scheduled_lateness_median_minutes: Rate
    callback_resolution_median_minutes: Rate
    dispatch_fraction: Rate
    on_scene_median_minutes: Rate


@dataclass(frozen=True, slots=True)
class Backlog:
    held_share_priority: Rate
    held_share_scheduled: Rate
    held_delay_median_factor: Rate
    callback_share: Rate
    reviewed_share: Rate
    regrade_share: Rate
    duplicate_share: Rate


@dataclass(frozen=True, slots=True)
class Thrive:
    assessed_share: Rate
    levels: dict[Grade, Weights]
    jitter: Weights


@dataclass(frozen=True, slots=True)
class People:
    repeat_caller_share: Rate
    repeat_caller_share_da: Rate
    repeat_at_home_share: Rate
    repeat_address_share: Rate


@dataclass(frozen=True, slots=True)
class Units:
    response_per_area: Rate
    call_handlers: Rate
    dispatchers: Rate
    supervisors: Rate


@dataclass(frozen=True, slots=True)
class Geography:
    centre_lat: Rate
    centre_lon: Rate
    area_km: Rate
    area_weights: Weights


@dataclass(frozen=True, slots=True)
class ArmedDemand:
    """Firearms incidents with an armed response (``synthetic.armed``; STANDARDS.md §8)."""

    operations_per_year: Rate
    arv_share: Rate
    dispatch_median_minutes: Rate
    authorisation_median_minutes: Rate
    travel_median_minutes: Rate
    travel_log_sigma: Rate
    night_extra_minutes: Rate
    on_scene_median_minutes: Rate
    history_days: Rate
    area_extra_minutes: dict[str, Rate]

    @property
    def arv_deployments_per_day(self) -> float:
        """Armed operations a year with an ARV involved, per day (full scale)."""
        return self.operations_per_year.value * self.arv_share.value / DAYS_PER_YEAR


@dataclass(frozen=True, slots=True)
class SyntheticConfig:
    demand: Demand
    other_categories: Weights
    grade_affinity: dict[str, Weights]  # category (or "default") -> grade weights
    attendance: Attendance
    backlog: Backlog
    thrive: Thrive
    marker_rates: dict[str, Rate]
    people: People
    units: Units
    closing: Weights
    geography: Geography
    armed: ArmedDemand | None = None  # no [armed] table: no firearms incidents generated

    @property
    def incidents_per_day(self) -> float:
        """Daily incidents for the force: calls a day times incidents per call."""
        return self.demand.calls_per_day.value * self.demand.incidents_per_call.value

    @property
    def da_incidents_per_day(self) -> float:
        """Daily DA incidents: population x DA rate per 1,000 a year / 365."""
        d = self.demand
        return d.population.value * d.da_incidents_per_1000_per_year.value / 1000 / DAYS_PER_YEAR

    @property
    def da_share(self) -> float:
        """Share of incidents that are domestic abuse (derived, not configured)."""
        return min(1.0, self.da_incidents_per_day / self.incidents_per_day)

    @property
    def crime_share(self) -> float:
        """Share of incidents drawn from the recorded-crime mix, sized so DA : other crime
        matches the DA share of recorded crime (an assumption: calls are not crimes)."""
        ratio = self.demand.da_share_of_recorded_crime.value
        return min(1.0 - self.da_share, self.da_share * (1.0 - ratio) / ratio)


# --- parsing -------------------------------------------------------------------------


def _at(doc: dict[str, Any], key: str) -> Any:
    node: Any = doc
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigurationError(f"synthetic config: missing key '{key}'")
        node = node[part]
    return node


def _source(body: Any, key: str) -> str:
    source = body.get("source") if isinstance(body, dict) else None
    if not isinstance(source, str) or not source.strip():
        raise ConfigurationError(f"synthetic config: '{key}.source' is missing")
    source = source.strip()
    if not (source.startswith("assumed:") or "http://" in source or "https://" in source):
        raise ConfigurationError(
            f"synthetic config: '{key}.source' must cite a URL or begin 'assumed:'"
        )
    return source


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"synthetic config: '{key}' must be a number, got {value!r}")
    return float(value)


def _rate(doc: dict[str, Any], key: str, low: float = 0.0, high: float | None = None) -> Rate:
    body = _at(doc, key)
    if not isinstance(body, dict) or "value" not in body:
        raise ConfigurationError(f"synthetic config: '{key}' needs 'value' and 'source'")
    value = _number(body["value"], f"{key}.value")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ConfigurationError(f"synthetic config: '{key}.value' must be {bound}, got {value}")
    return Rate(value, _source(body, key))


def _share(doc: dict[str, Any], key: str) -> Rate:
    return _rate(doc, key, 0.0, 1.0)


def _shares(body: Any, key: str, allowed: set[str] | None = None) -> dict[str, float]:
    if not isinstance(body, dict) or not body:
        raise ConfigurationError(f"synthetic config: '{key}' must be a table of weights")
    weights = {str(k): _number(v, f"{key}.{k}") for k, v in body.items()}
    for name, weight in weights.items():
        if allowed is not None and name not in allowed:
            raise ConfigurationError(
                f"synthetic config: '{key}.{name}' is not one of {sorted(allowed)}"
            )
        if weight < 0:
            raise ConfigurationError(f"synthetic config: '{key}.{name}' must be >= 0")
    total = sum(weights.values())
    if total <= 0:
        raise ConfigurationError(f"synthetic config: '{key}' weights must not all be zero")
    return {k: v / total for k, v in weights.items()}


def _weights(doc: dict[str, Any], key: str, allowed: set[str] | None = None) -> Weights:
    body = _at(doc, key)
    return Weights(
        _shares(_at(doc, f"{key}.weights"), f"{key}.weights", allowed), _source(body, key)
    )


def _keyed_weights(doc: dict[str, Any], key: str, allowed: set[str]) -> dict[str, Weights]:
    body = _at(doc, key)
    source = _source(body, key)
    return {
        str(name): Weights(_shares(value, f"{key}.{name}", allowed), source)
        for name, value in body.items()
        if name != "source"
    }


def _rates(doc: dict[str, Any], key: str, names: tuple[str, ...], **bounds: float) -> list[Rate]:
    return [_rate(doc, f"{key}.{name}", **bounds) for name in names]


def _demand(doc: dict[str, Any]) -> Demand:
    sources = {"101", "online", "officer-initiated", "alarm", "other"}
    return Demand(
        _rate(doc, "demand.calls_per_day", low=1.0),
        _rate(doc, "demand.incidents_per_call", 0.01, 1.0),
        _rate(doc, "demand.population", low=1.0),
        _rate(doc, "demand.da_incidents_per_1000_per_year"),
        _rate(doc, "demand.da_share_of_recorded_crime", 0.01, 0.99),
        _share(doc, "demand.share_999"),
        _weights(doc, "demand.other_sources", sources),
    )


def _thrive(doc: dict[str, Any]) -> Thrive:
    levels = _keyed_weights(doc, "thrive.levels", {lv.value for lv in Level})
    missing = [g.value for g in Grade if g.value not in levels]
    if missing:
        raise ConfigurationError(f"synthetic config: 'thrive.levels' is missing {missing}")
    unknown = sorted(set(levels) - {g.value for g in Grade})
    if unknown:
        raise ConfigurationError(f"synthetic config: 'thrive.levels.{unknown[0]}' is not a grade")
    return Thrive(
        _share(doc, "thrive.assessed_share"),
        {Grade(k): v for k, v in levels.items()},
        _weights(doc, "thrive.jitter", {"down", "same", "up"}),
    )


def _grade_affinity(doc: dict[str, Any]) -> dict[str, Weights]:
    affinity = _keyed_weights(doc, "grade_affinity", {g.value for g in Grade})
    if "default" not in affinity:
        raise ConfigurationError("synthetic config: missing key 'grade_affinity.default'")
    return affinity


def _counts(doc: dict[str, Any]) -> Units:
    rates = _rates(doc, "units", Units.__match_args__, low=1.0)
    for name, rate in zip(Units.__match_args__, rates, strict=True):
        if not rate.value.is_integer():
            raise ConfigurationError(
                f"synthetic config: 'units.{name}.value' must be a whole number"
            )
    return Units(*rates)


def _geography(doc: dict[str, Any]) -> Geography:
    return Geography(
        _rate(doc, "geography.centre_lat", -80.0, 80.0),
        _rate(doc, "geography.centre_lon", -180.0, 180.0),
        _rate(doc, "geography.area_km", 0.1, 100.0),
        _weights(doc, "geography.area_weights"),
    )


def _armed(doc: dict[str, Any]) -> ArmedDemand | None:
    if "armed" not in doc:
        return None
    areas = _at(doc, "armed.area_extra_minutes")
    if not isinstance(areas, dict):
        raise ConfigurationError("synthetic config: 'armed.area_extra_minutes' must be a table")
    minutes = ArmedDemand.__match_args__[2:-2]  # the times (minutes, and the spread)
    return ArmedDemand(
        operations_per_year=_rate(doc, "armed.operations_per_year"),
        arv_share=_share(doc, "armed.arv_share"),
        history_days=_rate(doc, "armed.history_days", 0.0, 3660.0),
        area_extra_minutes={str(a): _rate(doc, f"armed.area_extra_minutes.{a}") for a in areas},
        **{name: _rate(doc, f"armed.{name}") for name in minutes},
    )


def parse_synthetic_config(doc: dict[str, Any]) -> SyntheticConfig:
    """Validate a configuration document; raises ConfigurationError naming the key."""
    return SyntheticConfig(
        demand=_demand(doc),
        other_categories=_weights(doc, "categories.other"),
        grade_affinity=_grade_affinity(doc),
        attendance=Attendance(*_rates(doc, "attendance", Attendance.__match_args__)),
        backlog=Backlog(
            _share(doc, "backlog.held_share_priority"),
            _share(doc, "backlog.held_share_scheduled"),
            _rate(doc, "backlog.held_delay_median_factor", low=1.0),
            *[_share(doc, f"backlog.{n}") for n in Backlog.__match_args__[3:]],
        ),
        thrive=_thrive(doc),
        marker_rates={str(k): _share(doc, f"markers.{k}") for k in _at(doc, "markers")},
        people=People(*[_share(doc, f"people.{n}") for n in People.__match_args__]),
        units=_counts(doc),
        closing=_weights(doc, "closing"),
        geography=_geography(doc),
        armed=_armed(doc),
    )


def load_synthetic_config(path: Path | None = None) -> SyntheticConfig:
    """Parse the bundled ``demo.toml`` (or the file at ``path``)."""
    try:
        if path is None:
            resource = resources.files("watchkeeper.resources.synthetic").joinpath("demo.toml")
            text = resource.read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigurationError(f"synthetic config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(
            f"synthetic config {path or 'demo.toml'}: not valid TOML ({exc})"
        ) from None
    return parse_synthetic_config(doc)
