"""``watchkeeper simulate run``: the demo scenario end to end, and bad input named by key."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from watchkeeper.cli.main import app
from watchkeeper.kernel.errors import InputError

DEMO = Path(__file__).resolve().parents[3] / "scenarios" / "demo.toml"
FILES = {
    "results.csv",
    "runs.csv",
    "backlog.svg",
    "attendance_by_grade.svg",
    "policy_comparison.svg",
}


@pytest.fixture
def simulate(tmp_path):
    runner = CliRunner()
    env = {
        "WATCHKEEPER_AUDIT_KEY_FILE": str(tmp_path / "audit.key"),
        "WATCHKEEPER_AUDIT_HEAD_FILE": str(tmp_path / "audit.head"),
    }

    def invoke(*args):
        return runner.invoke(app, ["simulate", "run", *map(str, args)], env=env)

    return invoke


def test_the_demo_scenario_runs_small_and_writes_the_table_and_plots(simulate, tmp_path):
    out = tmp_path / "out"
    result = simulate(DEMO, "--replications", 2, "--seed", 3, "--hours", 6, "--out", out)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == FILES
    rows = list(csv.DictReader((out / "results.csv").open()))
    assert {r["policy"] for r in rows} == {"status-quo", "watchkeeper"}
    emergency = [r for r in rows if r["measure"] == "attended_within_target.emergency"]
    assert len(emergency) == 2 and all(r["replications"] == "2" for r in emergency)
    assert all(r["target"] == "0.9" and r["meets_target"] in {"yes", "no"} for r in emergency)
    runs = list(csv.DictReader((out / "runs.csv").open()))
    assert [(r["policy"], r["seed"]) for r in runs] == [
        ("status-quo", "3"),
        ("watchkeeper", "3"),
        ("status-quo", "4"),
        ("watchkeeper", "4"),
    ]
    for name in FILES - {"results.csv", "runs.csv"}:
        assert (out / name).read_text().startswith("<svg")
    assert "simulation results" in result.output


def test_the_same_seed_writes_the_same_results(simulate, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert (
            simulate(DEMO, "--replications", 1, "--seed", 9, "--hours", 4, "--out", out).exit_code
            == 0
        )
    assert (first / "runs.csv").read_text() == (second / "runs.csv").read_text()


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (
            lambda text: text.replace(
                'policies = ["status-quo", "watchkeeper"]', 'policies = ["status-quo", "guesswork"]'
            ),
            "scenario.policies[1]",
        ),
        (lambda text: text.replace("scale = 0.05", "scale = -0.05"), "trace.scale"),
        (lambda text: text.split("[[roster.units]]")[0], "roster"),
        (lambda text: text.replace("count = 5", "count = -5"), "roster.units[0].count"),
        (
            lambda text: text.replace(
                'skills = ["response", "arv"]', 'skills = ["response", "jetpack"]'
            ),
            "roster.units[4].skills",
        ),
    ],
)
def test_bad_scenarios_are_refused_naming_the_key_and_write_nothing(simulate, tmp_path, edit, key):
    scenario = tmp_path / "bad.toml"
    scenario.write_text(edit(DEMO.read_text()))
    out = tmp_path / "out"
    result = simulate(scenario, "--replications", 1, "--hours", 2, "--out", out)
    assert isinstance(result.exception, InputError)
    assert key in result.exception.message
    assert not out.exists()


def test_a_roster_nobody_in_which_holds_a_required_skill_is_refused(simulate, tmp_path):
    text = DEMO.read_text().replace('"double-crewed"', '"dog"')
    scenario = tmp_path / "no-double-crewing.toml"
    scenario.write_text(text)
    out = tmp_path / "out"
    result = simulate(scenario, "--replications", 1, "--hours", 12, "--out", out)
    assert isinstance(result.exception, InputError)
    assert "'roster.units' has no unit with skills" in result.exception.message
    assert not out.exists()
