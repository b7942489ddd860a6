"""The import store: set-based lookups, bulk inserts, and corrections kept as entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from watchkeeper.incidents.entries import Closed, Corrected
from watchkeeper.kernel.errors import ConcurrencyConflict
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence.cad_import.sink import ImportedIncident
from watchkeeper.persistence.import_store import SqlImportStore
from watchkeeper.persistence.repository import SqlIncidentRepository
from watchkeeper.persistence.tables import incident_entries, incidents

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def at(minute):
    return T0 + timedelta(minutes=minute)


def imported(make_incident, n, system="cad", closed=True):
    incident = make_incident(f"{system}-{n}", minute=n % 600, ref=(system, f"24-{n}"))
    if closed:
        incident.record(Closed("advice-given"), at(n % 600 + 30), "import", at(n % 600 + 30))
    return ImportedIncident(incident, system, f"24-{n}", f"hash-{n}", {"category": "domestic"})


def test_new_references_are_not_yet_stored(engine):
    with engine.connect() as connection:
        assert SqlImportStore(connection).existing("cad", ["24-1", "24-2"]) == {}


def test_added_incidents_are_found_with_their_hash_fields_and_version(engine, make_incident):
    batch = [imported(make_incident, n) for n in range(3)]
    with engine.begin() as connection:
        SqlImportStore(connection).add_many(batch)
        SqlImportStore(connection).add_many([imported(make_incident, 1, system="rms")])

    with engine.connect() as connection:
        found = SqlImportStore(connection).existing("cad", ["24-1", "24-2", "24-9"])
        loaded = SqlIncidentRepository(connection).get(IncidentId("INC-cad-1"))

    assert set(found) == {"24-1", "24-2"}
    assert found["24-1"].incident_id == "INC-cad-1"
    assert (found["24-1"].content_hash, found["24-1"].version) == ("hash-1", 2)
    assert found["24-1"].source_fields == {"category": "domestic"}
    assert loaded.entries == batch[1].incident.entries


def test_existing_answers_for_more_references_than_fit_in_one_query(engine, make_incident):
    batch = [imported(make_incident, n, closed=False) for n in range(1200)]
    with engine.begin() as connection:
        SqlImportStore(connection).add_many(batch)

    refs = [f"24-{n}" for n in range(0, 2400, 2)]
    with engine.connect() as connection:
        found = SqlImportStore(connection).existing("cad", refs)

    assert len(found) == 600


def test_a_correction_is_appended_as_an_entry_and_the_new_content_remembered(engine, make_incident):
    with engine.begin() as connection:
        SqlImportStore(connection).add_many([imported(make_incident, 1)])
    correction = Corrected("cad", "24-1", {"category": ["domestic", "assault"]}, note="re-export")

    with engine.begin() as connection:
        store = SqlImportStore(connection)
        before = store.existing("cad", ["24-1"])["24-1"]
        store.append_correction(
            before, correction, "hash-new", {"category": "assault"}, at(900), "import"
        )
        after = store.existing("cad", ["24-1"])["24-1"]
        loaded = SqlIncidentRepository(connection).get(before.incident_id)

    assert (after.version, after.content_hash, after.source_fields) == (
        3,
        "hash-new",
        {"category": "assault"},
    )
    assert loaded.entries[-1].payload == correction
    assert (loaded.entries[-1].seq, loaded.entries[-1].at) == (3, at(900))
    assert loaded.state.opened.category == "domestic"  # recorded, not applied silently


def test_a_correction_against_a_stale_version_is_refused(engine, make_incident):
    with engine.begin() as connection:
        SqlImportStore(connection).add_many([imported(make_incident, 1)])
    correction = Corrected("cad", "24-1", {"category": ["domestic", "assault"]})

    with engine.begin() as connection:
        store = SqlImportStore(connection)
        stale = store.existing("cad", ["24-1"])["24-1"]
        store.append_correction(stale, correction, "h2", {}, at(900), "import")
        with pytest.raises(ConcurrencyConflict, match="INC-cad-1"):
            store.append_correction(stale, correction, "h3", {}, at(901), "import")
        entries = connection.execute(sa.select(sa.func.count()).select_from(incident_entries))
        assert entries.scalar_one() == 3


def test_five_thousand_incidents_land_in_one_batch(engine, make_incident):
    batch = [imported(make_incident, n) for n in range(5000)]

    with engine.begin() as connection:
        SqlImportStore(connection).add_many(batch)

    with engine.connect() as connection:
        counted = [
            connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (incidents, incident_entries)
        ]
    assert counted == [5000, 10000]


def test_an_empty_batch_is_a_no_op(engine):
    with engine.begin() as connection:
        SqlImportStore(connection).add_many([])
        assert (
            connection.execute(sa.select(sa.func.count()).select_from(incidents)).scalar_one() == 0
        )
