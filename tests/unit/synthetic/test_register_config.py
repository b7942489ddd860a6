"""Demo register calibration: cited figures, bounded counts, refusals naming the key."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.synthetic.register_config import parse_register_calibration


def _doc():
    text = (
        resources.files("watchkeeper.resources").joinpath("synthetic", "registers.toml").read_text()
    )
    return tomllib.loads(text)


def test_the_force_share_of_national_counts_follows_population():
    cal = parse_register_calibration(_doc())

    assert cal.force_share == pytest.approx(2_800_000 / 57_400_000)
    assert cal.offenders(1.0) == cal.max_per_register  # 2,537 for the force: bounded for a demo
    # 128,000 child incidents a year x force share / 365 = 17.1 a day; adults are 40%, so 28.5;
    # 3 days of history at a quarter scale: 21.
    assert cal.missing_episodes(0.25) == 21


def test_risk_shares_must_sum_to_one():
    doc = _doc()
    doc["offenders"]["low_share"] = 0.6

    with pytest.raises(ConfigurationError, match="sum to 1"):
        parse_register_calibration(doc)


def test_every_table_must_cite_its_source():
    doc = _doc()
    del doc["missing"]["source"]

    with pytest.raises(ConfigurationError, match=r"'missing\.source'"):
        parse_register_calibration(doc)
