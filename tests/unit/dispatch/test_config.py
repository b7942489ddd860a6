"""Dispatch configuration: the bundled default parses; bad documents name the key."""

from __future__ import annotations

import copy

import pytest

from watchkeeper.dispatch.config import bundled_dispatch_document, parse_dispatch_config
from watchkeeper.incidents.policy import AREA_CLASSES
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.settings import load_force_profile

DOC = bundled_dispatch_document()


def test_the_bundled_configuration_parses_and_covers_every_area_class():
    config = parse_dispatch_config(DOC)
    assert set(AREA_CLASSES) <= set(config.travel.speed_kmh)
    assert config.travel.circuity_factor >= 1.0


def test_every_force_category_has_a_job_time():
    config = parse_dispatch_config(DOC)
    assert set(load_force_profile().categories) <= set(config.forecast.job_minutes)


def test_needs_combine_default_category_and_markers():
    needs = parse_dispatch_config(DOC).needs_for("domestic-abuse", ["weapons"])
    assert needs.required == {"response", "double-crewed"}
    assert needs.preferred == {"da-trained", "arv"}
    assert parse_dispatch_config(DOC).needs_for("threat-to-life", []).crewing == 2


def test_every_table_must_cite_a_source_or_say_assumed():
    doc = copy.deepcopy(DOC)
    del doc["travel"]["speed_kmh"]["source"]
    with pytest.raises(ConfigurationError, match=r"travel\.speed_kmh\.source"):
        parse_dispatch_config(doc)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("travel", "speed_kmh", "urban"), 0, r"travel\.speed_kmh\.urban"),
        (("travel", "circuity_factor"), 0.5, r"travel\.circuity_factor"),
        (("recommender", "travel_weight"), "x", r"recommender\.travel_weight"),
        (
            ("needs", "categories", "weapons", "required"),
            ["bazooka"],
            r"needs\.categories\.weapons\.required",
        ),
        (("needs", "categories", "threat-to-life", "crewing"), 1.5, r"threat-to-life\.crewing"),
        (("forecast", "job_minutes", "alarm"), -1, r"forecast\.job_minutes\.alarm"),
    ],
)
def test_an_invalid_value_is_refused_naming_its_key(path, value, message):
    doc = copy.deepcopy(DOC)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ConfigurationError, match=message):
        parse_dispatch_config(doc)


def test_a_missing_table_is_named():
    doc = copy.deepcopy(DOC)
    del doc["forecast"]
    with pytest.raises(ConfigurationError, match="'forecast'"):
        parse_dispatch_config(doc)
