"""``watchkeeper users`` and ``watchkeeper audit`` on a fresh store, as an operator would."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from watchkeeper.cli.main import app
from watchkeeper.kernel.errors import PermissionDenied, Unauthenticated
from watchkeeper.persistence.engine import create_engine_for
from watchkeeper.persistence.tables import audit_log


@pytest.fixture
def cli(database_url, tmp_path):
    env = {
        "WATCHKEEPER_DATABASE_URL": database_url,
        "WATCHKEEPER_AUDIT_KEY_FILE": str(tmp_path / "audit.key"),
        "WATCHKEEPER_AUDIT_HEAD_FILE": str(tmp_path / "audit.head"),
        "WATCHKEEPER_OPERATOR": "",
    }
    runner = CliRunner()

    def invoke(*args, stdin=None):
        return runner.invoke(app, list(args), env=env, input=stdin)

    assert invoke("db", "upgrade").exit_code == 0
    return invoke


def _add(cli, username, role, *operator):
    return cli(
        *operator, "users", "add", username, "--role", role, "--display-name", username.title(),
        "--password-stdin", stdin="a-long-enough-password\n",
    )  # fmt: skip


def test_the_first_account_on_a_fresh_store_needs_no_operator(cli):
    result = _add(cli, "chief", "administrator")

    assert result.exit_code == 0, result.output
    listed = cli("--as", "chief", "users", "list", "--json")
    assert [u["username"] for u in json.loads(listed.output)] == ["chief"]


def test_later_accounts_need_an_operator_allowed_to_manage_users(cli):
    _add(cli, "chief", "administrator")

    assert isinstance(_add(cli, "other", "analyst").exception, Unauthenticated)
    assert _add(cli, "reader", "auditor", "--as", "chief").exit_code == 0
    assert isinstance(_add(cli, "x-user", "analyst", "--as", "reader").exception, PermissionDenied)


def test_an_unknown_operator_is_a_clear_error(cli):
    _add(cli, "chief", "administrator")

    result = cli("--as", "ghost", "users", "list")

    assert isinstance(result.exception, Unauthenticated)
    assert "'ghost' is not a stored, enabled account" in result.exception.message


def test_audit_verify_passes_then_fails_once_a_row_is_edited(cli, database_url, tmp_path):
    _add(cli, "chief", "administrator")
    cli("--as", "chief", "users", "list")

    sound = cli("--as", "chief", "audit", "verify")
    assert sound.exit_code == 0 and "audit chain sound" in sound.output
    assert (tmp_path / "audit.head").read_text().count("\n") >= 2  # exported after commands

    engine = create_engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(sa.update(audit_log).where(audit_log.c.seq == 1).values(reason="x"))
    engine.dispose()
    broken = cli("--as", "chief", "audit", "verify")

    assert broken.exit_code == 1
    assert "row 1 does not match its chain hash" in broken.output


def test_export_head_appends_the_head_to_the_head_file(cli, tmp_path):
    _add(cli, "chief", "administrator")

    result = cli("--as", "chief", "audit", "export-head")

    assert result.exit_code == 0
    last = json.loads((tmp_path / "audit.head").read_text().splitlines()[-1])
    assert last["seq"] >= 1 and f"head {last['seq']} {last['chain_hash']}" in result.output
