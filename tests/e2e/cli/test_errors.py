"""Errors the user causes or meets: one clear line, a non-zero exit, nothing half-written."""

from __future__ import annotations

import sqlite3
import time
from importlib import resources

import pytest


def test_a_second_writer_on_the_sqlite_file_is_one_clear_line_and_nothing_is_half_written(
    cli, slo_header, slo_rows, write_export
):
    sample = write_export(cli.cwd / "slo.csv", slo_header, slo_rows)
    database = cli.database_url.removeprefix("sqlite:///")
    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        started = time.monotonic()
        outcome = cli.fails("import", "san-luis-obispo", str(sample), timeout=30)
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "another writer" in outcome.error_lines()[0]
    assert waited < 20  # the busy timeout is bounded; it does not hang
    assert cli.count("incidents") == 0
    assert cli.count("incident_entries") == 0
    # The lock gone, the same import runs in full: nothing was left half-done.
    summary = cli.ok("import", "san-luis-obispo", str(sample), "--json").json()
    assert (summary["imported"], summary["already_present"]) == (len(slo_rows), 0)


def test_debug_shows_the_traceback_that_a_plain_run_hides(shared_sample):
    cli = shared_sample
    plain = cli.fails("incident", "show", "INC-NONE")
    assert "Traceback" not in plain.output
    debug = cli.run("--debug", "incident", "show", "INC-NONE")
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr
    assert "INC-NONE" in debug.stderr


def test_an_invalid_force_profile_is_refused_at_start_up_naming_the_key(unmigrated_cli):
    cli = unmigrated_cli
    default = resources.files("watchkeeper.resources").joinpath("force-default.toml").read_text()
    assert "target_minutes_urban = 15" in default
    broken = cli.cwd / "force.toml"
    broken.write_text(default.replace("target_minutes_urban = 15", "target_minutes_urban = -5"))

    outcome = cli.fails("backlog", env={"WATCHKEEPER_FORCE_PROFILE": str(broken)})
    line = outcome.error_lines()[0]
    assert "grades.emergency.target_minutes_urban" in line
    assert "-5" in line


def test_a_missing_force_profile_file_is_refused_naming_the_file(unmigrated_cli):
    cli = unmigrated_cli
    missing = cli.cwd / "no-such-force.toml"
    line = cli.fails("backlog", env={"WATCHKEEPER_FORCE_PROFILE": str(missing)}).error_lines()[0]
    assert "no-such-force.toml" in line


@pytest.mark.parametrize("when", ["last tuesday", "2021-13-45T02:00"])
def test_an_unreadable_as_of_time_is_refused_naming_the_option(shared_sample, when):
    line = shared_sample.fails("backlog", "--as-of", when).error_lines()[0]
    assert "--as-of" in line and when in line


def test_a_command_on_a_database_never_upgraded_says_to_run_db_upgrade(unmigrated_cli):
    line = unmigrated_cli.fails("backlog").error_lines()[0]
    assert "db upgrade" in line
