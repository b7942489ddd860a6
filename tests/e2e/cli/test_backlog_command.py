"""``watchkeeper backlog``: ranked, explained, filterable, and rebuildable at a past moment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from watchkeeper.cli.main import app

BANDS = {"critical", "high", "medium", "low"}
# A Saturday night in the real San Luis Obispo log with five calls open (checked by hand).
PAST_MOMENT = "2021-10-09T06:30:00+00:00"


@pytest.fixture(scope="module")
def moment():
    """One instant for every read of the living demo: waiting time moves scores and bands."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@pytest.fixture(scope="module")
def board(demo_cli, moment):
    rows = demo_cli.ok("backlog", "--json", "--as-of", moment).json()
    assert len(rows) >= 10, "the demo backlog is too small to test ranking and filters"
    return rows


def test_the_json_backlog_is_ranked_by_score_and_each_score_is_the_sum_of_its_factors(board):
    scores = [row["score"] for row in board]
    assert scores == sorted(scores, reverse=True)
    for row in board:
        assert row["band"] in BANDS
        assert row["status"] != "closed"
        assert row["factors"], row["incident_id"]
        assert abs(sum(f["points"] for f in row["factors"]) - row["score"]) <= 0.01, row
        assert all(f["name"] and f["detail"] for f in row["factors"])


def test_the_band_and_grade_filters_narrow_the_backlog_to_matching_incidents(
    demo_cli, board, moment
):
    band = max(BANDS, key=lambda b: sum(r["band"] == b for r in board))
    grade = max({r["grade"] for r in board}, key=lambda g: sum(r["grade"] == g for r in board))
    then = ("backlog", "--json", "--as-of", moment)
    by_band = demo_cli.ok(*then, "--band", band).json()
    by_grade = demo_cli.ok(*then, "--grade", grade).json()
    both = demo_cli.ok(*then, "--band", band, "--grade", grade).json()

    assert [r["incident_id"] for r in by_band] == [
        r["incident_id"] for r in board if r["band"] == band
    ]
    assert [r["incident_id"] for r in by_grade] == [
        r["incident_id"] for r in board if r["grade"] == grade
    ]
    assert {r["incident_id"] for r in both} == {
        r["incident_id"] for r in board if r["band"] == band and r["grade"] == grade
    }
    assert len(by_band) < len(board) and len(by_grade) < len(board)


def test_the_table_ranks_the_same_incidents_with_their_reasons(demo_cli, board, moment):
    table = demo_cli.ok("backlog", "--limit", "3", "--as-of", moment).stdout
    for row in board[:3]:
        assert row["incident_id"] in table
    assert board[3]["incident_id"] not in table
    assert "harm" in table  # the "why" column names the factors


@pytest.mark.realdata
def test_as_of_rebuilds_the_open_set_of_imported_history_at_a_past_moment(cli, shared_data):
    export = shared_data / "slo-pd-call-log" / "SLOPD_report_2021-10.csv"
    cli.ok("import", "san-luis-obispo", str(export), "--json")
    moment = datetime.fromisoformat(PAST_MOMENT)

    then = cli.ok("backlog", "--json", "--as-of", PAST_MOMENT).json()
    assert len(then) >= 3
    for row in then[:3]:  # each cross-check is a process; three make the point
        log = cli.ok("incident", "show", row["incident_id"], "--json").json()
        at = {e["kind"]: datetime.fromisoformat(e["at"]) for e in log["entries"]}
        assert at["opened"] <= moment < at["closed"], (row["incident_id"], at)
        assert row["waited_minutes"] == pytest.approx(
            (moment - at["opened"]).total_seconds() / 60, abs=0.1
        )
    # ...and nothing else was open then: every incident logged before and closed after.
    engine = sa.create_engine(cli.database_url)
    with engine.connect() as conn:
        expected = set(
            conn.execute(
                sa.text("SELECT id FROM incidents WHERE logged_at <= :t AND closed_at > :t"),
                {"t": moment.replace(tzinfo=None)},
            ).scalars()
        )
    engine.dispose()
    assert {row["incident_id"] for row in then} == expected
    # A bare time is the force's local time: 07:30 in London that October day (BST) is 06:30Z.
    assert cli.ok("backlog", "--json", "--as-of", "2021-10-09T07:30").json() == then
    assert cli.ok("backlog", "--json").json() == []  # all of it closed long ago


def test_the_as_of_help_says_a_bare_time_is_the_forces_local_time():
    help_text = CliRunner().invoke(app, ["backlog", "--help"], env={"COLUMNS": "200"}).output
    assert "UTC unless" not in help_text
    assert "local" in help_text
