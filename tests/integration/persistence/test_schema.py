"""Migrations: shipped in the package, run from code, and matching the table definitions."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from watchkeeper.persistence import schema
from watchkeeper.persistence.engine import create_engine_for
from watchkeeper.persistence.tables import metadata
from watchkeeper.persistence.tables_findings import TABLE_NAMES as FINDINGS_TABLES
from watchkeeper.persistence.tables_safeguarding import TABLE_NAMES
from watchkeeper.persistence.tables_soc import TABLE_NAMES as SOC_TABLES

EXPECTED_TABLES = {
    "log_change_marker",
    "incidents",
    "incident_entries",
    "users",
    "user_sessions",
    "audit_log",
    "audit_chain_head",
    "units",  # issue 4: the dispatch unit register
    # issue 5: the nominal index, the safeguarding registers and their duties
    *TABLE_NAMES,
    *FINDINGS_TABLES,  # issue 7: the findings register
    *SOC_TABLES,  # issue 6: OCGs, 4P plans, SCPOs, armed deployments
    "retention_decisions",  # issue 8: MoPI review decisions
    "protected_fields",  # issue 8: application-encrypted fields
}


def _tables(url: str) -> set[str]:
    engine = create_engine_for(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_an_empty_database_is_migrated_to_the_latest_revision(database_url):
    assert schema.current_revision(database_url) is None

    schema.upgrade(database_url)

    assert schema.current_revision(database_url) == schema.head_revision()
    assert _tables(database_url) == EXPECTED_TABLES


def test_the_migrated_schema_matches_the_table_definitions(database_url):
    schema.upgrade(database_url)
    engine = create_engine_for(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()

    assert differences == []


def test_downgrading_to_base_removes_every_table_and_upgrading_restores_them(database_url):
    schema.upgrade(database_url)

    schema.downgrade(database_url, "base")
    assert _tables(database_url) == set()
    assert schema.current_revision(database_url) is None

    schema.upgrade(database_url)
    assert _tables(database_url) == EXPECTED_TABLES


def test_upgrading_an_up_to_date_database_changes_nothing(database_url):
    schema.upgrade(database_url)
    schema.upgrade(database_url)

    assert schema.current_revision(database_url) == schema.head_revision()


def test_the_migration_scripts_ship_inside_the_package_as_package_modules():
    migrations = schema.MIGRATIONS
    assert (migrations / "env.py").is_file()
    assert (migrations / "script.py.mako").is_file()
    # setuptools packages .py files only inside packages, so both folders need __init__.py.
    assert (migrations / "__init__.py").is_file()
    assert (migrations / "versions" / "__init__.py").is_file()
    assert schema.head_revision() is not None


def test_migration_0011_files_the_blocking_keys_of_people_already_on_the_index(database_url):
    from datetime import UTC, date, datetime

    from watchkeeper.people.index import key_strings
    from watchkeeper.people.model import Person, PersonName

    schema.upgrade(database_url, "0010")
    engine = create_engine_for(database_url)
    person = Person("P-1", (PersonName("Jon", "Smyth"), PersonName("John", "Smith")),
                    date(1980, 2, 29))  # fmt: skip
    try:
        with engine.begin() as c:
            c.execute(sa.text(
                "INSERT INTO people (person_ref, given, family, family_key, date_of_birth, "
                "markers, created_at) VALUES ('P-1', 'Jon', 'Smyth', 'S530', :dob, '[]', :at)"
            ), {"dob": date(1980, 2, 29), "at": datetime(2024, 1, 1, tzinfo=UTC)})  # fmt: skip
            c.execute(sa.text(
                "INSERT INTO person_aliases (person_ref, seq, given, family, family_key) "
                "VALUES ('P-1', 1, 'John', 'Smith', 'S530')"
            ))  # fmt: skip
        schema.upgrade(database_url)
        with engine.connect() as c:
            filed = {k for (k,) in c.execute(sa.text("SELECT block_key FROM person_keys"))}
    finally:
        engine.dispose()

    assert filed == key_strings(person)
    assert "date|1980|0229" in filed  # the leap-day birth survives the round trip


def test_migration_0012_keeps_estimated_birth_years_and_its_downgrade_keeps_the_people(
    database_url,
):
    """Up: a person filed with an apparent age reads back with it. Down to 0011 with people
    on the index (aliases and keys pointing at them): the columns go, the people stay."""
    from datetime import UTC, datetime

    from watchkeeper.people.model import BirthYears, Person, PersonName
    from watchkeeper.persistence.people_store import SqlPeopleStore

    schema.upgrade(database_url)
    engine = create_engine_for(database_url)
    person = Person("P-1", (PersonName("Jon", "Smyth"), PersonName("John", "Smith")),
                    estimated_birth=BirthYears(1985, 1996))  # fmt: skip
    try:
        with engine.begin() as c:
            SqlPeopleStore(c).add_person(person, datetime(2026, 11, 27, tzinfo=UTC))
        with engine.connect() as c:
            assert SqlPeopleStore(c).get_person("P-1") == person
    finally:
        engine.dispose()

    schema.downgrade(database_url, "0011")
    engine = create_engine_for(database_url)
    try:
        with engine.connect() as c:
            columns = {col["name"] for col in sa.inspect(c).get_columns("people")}
            kept = c.execute(sa.text("SELECT person_ref, given FROM people")).all()
            keys = c.execute(sa.text("SELECT count(*) FROM person_keys")).scalar_one()
    finally:
        engine.dispose()
    assert "born_earliest" not in columns and "born_latest" not in columns
    assert [tuple(r) for r in kept] == [("P-1", "Jon")]
    assert keys > 0
    schema.upgrade(database_url)
    assert schema.current_revision(database_url) == schema.head_revision()
