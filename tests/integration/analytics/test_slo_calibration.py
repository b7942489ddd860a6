"""The real San Luis Obispo log: read through the import profile, fitted, replayed, compared.

These tests check that the computation runs on the real export and that the comparison is
made on the held-back month; they do NOT assert that the 20 % target is met (the figure is
reported in docs/PERFORMANCE.md whatever it is).
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from watchkeeper.analytics.slo_calibration import (
    FIT_WINDOW,
    fit_slo,
    load_slo_calls,
    slo_headline,
)
from watchkeeper.cli.main import app

pytestmark = pytest.mark.realdata


def test_the_real_log_is_read_with_duplicates_set_aside_and_nothing_dropped_silently(shared_data):
    log = load_slo_calls(shared_data)
    assert log.rows_read == 13_569  # SOURCE.md: total shared rows
    assert log.exact_duplicates == 790  # SOURCE.md: exact duplicate rows
    assert (
        len(log.calls) + log.exact_duplicates + log.repeated_references + len(log.rejected)
        == log.rows_read
    )
    assert all(c.received.tzinfo is not None for c in log.calls)


def test_the_fit_uses_october_to_december_2021_only(shared_data):
    _, fitted = fit_slo(shared_data)
    assert fitted.window == FIT_WINDOW
    assert fitted.days == 92
    assert len(fitted.hourly_rate) == 24 and all(r >= 0 for r in fitted.hourly_rate)
    assert max(fitted.on_duty_by_hour) > 0


@pytest.mark.slow
def test_january_is_replayed_the_delays_compared_and_both_policies_run(shared_data):
    calibration, comparison = slo_headline(shared_data, replications=2, seed=2017)
    check = calibration.check
    assert check.window == (date(2022, 1, 1), date(2022, 1, 31))
    assert check.calls_compared > 1000
    for row in (check.median, check.p90):
        assert row.observed > 0
        assert math.isfinite(row.simulated.mean)
        assert row.relative_error == pytest.approx(
            (row.simulated.mean - row.observed) / row.observed
        )
    assert any("call-type mapping" in note for note in calibration.assumptions)
    assert [r.policy for r in comparison.results] == ["status-quo", "watchkeeper"]
    for r in comparison.results:
        assert r.counted["emergency"] > 0 and r.counted["vulnerable"] > 0
        assert 0.0 <= r.late_share["emergency"].mean <= 1.0


@pytest.mark.slow
def test_the_calibrate_command_prints_the_comparison_and_the_assumption(shared_data):
    out = CliRunner().invoke(
        app, ["calibrate", "--data-dir", str(shared_data), "--replications", "2"]
    )
    assert out.exit_code == 0, out.output
    assert "90th percentile" in out.output
    assert "call-type mapping" in out.output


def test_the_staffing_command_answers_an_inline_scenario(tmp_path: Path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        """
[demand]
source = "inline"
calls_per_hour = [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]
handling_median = 1.0
[[demand.types]]
name = "Assault"
share = 1.0
grade = "emergency"
target_minutes = 15
travel_median = 5
on_scene_median = 30
[staffing]
shift_starts = [0, 8, 16]
max_units = 15
days = 1
[[staffing.targets]]
name = "emergencies"
grade = "emergency"
within_minutes = 15
share = 0.8
""",
        encoding="utf-8",
    )
    out = CliRunner().invoke(app, ["staffing", str(scenario), "--seed", "1", "--replications", "2"])
    assert out.exit_code == 0, out.output
    assert "Erlang-C" in out.output and "best:" in out.output


def test_a_scenario_with_an_impossible_share_is_refused_naming_the_field(tmp_path: Path):
    scenario = tmp_path / "bad.toml"
    scenario.write_text(
        '[demand]\nsource = "inline"\ncalls_per_hour = [' + ", ".join(["1.0"] * 24) + "]\n"
        '[[demand.types]]\nname = "A"\nshare = 1.0\ntravel_median = 5\non_scene_median = 20\n[staffing]\n'
        '[[staffing.targets]]\ngrade = "emergency"\nwithin_minutes = 15\nshare = 1.2\n',
        encoding="utf-8",
    )
    out = CliRunner().invoke(app, ["staffing", str(scenario)])
    assert out.exit_code != 0
    assert "share" in str(out.exception)
