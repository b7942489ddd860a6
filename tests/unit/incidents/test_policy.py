"""Force profile: defaults cite sources, invalid configuration names the key."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from watchkeeper.incidents.entries import Grade
from watchkeeper.incidents.policy import parse_force_profile
from watchkeeper.kernel.errors import ConfigurationError


def _default_doc() -> dict[str, Any]:
    text = resources.files("watchkeeper.resources").joinpath("force-default.toml").read_text()
    return tomllib.loads(text)


def test_the_default_profile_encodes_the_published_targets() -> None:
    profile = parse_force_profile(_default_doc())
    assert profile.target_minutes(Grade.EMERGENCY, "north") == 15  # urban
    assert profile.target_minutes(Grade.EMERGENCY, "west") == 20  # rural
    assert profile.target_minutes(Grade.PRIORITY, "north") == 60
    assert profile.target_minutes(Grade.SCHEDULED, "north") is None
    assert profile.grade_for_label("P2") is Grade.PRIORITY
    assert profile.area_class("somewhere-new") == "urban"


def test_every_default_grade_and_category_has_a_source_or_says_assumed() -> None:
    profile = parse_force_profile(_default_doc())
    for grade in profile.grades.values():
        assert grade.provenance.source
    assumed = [c for c in profile.categories.values() if c.provenance.assumed]
    assert assumed, "category harm weights have no published source and must say assumed"
    assert profile.risk.provenance.assumed


def _mutated(path: list[str], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(_default_doc())
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ["grades", "priority", "target_minutes_urban"],
            -5,
            "grades.priority.target_minutes_urban",
        ),
        (["grades", "priority", "source"], "", "grades.priority.source"),
        (["grades", "emergency"], _DELETE, "missing emergency"),
        (["grades", "urgent"], {"labels": ["U"], "source": "x"}, "grades.urgent"),
        (["force", "timezone"], "Mars/Olympus", "force.timezone"),
        (["risk", "bands", "high"], 99, "risk.bands"),
        (["risk", "breach_points"], "lots", "risk.breach_points"),
        (["risk", "thrive_level_points", "high"], 0, "thrive_level_points"),
        (["areas", "classes", "north"], "suburban", "north"),
        (["unknown_category"], "nonsense", "unknown_category"),
        (["attendance", "clock_starts"], "arrived", "attendance.clock_starts"),
        (["backlog"], _DELETE, "backlog"),
    ],
)
def test_invalid_configuration_is_refused_naming_the_key(
    path: list[str], value: Any, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message.replace(".", r"\.")):
        parse_force_profile(_mutated(path, value))


def test_a_label_used_by_two_grades_is_refused() -> None:
    doc = _mutated(["grades", "scheduled", "labels"], ["P2"])
    with pytest.raises(ConfigurationError, match="reuses"):
        parse_force_profile(doc)
