"""``watchkeeper simulate run``: the demo scenario end to end, and bad input named by key."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from watchkeeper.cli.main import app
from watchkeeper.kernel.errors import InputError, PermissionDenied

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
    # "double-crewed" is a crew of two in the simulator (two singles will do), so the skill
    # gate is checked on "arv", which weapons calls require (the week has some).
    text = DEMO.read_text().replace('skills = ["response", "arv"]', 'skills = ["response", "dog"]')
    scenario = tmp_path / "no-arv.toml"
    scenario.write_text(text)
    out = tmp_path / "out"
    result = simulate(scenario, "--replications", 1, "--out", out)
    assert isinstance(result.exception, InputError)
    assert "'roster.units' has no unit with skills ['arv', 'response']" in result.exception.message
    assert not out.exists()


def test_a_roster_too_small_to_crew_what_the_crewing_rules_need_is_refused(simulate, tmp_path):
    rules = '\n[crewing]\nsource = "t"\n[crewing.categories]\nsource = "t"\nweapons = 5\n'
    scenario = tmp_path / "five-for-weapons.toml"
    scenario.write_text(DEMO.read_text() + rules)  # the two ARVs carry 2 officers each
    out = tmp_path / "out"
    result = simulate(scenario, "--replications", 1, "--out", out)
    assert isinstance(result.exception, InputError)
    assert "carries 4 officer(s)" in result.exception.message
    assert "they need 5 (crewing rules)" in result.exception.message
    assert not out.exists()


# A small export in the San Luis Obispo format (made-up rows), imported with the real importer.
SLO_HEADER = (
    "case_number,date,received,dispatched,arrived,cleared,type,grid_location,location,"
    "address,observed_crime,responsible_officer,units,description,call_comments,clearance_code"
)
SLO_ROWS = [
    f'2201{d:02d}{k:03d},01/{d:02d}/22,{h:02d}:{m:02d},,,,{kind},PN{(1, 5, 8, 11, 13)[k]},"J-09, San Luis",'
    f'{k} ZEBRA WAY;,,"Quasimodo, Q","4261",Completed call,CALLER PERSEPHONE,Report'
    for d in range(1, 8)
    for k, (h, m, kind) in enumerate(
        [(1, 5, "Assault"), (6, 40, "Domestic Viol"), (13, 15, "Welfare Check"),
         (18, 30, "Weapon Offense"), (22, 50, "Burglary")]
    )
]  # fmt: skip


@pytest.fixture
def store_cli(tmp_path):
    runner = CliRunner()
    env = {
        "WATCHKEEPER_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "WATCHKEEPER_AUDIT_KEY_FILE": str(tmp_path / "audit.key"),
        "WATCHKEEPER_AUDIT_HEAD_FILE": str(tmp_path / "audit.head"),
        "WATCHKEEPER_OPERATOR": "",
    }

    def invoke(*args, stdin=None):
        return runner.invoke(app, [str(a) for a in args], env=env, input=stdin)

    assert invoke("db", "upgrade").exit_code == 0
    for name, role, operator in (
        ("chief", "administrator", ()),
        ("ana", "analyst", ("--as", "chief")),
        ("disp", "dispatcher", ("--as", "chief")),
    ):
        done = invoke(
            *operator, "users", "add", name, "--role", role, "--display-name", name,
            "--password-stdin", stdin="a-long-enough-password\n",
        )  # fmt: skip
        assert done.exit_code == 0, done.output
    export = tmp_path / "slo.csv"
    export.write_bytes(("\r\n".join([SLO_HEADER, *SLO_ROWS]) + "\r\n").encode("utf-8"))
    imported = invoke("--as", "ana", "import", "san-luis-obispo", export,
                      "--rejects-dir", tmp_path / "rejects")  # fmt: skip
    assert imported.exit_code == 0, imported.output
    return invoke


def test_the_store_s_own_demand_is_replayed_over_a_window(store_cli, tmp_path):
    out = tmp_path / "out"
    window = ("--from", "2022-01-01T08:00", "--to", "2022-01-08T08:00")
    result = store_cli("--as", "ana", "simulate", "run", DEMO, "--trace-from-store", *window,
                       "--replications", 2, "--seed", 5, "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "35 incidents needing attendance" in result.output.replace("\n", " ")
    assert {p.name for p in out.iterdir()} == FILES
    runs = list(csv.DictReader((out / "runs.csv").open()))
    assert [(r["policy"], r["seed"]) for r in runs][:2] == [
        ("status-quo", "5"),
        ("watchkeeper", "5"),
    ]
    again = tmp_path / "again"
    repeat = store_cli("--as", "ana", "simulate", "run", DEMO, "--trace-from-store", *window,
                       "--replications", 2, "--seed", 5, "--out", again)  # fmt: skip
    assert repeat.exit_code == 0
    assert (again / "runs.csv").read_text() == (out / "runs.csv").read_text()  # deterministic
    audit = store_cli("--as", "chief", "audit", "verify")
    assert audit.exit_code == 0, audit.output


def test_a_store_replay_is_refused_for_a_role_without_the_permission(store_cli, tmp_path):
    out = tmp_path / "out"
    result = store_cli("--as", "disp", "simulate", "run", DEMO, "--trace-from-store",
                       "--from", "2022-01-01T08:00", "--to", "2022-01-08T08:00", "--out", out)  # fmt: skip
    assert isinstance(result.exception, PermissionDenied)
    assert "may not simulation replay" in result.exception.message
    assert not out.exists()


def test_a_store_window_with_nothing_logged_is_refused_naming_the_window(store_cli, tmp_path):
    out = tmp_path / "out"
    result = store_cli("--as", "ana", "simulate", "run", DEMO, "--trace-from-store",
                       "--from", "2023-01-01", "--to", "2023-01-08", "--out", out)  # fmt: skip
    assert isinstance(result.exception, InputError)
    assert "no incidents were logged in 2023-01-01T00:00:00+00:00" in result.exception.message
    assert not out.exists()
