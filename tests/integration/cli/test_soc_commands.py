"""``watchkeeper ocg|scpo|armed`` over the demo registers, as the SOC officer and commander."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from watchkeeper.cli.main import app
from watchkeeper.kernel.errors import PermissionDenied

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    folder = tmp_path_factory.mktemp("soc-cli")
    env = {
        "WATCHKEEPER_DATABASE_URL": f"sqlite:///{folder / 'wk.db'}",
        "WATCHKEEPER_AUDIT_KEY_FILE": str(folder / "audit.key"),
        "WATCHKEEPER_AUDIT_HEAD_FILE": str(folder / "audit.head"),
        "WATCHKEEPER_OPERATOR": "",
    }
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, list(args), env=env)

    assert invoke("db", "upgrade").exit_code == 0
    seeded = invoke("demo", "--hours", "1", "--scale", "0.05")
    assert seeded.exit_code == 0, seeded.output
    assert "OCGs" in seeded.output and "armed deployments" in seeded.output
    return invoke


def test_the_soc_officer_lists_active_groups_with_owners_and_caseloads(cli):
    result = cli("--as", "soc", "ocg", "list")
    assert result.exit_code == 0, result.output
    assert "OCG-" in result.output and "LRO caseloads" in result.output
    assert "NONE" not in result.output  # no active group without an LRO


def test_a_group_shows_its_score_reasons_and_history(cli):
    result = cli("--as", "soc", "ocg", "show", "OCG-0000")
    assert result.exit_code == 0, result.output
    assert "-> band" in result.output and "-> proposed" in result.output


def test_orders_due_for_a_check_are_listed(cli):
    result = cli("--as", "soc", "scpo", "due", "--days", "60")
    assert result.exit_code == 0, result.output
    assert "SCPO-" in result.output


def test_the_commander_writes_the_html_summary_and_svg_charts(cli, tmp_path):
    result = cli("--as", "firearms", "armed", "report", "--out", str(tmp_path / "report"))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "report" / "report.html").read_text()
    assert "Armed response attendance" in html and "Slowest areas" in html
    assert len(list((tmp_path / "report").glob("*.svg"))) == 4


def test_other_roles_are_refused(cli):
    result = cli("--as", "dispatcher", "ocg", "list")
    assert isinstance(result.exception, PermissionDenied)
    result = cli("--as", "soc", "armed", "report", "--out", "unused")
    assert isinstance(result.exception, PermissionDenied)


def test_the_commander_derives_deployments_from_the_log_and_again_adds_nothing(cli):
    import re

    first = cli("--as", "firearms", "armed", "derive")
    assert first.exit_code == 0, first.output
    assert re.search(r"armed incidents in the log: \d+; deployments added \d+", first.output)
    again = cli("--as", "firearms", "armed", "derive", "--months", "1")
    assert again.exit_code == 0, again.output
    assert "deployments added 0, updated 0" in again.output
    refused = cli("--as", "soc", "armed", "derive")
    assert isinstance(refused.exception, PermissionDenied)
