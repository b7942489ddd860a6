"""The server's interpreter switch interval: Python's own unless configured, bad values named."""

from __future__ import annotations

import pytest

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.web.app import SWITCH_INTERVAL_ENV, switch_interval


def test_milliseconds_from_the_environment_become_seconds():
    assert switch_interval({SWITCH_INTERVAL_ENV: "1"}) == pytest.approx(0.001)
    assert switch_interval({SWITCH_INTERVAL_ENV: "2.5"}) == pytest.approx(0.0025)


@pytest.mark.parametrize("value", ["fast", "0", "1000", "-1"])
def test_a_bad_value_is_refused_naming_the_setting(value):
    with pytest.raises(ConfigurationError, match=SWITCH_INTERVAL_ENV):
        switch_interval({SWITCH_INTERVAL_ENV: value})
