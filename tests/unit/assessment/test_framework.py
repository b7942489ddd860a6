"""Framework files: the bundled ones load; bad ones are refused naming the entry."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

import pytest

from watchkeeper.assessment.framework import BUNDLED, load_framework, parse_framework
from watchkeeper.assessment.indicators import registry
from watchkeeper.kernel.errors import ConfigurationError

KNOWN = set(registry())


def _bundled_doc(name: str = "peel-2017-effectiveness") -> dict:
    text = resources.files("watchkeeper.resources.frameworks").joinpath(f"{name}.toml").read_text()
    return tomllib.loads(text)


def _criterion(doc: dict, cid: str) -> dict:
    return next(c for c in doc["criterion"] if c["id"] == cid)


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_framework_loads_against_the_indicator_registry(name):
    fw = load_framework(name, KNOWN)

    assert fw.id == name
    assert fw.questions and fw.criteria
    assert set(fw.indicator_keys()) <= KNOWN


def test_the_2017_framework_has_the_five_peel_effectiveness_questions_and_four_grades():
    fw = load_framework("peel-2017-effectiveness", KNOWN)

    assert [q.number for q in fw.questions] == [1, 2, 3, 4, 5]
    assert fw.scale == ("outstanding", "good", "requires improvement", "inadequate")
    assert not next(q for q in fw.questions if q.number == 5).graded  # ungraded in 2017


def test_the_2021_framework_adds_adequate_without_new_code():
    fw = load_framework("peel-2021-five-point", KNOWN)

    assert fw.scale == ("outstanding", "good", "adequate", "requires improvement", "inadequate")


def test_an_unknown_indicator_in_a_criterion_is_refused_naming_the_criterion():
    doc = _bundled_doc()
    _criterion(doc, "dash-completion")["indicator"] = "dash_completion_ratee"

    with pytest.raises(
        ConfigurationError,
        match=r"criterion 'dash-completion': unknown indicator 'dash_completion_ratee'",
    ):
        parse_framework(doc, KNOWN)


def test_an_unknown_indicator_under_a_question_is_refused_naming_the_question():
    doc = _bundled_doc()
    doc["question"][0]["indicators"].append("answered_by_magic")

    with pytest.raises(
        ConfigurationError,
        match=r"question 'preventing-crime': unknown indicator 'answered_by_magic'",
    ):
        parse_framework(doc, KNOWN)


def test_circular_composite_criteria_are_refused_naming_the_cycle():
    doc = _bundled_doc()
    composite = _criterion(doc, "prompt-attendance-concern")
    doc["criterion"].append({
        **copy.deepcopy(composite), "id": "backlog-concern", "all_of": ["prompt-attendance-concern"],
    })  # fmt: skip
    composite["all_of"] = [*composite["all_of"], "backlog-concern"]

    with pytest.raises(
        ConfigurationError,
        match=r"circular criteria: .*prompt-attendance-concern -> backlog-concern -> prompt-attendance-concern",
    ):
        parse_framework(doc, KNOWN)


def test_a_criterion_naming_itself_is_circular():
    doc = _bundled_doc()
    composite = _criterion(doc, "prompt-attendance-concern")
    composite["all_of"] = ["prompt-attendance-concern"]

    with pytest.raises(
        ConfigurationError,
        match=r"circular criteria: prompt-attendance-concern -> prompt-attendance-concern",
    ):
        parse_framework(doc, KNOWN)


def test_thresholds_running_the_wrong_way_are_contradictory():
    doc = _bundled_doc()
    _criterion(doc, "emergency-attendance")["thresholds"] = {
        "outstanding": 95, "good": 70, "requires improvement": 80,
    }  # fmt: skip

    with pytest.raises(
        ConfigurationError,
        match=r"criterion 'emergency-attendance' is contradictory: the 'good' threshold \(70\) must be strictly above",
    ):
        parse_framework(doc, KNOWN)


def test_lower_is_better_thresholds_must_fall_toward_the_best_grade():
    doc = _bundled_doc()
    _criterion(doc, "backlog-review")["thresholds"] = {"good": 40, "requires improvement": 35}

    with pytest.raises(
        ConfigurationError, match=r"'backlog-review' is contradictory.*strictly below"
    ):
        parse_framework(doc, KNOWN)


def test_a_cause_of_concern_triggering_before_the_area_for_improvement_is_contradictory():
    doc = _bundled_doc()
    c = _criterion(doc, "dash-completion")
    c["cause-of-concern"] = {"at": "good", "text": "x", "recommendations": ["y"]}

    with pytest.raises(
        ConfigurationError, match=r"'dash-completion' is contradictory: its cause of concern"
    ):
        parse_framework(doc, KNOWN)


def test_a_cause_of_concern_without_recommendations_is_refused():
    doc = _bundled_doc()
    _criterion(doc, "dash-completion")["cause-of-concern"] = {"at": "inadequate", "text": "x"}

    with pytest.raises(
        ConfigurationError,
        match=r"'dash-completion'.cause-of-concern: a cause of concern needs recommendations",
    ):
        parse_framework(doc, KNOWN)


def test_a_grade_not_on_the_scale_is_refused_naming_the_entry():
    doc = _bundled_doc()
    _criterion(doc, "dash-completion")["thresholds"] = {"adequate": 90}

    with pytest.raises(
        ConfigurationError,
        match=r"criterion 'dash-completion'.thresholds: 'adequate' is not a grade",
    ):
        parse_framework(doc, KNOWN)


def test_a_criterion_defined_twice_is_refused():
    doc = _bundled_doc()
    doc["criterion"].append(copy.deepcopy(_criterion(doc, "rso-visits")))

    with pytest.raises(ConfigurationError, match=r"criterion 'rso-visits' is defined twice"):
        parse_framework(doc, KNOWN)


def test_a_composite_naming_an_unknown_criterion_is_refused():
    doc = _bundled_doc()
    _criterion(doc, "prompt-attendance-concern")["all_of"] = ["emergency-attendance", "nope"]

    with pytest.raises(
        ConfigurationError, match=r"criterion 'prompt-attendance-concern': unknown criterion 'nope'"
    ):
        parse_framework(doc, KNOWN)


def test_a_missing_framework_file_and_bad_toml_are_clear_errors(tmp_path):
    with pytest.raises(ConfigurationError, match=r"framework file not found"):
        load_framework(tmp_path / "absent.toml", KNOWN)
    bad = tmp_path / "bad.toml"
    bad.write_text("[framework\n")
    with pytest.raises(ConfigurationError, match=r"not valid TOML"):
        load_framework(bad, KNOWN)
