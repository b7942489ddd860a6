"""Synthetic configuration: cited figures, derived DA demand, and refusals that name the key."""

from __future__ import annotations

import copy
import dataclasses
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.synthetic.config import (
    Rate,
    Weights,
    load_synthetic_config,
    parse_synthetic_config,
)


def _doc() -> dict[str, Any]:
    text = resources.files("watchkeeper.resources.synthetic").joinpath("demo.toml").read_text()
    return tomllib.loads(text)


def _provenanced(value: Any) -> list[Rate | Weights]:
    if isinstance(value, Rate | Weights):
        return [value]
    if isinstance(value, dict):
        return [p for v in value.values() for p in _provenanced(v)]
    if dataclasses.is_dataclass(value):
        return [p for f in dataclasses.fields(value) for p in _provenanced(getattr(value, f.name))]
    return []


def test_every_rate_in_the_demo_config_cites_a_url_or_says_assumed() -> None:
    figures = _provenanced(load_synthetic_config())
    assert len(figures) > 40
    for figure in figures:
        assert (
            figure.source.startswith("assumed:")
            or "https://" in figure.source
            or ("http://" in figure.source)
        )


def test_the_cited_figures_are_those_in_standards_md() -> None:
    demand = load_synthetic_config().demand
    assert demand.calls_per_day.value == 4120
    assert "STANDARDS.md 9" in demand.calls_per_day.source
    assert demand.population.value == 2_900_000
    assert demand.da_incidents_per_1000_per_year.value == 29.8
    assert demand.da_share_of_recorded_crime.value == 0.20
    assert "STANDARDS.md 3.5" in demand.da_share_of_recorded_crime.source
    assert not demand.calls_per_day.assumed
    assert demand.incidents_per_call.assumed


def test_daily_da_demand_is_derived_from_population_and_the_wmp_rate() -> None:
    config = load_synthetic_config()
    assert config.da_incidents_per_day == pytest.approx(2_900_000 * 29.8 / 1000 / 365)
    assert config.incidents_per_day == pytest.approx(4120 * 0.6)
    assert config.da_share == pytest.approx(config.da_incidents_per_day / config.incidents_per_day)


def test_the_crime_share_keeps_da_at_a_fifth_of_crime_type_incidents() -> None:
    config = load_synthetic_config()
    assert config.da_share / (config.da_share + config.crime_share) == pytest.approx(0.20)


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        (("demand", "calls_per_day"), None, "demand.calls_per_day"),
        (("demand", "share_999", "value"), 1.5, "demand.share_999.value"),
        (("demand", "incidents_per_call", "value"), "lots", "demand.incidents_per_call.value"),
        (("backlog", "callback_share", "source"), "my guess", "backlog.callback_share.source"),
        (("backlog", "reviewed_share", "source"), "", "backlog.reviewed_share.source"),
        (("markers", "child", "value"), -0.1, "markers.child.value"),
        (("closing", "weights", "unfounded"), -1, "closing.weights.unfounded"),
        (("thrive", "levels", "emergency", "extreme"), 1, "thrive.levels.emergency.extreme"),
        (("thrive", "levels", "priority"), None, "thrive.levels"),
        (("grade_affinity", "default"), None, "grade_affinity.default"),
        (("grade_affinity", "admin", "grade-9"), 1, "grade_affinity.admin.grade-9"),
        (("units", "dispatchers", "value"), 2.5, "units.dispatchers.value"),
        (("geography", "centre_lat", "value"), 95, "geography.centre_lat.value"),
        (
            ("demand", "other_sources", "weights", "pigeon"),
            1,
            "demand.other_sources.weights.pigeon",
        ),
    ],
)
def test_invalid_configuration_is_refused_naming_the_key(
    path: tuple[str, ...], value: Any, key: str
) -> None:
    doc = copy.deepcopy(_doc())
    node = doc
    for part in path[:-1]:
        node = node[part]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    with pytest.raises(ConfigurationError) as refused:
        parse_synthetic_config(doc)
    assert key in refused.value.message


def test_all_zero_weights_are_refused_naming_the_key() -> None:
    doc = copy.deepcopy(_doc())
    doc["closing"]["weights"] = dict.fromkeys(doc["closing"]["weights"], 0)
    with pytest.raises(ConfigurationError, match=r"'closing\.weights'"):
        parse_synthetic_config(doc)


def test_a_missing_or_broken_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not found"):
        load_synthetic_config(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[demand\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        load_synthetic_config(broken)


def test_weights_are_normalised_to_shares() -> None:
    config = load_synthetic_config()
    assert sum(config.other_categories.shares.values()) == pytest.approx(1.0)
    assert sum(config.grade_affinity["default"].shares.values()) == pytest.approx(1.0)
