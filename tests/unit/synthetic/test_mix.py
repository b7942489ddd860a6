"""Category and grade mix, and the logging-time process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from watchkeeper.settings import load_force_profile
from watchkeeper.synthetic.calibration import load_calibration
from watchkeeper.synthetic.config import load_synthetic_config
from watchkeeper.synthetic.mix import (
    GRADES,
    category_shares,
    grade_given_category,
    logging_times,
)


@pytest.fixture(scope="module")
def parts():
    return load_synthetic_config(), load_calibration(), load_force_profile()


def test_category_shares_sum_to_one_and_give_da_its_derived_share(parts):
    config, calibration, profile = parts
    shares = category_shares(config, calibration, profile)
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares["domestic-abuse"] == pytest.approx(config.da_share)
    assert set(shares) <= set(profile.categories)


def test_raking_matches_the_calibrated_grade_mix_and_keeps_impossible_grades_at_zero(parts):
    config, calibration, profile = parts
    shares = category_shares(config, calibration, profile)
    conditional = grade_given_category(shares, config, calibration)
    overall = sum(shares[c] * conditional[c] for c in shares)
    for i, grade in enumerate(GRADES):
        assert overall[i] == pytest.approx(calibration.grade_mix[grade.value], abs=1e-3)
    assert conditional["threat-to-life"][0] == pytest.approx(1.0)
    assert conditional["admin"][0] == 0.0


def test_logging_times_lie_in_the_window_ascending_and_follow_the_day(parts):
    _, calibration, _ = parts
    end = datetime(2026, 1, 12, tzinfo=UTC)
    window = (end - timedelta(days=14), end)
    rng = np.random.default_rng(1)
    times = logging_times(calibration, 2000, window, ZoneInfo("Europe/London"), rng)
    assert times == sorted(times)
    assert window[0] <= times[0] and times[-1] < end
    assert len(times) == pytest.approx(28_000, rel=0.05)
    counts = np.bincount([t.hour for t in times], minlength=24)
    assert np.corrcoef(counts, calibration.hourly)[0, 1] > 0.95
