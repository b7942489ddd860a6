"""Drift test: the shipped calibration.json is exactly what the real data gives today."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from watchkeeper.synthetic.calibration import (
    calibrate,
    calibration_to_json,
    load_calibration,
    main,
)

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def computed(shared_data):
    return calibrate(shared_data)


def _shipped_text() -> str:
    resource = resources.files("watchkeeper.resources.synthetic").joinpath("calibration.json")
    return resource.read_text(encoding="utf-8")


def test_the_shipped_calibration_equals_one_recomputed_from_the_real_data(computed):
    assert computed == load_calibration()
    assert calibration_to_json(computed) == _shipped_text()


def test_the_calibration_counts_every_real_row(computed):
    assert sum(computed.grade_counts.values()) == 19_534  # San Diego rows (SOURCE.md)
    assert sum(computed.crime_counts.values()) == 10_065  # Redbridge records (SOURCE.md)
    assert computed.grade_counts["emergency"] == 1_192 + 3_959  # priorities 0 and 1


def test_the_profiles_are_shares_with_a_night_trough_and_a_daytime_peak(computed):
    assert len(computed.hourly) == 24 and len(computed.weekday) == 7
    assert sum(computed.hourly) == pytest.approx(1.0, abs=1e-5)
    assert sum(computed.weekday) == pytest.approx(1.0, abs=1e-5)
    trough = min(range(24), key=computed.hourly.__getitem__)
    peak = max(range(24), key=computed.hourly.__getitem__)
    assert 2 <= trough <= 6
    assert 9 <= peak <= 18


def test_the_attendance_median_is_near_the_published_slo_median(computed):
    # SOURCE.md: median received -> arrived is 10 minutes including immediate arrivals;
    # leaving out arrivals within a minute moves it up a little.
    assert 10 <= computed.attendance.median_minutes <= 15
    assert computed.attendance.log_sigma > 0


def test_main_writes_the_calibration_as_json(shared_data, capsys, computed):
    assert main([str(shared_data)]) == 0
    assert json.loads(capsys.readouterr().out)["grade_counts"] == computed.grade_counts
