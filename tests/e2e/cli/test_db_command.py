"""``watchkeeper db upgrade`` / ``db current`` on each engine."""

from __future__ import annotations

from watchkeeper.persistence import schema


def test_db_current_on_an_empty_database_says_so_and_after_upgrade_names_the_head(bare_cli):
    head = schema.head_revision()
    assert head
    assert bare_cli.ok("db", "current").stdout.strip() == "empty"
    bare_cli.ok("db", "upgrade")
    assert bare_cli.ok("db", "current").stdout.strip() == head


def test_db_upgrade_twice_changes_nothing_and_keeps_the_data(any_engine_slo_sample):
    cli = any_engine_slo_sample
    head = schema.head_revision()
    incidents, entries = cli.count("incidents"), cli.count("incident_entries")
    again = cli.ok("db", "upgrade")
    assert again.stdout.strip() == f"database at revision {head}"
    assert (cli.count("incidents"), cli.count("incident_entries")) == (incidents, entries)
    assert cli.ok("db", "current").stdout.strip() == head
