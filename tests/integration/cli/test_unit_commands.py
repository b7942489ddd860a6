"""``watchkeeper units`` on a fresh store, as an operator would use it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from watchkeeper.cli.main import app
from watchkeeper.kernel.errors import DomainRuleViolation, InputError, PermissionDenied


@pytest.fixture
def cli(tmp_path):
    env = {
        "WATCHKEEPER_DATABASE_URL": f"sqlite:///{tmp_path / 'units.db'}",
        "WATCHKEEPER_AUDIT_KEY_FILE": str(tmp_path / "audit.key"),
        "WATCHKEEPER_AUDIT_HEAD_FILE": str(tmp_path / "audit.head"),
        "WATCHKEEPER_OPERATOR": "",
    }
    runner = CliRunner()

    def invoke(*args, stdin=None):
        return runner.invoke(app, list(args), env=env, input=stdin)

    assert invoke("db", "upgrade").exit_code == 0
    for name, role, operator in (
        ("chief", "administrator", ()),
        ("disp", "dispatcher", ("--as", "chief")),
        ("ana", "analyst", ("--as", "chief")),
    ):
        done = invoke(
            *operator, "users", "add", name, "--role", role, "--display-name", name,
            "--password-stdin", stdin="a-long-enough-password\n",
        )  # fmt: skip
        assert done.exit_code == 0, done.output
    return invoke


def test_a_dispatcher_registers_lists_and_stands_down_a_unit(cli):
    added = cli(
        "--as", "disp", "units", "add", "CE01", "--area", "central", "--skill", "response",
        "--skill", "double-crewed", "--crew", "2", "--lat", "52.48", "--lon", "-1.89",
    )  # fmt: skip
    moved = cli("--as", "disp", "units", "status", "CE01", "unavailable")
    listed = json.loads(cli("--as", "disp", "units", "list", "--json").output)

    assert added.exit_code == 0 and "registered CE01" in added.output
    assert moved.exit_code == 0 and "CE01 is now unavailable" in moved.output
    assert [(u["call_sign"], u["status"], u["crew_size"], u["version"]) for u in listed] == [
        ("CE01", "unavailable", 2, 2)
    ]
    assert listed[0]["skills"] == ["double-crewed", "response"]


def test_bad_input_is_a_clear_refusal_naming_what_is_wrong(cli):
    unknown_skill = cli("--as", "disp", "units", "add", "X1", "--area", "central", "--skill", "jet")
    half_position = cli("--as", "disp", "units", "add", "X1", "--area", "central", "--lat", "52")
    cli("--as", "disp", "units", "add", "X1", "--area", "central")
    bad_move = cli("--as", "disp", "units", "status", "X1", "on-scene")

    assert isinstance(unknown_skill.exception, InputError) and "jet" in str(unknown_skill.exception)
    assert isinstance(half_position.exception, InputError)
    assert isinstance(bad_move.exception, DomainRuleViolation)


def test_an_analyst_may_list_but_not_register_units(cli):
    assert cli("--as", "ana", "units", "list").exit_code == 0
    refused = cli("--as", "ana", "units", "add", "X1", "--area", "central")
    assert isinstance(refused.exception, PermissionDenied)
