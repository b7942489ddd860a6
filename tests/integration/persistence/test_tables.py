"""Table definitions: instants stay aware UTC and the log refuses orphan entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from watchkeeper.persistence.tables import incident_entries, incidents

BST = timezone(timedelta(hours=1))


def _incident_row(**overrides):
    row = {
        "id": "INC-1",
        "version": 1,
        "logged_at": datetime(2024, 7, 1, 9, 30, 15, 123456, tzinfo=BST),
        "closed_at": None,
        "status": "open",
        "area": "central",
        "category": "domestic",
        "address_key": "1 HIGH STREET",
        "updated_at": datetime(2024, 7, 1, 8, 31, tzinfo=UTC),
    }
    return {**row, **overrides}


def test_an_instant_given_in_another_zone_reads_back_as_the_same_instant_in_utc(engine):
    with engine.begin() as connection:
        connection.execute(sa.insert(incidents), [_incident_row()])
        stored = connection.execute(sa.select(incidents.c.logged_at)).scalar_one()

    assert stored == datetime(2024, 7, 1, 8, 30, 15, 123456, tzinfo=UTC)
    assert stored.tzinfo is UTC


def test_instants_compare_by_time_not_by_zone(engine):
    with engine.begin() as connection:
        connection.execute(sa.insert(incidents), [_incident_row()])
        # 08:30:15 UTC is after 08:30 UTC even though 09:30 BST "looks" later as text.
        after = connection.execute(
            sa.select(sa.func.count()).where(
                incidents.c.logged_at > datetime(2024, 7, 1, 8, 30, tzinfo=UTC)
            )
        ).scalar_one()
        before = connection.execute(
            sa.select(sa.func.count()).where(
                incidents.c.logged_at > datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
            )
        ).scalar_one()

    assert (after, before) == (1, 0)


def test_a_naive_datetime_is_refused_rather_than_guessed(engine):
    with engine.begin() as connection, pytest.raises(StatementError, match="no time zone"):
        connection.execute(sa.insert(incidents), [_incident_row(logged_at=datetime(2024, 7, 1))])


def test_an_entry_for_an_incident_that_does_not_exist_is_refused(engine):
    entry = {
        "incident_id": "INC-MISSING",
        "seq": 1,
        "kind": "opened",
        "kind_version": 1,
        "at": datetime(2024, 7, 1, tzinfo=UTC),
        "recorded_at": datetime(2024, 7, 1, tzinfo=UTC),
        "author": "handler-1",
        "document": {},
    }
    with engine.begin() as connection, pytest.raises(IntegrityError):
        connection.execute(sa.insert(incident_entries), [entry])


def test_two_incidents_cannot_share_a_source_reference_in_one_source_system(engine):
    source = {"source_system": "cad", "source_ref": "24-0001"}
    with engine.begin() as connection:
        connection.execute(sa.insert(incidents), [_incident_row(**source)])
        connection.execute(
            sa.insert(incidents),
            [_incident_row(id="INC-2", source_system="other", source_ref="24-0001")],
        )
    with engine.begin() as connection, pytest.raises(IntegrityError):
        connection.execute(sa.insert(incidents), [_incident_row(id="INC-3", **source)])
