"""Scenario files: the demo parses; every bad value is refused naming its TOML key."""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path

import pytest

from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.scenario import load_scenario, parse_scenario

DEMO = Path(__file__).resolve().parents[3] / "scenarios" / "demo.toml"
VALID = {
    "scenario": {
        "name": "t",
        "policies": ["status-quo", "watchkeeper"],
        "replications": 2,
        "seed": 3,
    },
    "trace": {
        "source": "synthetic",
        "start": "2024-03-04T00:00:00+00:00",
        "hours": 12,
        "scale": 0.02,
    },
    "roster": {
        "units": [
            {
                "area": "central",
                "count": 4,
                "skills": ["response"],
                "shift_start": "07:00",
                "shift_hours": 10,
            }
        ]
    },
}


def _with(path: str, value: object) -> dict:
    doc = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    node = doc
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    node[last] = value
    return doc


def test_the_demo_scenario_parses():
    scenario = load_scenario(DEMO)
    assert scenario.policies == ("status-quo", "watchkeeper")
    assert sum(g.count for g in scenario.units) > 0
    assert scenario.targets["attended_within_target.emergency"] == 0.9


def test_a_valid_document_keeps_its_values():
    scenario = parse_scenario(VALID)
    assert scenario.replications == 2 and scenario.seed == 3
    assert scenario.units[0].shift_start == 420.0 and scenario.units[0].shift_hours == 10.0


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        ("roster.units", [], "roster.units"),
        ("roster.units.0.count", 0, "roster.units"),
        ("roster.units.0.count", -2, "roster.units[0].count"),
        ("roster.units.0.shift_start", "7am", "roster.units[0].shift_start"),
        ("roster.units.0.shift_hours", 30, "roster.units[0].shift_hours"),
        ("roster.units.0.skills", "response", "roster.units[0].skills"),
        ("trace.scale", -1.0, "trace.scale"),
        ("trace.hours", 0, "trace.hours"),
        ("trace.source", "crystal-ball", "trace.source"),
        ("trace.start", "yesterday", "trace.start"),
        ("trace.service_minutes", {"theft": -5}, "trace.service_minutes.theft"),
        ("scenario.policies", ["status-quo", "send-everyone"], "scenario.policies[1]"),
        ("scenario.replications", 0, "scenario.replications"),
        ("sim", {"travel_cv": -0.1}, "sim.travel_cv"),
        ("sim", {"warp": 9}, "sim.warp"),
        ("targets", {"happiness": 0.9}, "targets.happiness"),
        (
            "targets",
            {"attended_within_target.emergency": 90},
            "targets.attended_within_target.emergency",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_key(path, value, key):
    with pytest.raises(InputError, match=rf"scenario: '{re.escape(key)}'"):
        parse_scenario(_with(path, value))


def test_a_toml_syntax_error_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\nname = 1\n")
    with pytest.raises(InputError, match=r"bad\.toml is not valid TOML"):
        load_scenario(bad)


def test_the_demo_file_is_valid_toml_with_a_roster():
    doc = tomllib.loads(DEMO.read_text())
    assert doc["roster"]["units"]


STORE = DEMO.with_name("slo-store.toml")


def _store(**trace):
    doc = copy.deepcopy(VALID)
    doc["trace"] = {"source": "store", "start": "2022-01-01T08:00:00+00:00", **trace}
    return doc


def test_a_store_trace_takes_its_window_from_end_or_hours():
    by_end = parse_scenario(_store(end="2022-01-08T08:00:00+00:00"))
    by_hours = parse_scenario(_store(hours=168))
    assert by_end.trace.kind == "store" and by_end.trace.hours == 168.0
    assert by_end.trace == by_hours.trace
    shipped = load_scenario(STORE)
    assert shipped.trace.kind == "store" and shipped.trace.hours == 31 * 24.0
    assert [g.officers for g in shipped.units] == [2, 2, 1, 1, 2]  # arv: crew = 2


@pytest.mark.parametrize(
    ("trace", "key"),
    [
        ({}, "trace.end"),
        ({"end": "2022-01-08T08:00:00+00:00", "hours": 3}, "trace.end"),
        ({"end": "2021-12-31T00:00:00+00:00"}, "trace.end"),
        ({"end": "next week"}, "trace.end"),
        ({"hours": -2}, "trace.hours"),
    ],
)
def test_a_bad_store_window_is_refused_naming_the_key(trace, key):
    with pytest.raises(InputError, match=re.escape(f"'{key}'")):
        parse_scenario(_store(**trace))


def test_unit_crews_and_crewing_rules_come_from_the_scenario():
    doc = copy.deepcopy(VALID)
    doc["roster"]["units"][0]["crew"] = 3
    doc["crewing"] = {"source": "assumed: test", "categories": {"source": "t", "weapons": 3}}
    scenario = parse_scenario(doc)
    assert scenario.units[0].officers == 3
    assert scenario.crewing is not None and scenario.crewing.by_category == {"weapons": 3}
    doc["roster"]["units"][0]["crew"] = 0
    with pytest.raises(InputError, match=re.escape("'roster.units[0].crew'")):
        parse_scenario(doc)
    doc["roster"]["units"][0]["crew"] = 2
    doc["crewing"]["categories"]["weapons"] = 99
    with pytest.raises(InputError, match=re.escape("'crewing.categories.weapons'")):
        parse_scenario(doc)
