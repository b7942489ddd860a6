"""The SQL incident repository: logs round-trip whole, appends are checked, history rebuilds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from watchkeeper.incidents.entries import (
    AlertAcknowledged,
    AppointmentBooked,
    Arrived,
    BacklogReviewed,
    Closed,
    ContactMade,
    Corrected,
    EnRoute,
    FirearmsAuthorised,
    Grade,
    Graded,
    Level,
    LinkedDuplicate,
    ResourceAssigned,
    Struck,
    ThriveAssessed,
    ThriveElement,
    ThriveRating,
    VulnerabilityMarked,
    registered_kinds,
)
from watchkeeper.kernel.errors import ConcurrencyConflict, InputError, NotFound
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence.repository import SqlIncidentRepository
from watchkeeper.persistence.tables import incidents

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def at(minute):
    return T0 + timedelta(minutes=minute)


def record(incident, payload, minute):
    return incident.record(payload, at(minute), "handler-1", at(minute) + timedelta(seconds=5))


def thrive():
    return ThriveAssessed(
        {element: ThriveRating(Level.HIGH, f"{element.value} is high") for element in ThriveElement}
    )


def with_every_kind(incident):
    record(incident, thrive(), 1)
    record(incident, Graded(Grade.PRIORITY, "P2"), 2)
    record(incident, VulnerabilityMarked("child-present", note="heard on call"), 3)
    record(incident, ContactMade("caller safe", method="call-back"), 4)
    record(incident, LinkedDuplicate("INC-OTHER"), 5)
    record(incident, AppointmentBooked(at(600)), 6)
    record(incident, BacklogReviewed("still waiting", outcome="keep"), 7)
    record(incident, Graded(Grade.EMERGENCY, "P1", reason="weapon mentioned"), 8)
    record(incident, Struck(target_seq=9, reason="regrade entered on wrong incident"), 9)
    record(incident, ResourceAssigned("Alpha-1", reason="nearest"), 10)
    record(incident, EnRoute("Alpha-1"), 11)
    record(incident, Arrived("Alpha-1"), 12)
    record(incident, FirearmsAuthorised("Insp 4412", "weapon seen"), 12)
    record(incident, AlertAcknowledged("breach", "taking it"), 13)
    record(incident, Corrected("cad", "24-1", {"category": ["domestic", "assault"]}), 13)
    record(incident, Closed("crime-recorded", note="arrest"), 14)
    return incident


def stored(engine, incident_id):
    with engine.connect() as connection:
        return SqlIncidentRepository(connection).get(IncidentId(incident_id))


def add(engine, *incidents_to_add):
    with engine.begin() as connection:
        repository = SqlIncidentRepository(connection)
        for incident in incidents_to_add:
            repository.add(incident)


def test_an_incident_with_every_kind_of_entry_reads_back_exactly_as_written(engine, make_incident):
    incident = with_every_kind(make_incident("A"))
    # kinds a test registered for itself start with "test-" and are not part of the product
    product_kinds = {kind for kind, _ in registered_kinds() if not kind.startswith("test-")}
    assert {e.payload.kind for e in incident.entries} == product_kinds

    add(engine, incident)
    loaded = stored(engine, "INC-A")

    assert loaded.entries == incident.entries
    assert loaded.version == incident.version
    assert all(e.at.tzinfo is UTC and e.recorded_at.tzinfo is UTC for e in loaded.entries)


def test_a_struck_entry_survives_storage_and_stays_struck(engine, make_incident):
    incident = with_every_kind(make_incident("A"))
    add(engine, incident)

    loaded = stored(engine, "INC-A")

    assert isinstance(loaded.entries[8].payload, Graded)  # the struck re-grade is still there
    assert loaded.state.struck_seqs == {9}
    assert loaded.state.grade == Graded(Grade.PRIORITY, "P2")


def test_loading_an_unknown_incident_names_the_id(engine):
    with pytest.raises(NotFound, match="INC-NOPE"):
        stored(engine, "INC-NOPE")


def test_adding_an_incident_twice_is_a_conflict(engine, make_incident):
    add(engine, make_incident("A"))

    with pytest.raises(ConcurrencyConflict, match="INC-A"):
        add(engine, make_incident("A"))


def test_appending_stores_only_the_new_entries_and_refreshes_the_projection(engine, make_incident):
    incident = make_incident("A")
    add(engine, incident)
    record(incident, Graded(Grade.EMERGENCY, "P1"), 1)
    record(incident, Closed("advice-given"), 2)

    with engine.begin() as connection:
        SqlIncidentRepository(connection).append(incident, expected_version=1)
        row = connection.execute(sa.select(incidents)).one()

    assert stored(engine, "INC-A").entries == incident.entries
    assert (row.version, row.status, row.grade, row.closed_at) == (3, "closed", "emergency", at(2))


def test_appending_from_a_stale_version_is_refused_and_stores_nothing(engine, make_incident):
    incident = make_incident("A")
    add(engine, incident)
    record(incident, ContactMade("spoke to caller"), 1)

    expected = pytest.raises(ConcurrencyConflict, match=r"INC-A.*version 0")
    with engine.begin() as connection, expected:
        SqlIncidentRepository(connection).append(incident, expected_version=0)

    assert stored(engine, "INC-A").version == 1


def test_an_incident_is_found_by_its_source_reference_in_its_source_system(engine, make_incident):
    add(engine, make_incident("A", ref=("cad", "24-1")), make_incident("B", ref=("other", "24-2")))

    with engine.connect() as connection:
        repository = SqlIncidentRepository(connection)
        found = repository.find_by_source_ref("cad", "24-1")
        missing = repository.find_by_source_ref("other", "24-1")

    assert found is not None and found.incident_id == "INC-A"
    assert missing is None


def test_resolve_accepts_an_incident_id_or_a_source_reference(engine, make_incident):
    add(engine, make_incident("A", ref=("cad", "24-1")))

    with engine.connect() as connection:
        repository = SqlIncidentRepository(connection)
        assert repository.resolve("INC-A").incident_id == "INC-A"
        assert repository.resolve("24-1").incident_id == "INC-A"
        with pytest.raises(NotFound, match="24-9"):
            repository.resolve("24-9")


def test_a_source_reference_used_by_two_source_systems_is_ambiguous(engine, make_incident):
    add(engine, make_incident("A", ref=("cad", "24-1")), make_incident("B", ref=("rms", "24-1")))

    with engine.connect() as connection, pytest.raises(InputError, match=r"cad, rms.*incident id"):
        SqlIncidentRepository(connection).resolve("24-1")


def _open_scenario(engine, make_incident):
    """A: open 0-30; B: opened 10, still open; C: opened 40; D: closed at 20, struck at 50."""
    a, b, c, d = (make_incident(n, minute=m) for n, m in (("A", 0), ("B", 10), ("C", 40), ("D", 5)))
    record(a, Graded(Grade.PRIORITY, "P2"), 5)
    record(a, Closed("advice-given"), 30)
    record(d, Closed("no-trace"), 20)
    record(d, Struck(target_seq=2, reason="closed in error"), 50)
    add(engine, a, b, c, d)


def _open_ids(engine, as_of):
    with engine.connect() as connection:
        return {i.incident_id: i for i in SqlIncidentRepository(connection).open_at(as_of)}


def test_open_at_rebuilds_the_open_set_at_a_past_moment(engine, make_incident):
    _open_scenario(engine, make_incident)

    assert set(_open_ids(engine, at(7))) == {"INC-A", "INC-D"}
    assert set(_open_ids(engine, at(25))) == {"INC-A", "INC-B"}
    assert set(_open_ids(engine, at(45))) == {"INC-B", "INC-C"}
    assert set(_open_ids(engine, None)) == {"INC-B", "INC-C", "INC-D"}


def test_open_at_gives_each_incident_only_the_entries_recorded_by_then(engine, make_incident):
    _open_scenario(engine, make_incident)

    a_at_7 = _open_ids(engine, at(7))["INC-A"]
    assert [e.payload.kind for e in a_at_7.entries] == ["opened", "graded"]
    a_at_3 = _open_ids(engine, at(3))["INC-A"]
    assert a_at_3.state.grade is None


def test_open_at_loads_the_whole_open_set_in_one_query(engine, make_incident):
    add(engine, *(make_incident(str(n), minute=n) for n in range(30)))
    statements = []
    with engine.connect() as connection:
        event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
        opened = list(SqlIncidentRepository(connection).open_at(at(100)))

    assert len(opened) == 30
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_recent_incidents_are_counted_per_address_within_the_window(engine, make_incident):
    add(
        engine,
        make_incident("A", minute=0, address="1 High Street"),
        make_incident("B", minute=10, address="1 high street"),
        make_incident("C", minute=90, address="1 High Street"),
        make_incident("D", minute=5, address="2 Low Road"),
    )
    keys = ["1 HIGH STREET", "2 LOW ROAD", "3 NOWHERE"]

    with engine.connect() as connection:
        counts = SqlIncidentRepository(connection).recent_at_locations(keys, at(0), at(60))

    assert counts == {"1 HIGH STREET": 2, "2 LOW ROAD": 1, "3 NOWHERE": 0}


def test_recent_incidents_are_counted_per_caller_within_the_window(engine, make_incident):
    add(
        engine,
        make_incident("A", minute=0, person_ref="P-1"),
        make_incident("B", minute=20, person_ref="P-1"),
        make_incident("C", minute=90, person_ref="P-1"),
        make_incident("D", minute=5, person_ref="P-2"),
        make_incident("E", minute=5),
    )

    with engine.connect() as connection:
        counts = SqlIncidentRepository(connection).recent_for_people(
            ["P-1", "P-2", "P-3"], at(0), at(60)
        )

    assert counts == {"P-1": 2, "P-2": 1, "P-3": 0}


def test_the_store_counts_its_incidents(engine, make_incident):
    with engine.connect() as connection:
        assert SqlIncidentRepository(connection).count() == 0
    add(engine, make_incident("A"), make_incident("B"))

    with engine.connect() as connection:
        assert SqlIncidentRepository(connection).count() == 2
