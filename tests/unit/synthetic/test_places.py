"""Made-up places and people: five areas, invented callers, repeats."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.synthetic.config import Weights, load_synthetic_config
from watchkeeper.synthetic.places import AREA_OFFSETS, Places


def test_new_addresses_fall_in_their_areas_box():
    config = load_synthetic_config()
    places = Places(config, np.random.default_rng(1))
    for _ in range(300):
        location = places.new_address()
        north, east = AREA_OFFSETS[location.area]
        geo = config.geography
        km_north = (location.lat - geo.centre_lat.value) * 111.32
        km_east = (location.lon - geo.centre_lon.value) * 111.32 * math.cos(math.radians(52.48))
        half = geo.area_km.value / 2 + 1e-3
        assert abs(km_north - north * geo.area_km.value) <= half
        assert abs(km_east - east * geo.area_km.value) <= half


def test_a_da_caller_calls_from_home_and_repeat_callers_are_reported():
    places = Places(load_synthetic_config(), np.random.default_rng(2))
    seen = [places.caller(domestic_abuse=True) for _ in range(400)]
    repeats = [c for c, _, repeat in seen if repeat]
    assert repeats
    firsts = {c.person_ref: loc for c, loc, repeat in seen if not repeat}
    assert all(c.person_ref in firsts for c in repeats)


def test_an_area_outside_the_layout_is_refused_naming_the_key():
    config = load_synthetic_config()
    geography = dataclasses.replace(
        config.geography, area_weights=Weights({"docklands": 1.0}, "assumed: test")
    )
    with pytest.raises(ConfigurationError, match=r"geography\.area_weights\.weights\.docklands"):
        Places(dataclasses.replace(config, geography=geography), np.random.default_rng(1))
