"""``watchkeeper safeguarding duties`` and ``watchkeeper person show`` as an operator would."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import build
from watchkeeper.cli.main import app
from watchkeeper.kernel.errors import PermissionDenied
from watchkeeper.people.model import Person, PersonName
from watchkeeper.safeguarding.da_records import NewDaCase
from watchkeeper.safeguarding.service_core import Assignment
from watchkeeper.settings import settings_from_env


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
    for user, role, operator in (("chief", "administrator", ()), ("ppo", "public-protection-officer",
                                 ("--as", "chief")), ("analyst", "analyst", ("--as", "chief"))):  # fmt: skip
        added = invoke(*operator, "users", "add", user, "--role", role, "--display-name", user,
                       "--password-stdin", stdin="a-long-enough-password\n")  # fmt: skip
        assert added.exit_code == 0, added.output
    application = build(settings_from_env(env))
    ppo = Actor("ppo", Role.PUBLIC_PROTECTION, "cli")
    sg = application.safeguarding
    sg.people.record_person(ppo, Person("V-1", (PersonName("Vera", "Holloway"),), date(1990, 1, 2)))
    sg.domestic_abuse.open_case(ppo, NewDaCase("DA-1", "V-1", Assignment("ppo", "sgt")))
    application.close()
    return invoke


def test_my_duties_list_the_dash_owed_on_a_new_case(cli):
    result = cli("--as", "ppo", "safeguarding", "duties", "--json")

    assert result.exit_code == 0, result.output
    assert [d["duty_id"] for d in json.loads(result.output)] == ["DA-1/dash-completion/1"]
    assert (
        json.loads(cli("--as", "ppo", "safeguarding", "duties", "--overdue", "--json").output) == []
    )


def test_person_show_prints_the_registers_the_role_may_see(cli):
    result = cli("--as", "ppo", "person", "show", "V-1", "--reason", "case review")

    assert result.exit_code == 0, result.output
    assert "Vera Holloway" in result.output
    assert "domestic-abuse cases: 1" in result.output


def test_an_analyst_may_not_read_a_person(cli):
    assert isinstance(cli("--as", "analyst", "person", "show", "V-1").exception, PermissionDenied)


def test_escalate_reports_what_it_pushed(cli):
    result = cli("--as", "ppo", "safeguarding", "escalate")

    assert result.exit_code == 0, result.output
    assert "0 duties escalated" in result.output  # the only duty is not yet due
