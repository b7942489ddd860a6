"""Personal fields of incident log entries are ciphertext in the table (issue 8 part 6).

On each engine: what the raw ``incident_entries`` table and a backup hold, that the log reads
back whole, that ``keys rotate`` re-encrypts entries without changing their meaning, that
legacy clear rows still read (and get sealed), and that a wrong or missing key is a clear
error, never garbage.
"""

from __future__ import annotations

import tarfile
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import build
from watchkeeper.cli.demo_commands import seed_demo_accounts
from watchkeeper.incidents.entries import (
    BacklogReviewed,
    Caller,
    CallSource,
    ContactMade,
    Level,
    Location,
    Opened,
    ThriveAssessed,
    ThriveElement,
    ThriveRating,
    VulnerabilityMarked,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.incidents.services import NewIncident
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import ConfigurationError, PermissionDenied
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence import schema
from watchkeeper.persistence.backup_service import Backups
from watchkeeper.persistence.cad_import.service import ImportRequest
from watchkeeper.persistence.engine import create_engine_for
from watchkeeper.persistence.entry_resealing import EntryResealing
from watchkeeper.persistence.entry_sealing import MARKER
from watchkeeper.persistence.field_crypto import FieldKeyring
from watchkeeper.persistence.protected_fields import ProtectedFields
from watchkeeper.persistence.repository import SqlIncidentRepository
from watchkeeper.persistence.tables import incident_entries, incidents, log_change_marker
from watchkeeper.persistence.uow import SqlUnitOfWork
from watchkeeper.settings import Settings

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NAME, PHONE = "Harriet Quillfeather", "07700 900462"
SUMMARY = "ex-partner at the door, caller hiding upstairs with the baby"
RATIONALE = "caller says he has a knife and has hurt her before"
ADMIN = Actor("admin", Role.ADMINISTRATOR, "cli")
PERSONAL = (NAME, PHONE, "hiding upstairs", "has a knife", "Quillfeather")


class FastHasher:
    def hash(self, password: str) -> str:
        return f"fast${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"fast${password}"


def _settings(url, folder, key_name="fields.key"):
    return Settings(
        database_url=url, force_profile_path=None,
        audit_key_file=folder / "audit.key", audit_head_file=folder / "audit.head",
        field_key_file=folder / key_name,
    )  # fmt: skip


@pytest.fixture
def world(database_url, tmp_path):
    schema.upgrade(database_url)
    app = build(_settings(database_url, tmp_path), FixedClock(T0), hasher=FastHasher())
    seed_demo_accounts(app)
    yield app, tmp_path
    app.close()


def _log(app) -> str:
    handler = app.accounts.operator("handler")
    request = NewIncident(
        CallSource.EMERGENCY_999, Location("7 Elm Row", "north"), "domestic-abuse", "P1",
        caller=Caller(NAME, PHONE, "P-77"), summary=SUMMARY,
    )  # fmt: skip
    incident_id = app.incidents.log_incident(handler, request)
    ratings = {e: ThriveRating(Level.HIGH, RATIONALE) for e in ThriveElement}
    app.incidents.record(handler, incident_id, ThriveAssessed(ratings))
    app.incidents.record(handler, incident_id, VulnerabilityMarked("domestic-abuse", note=SUMMARY))
    app.incidents.record(handler, incident_id, ContactMade(f"spoke to {NAME}, safe for now"))
    return incident_id


def _raw(engine) -> list[tuple[str, int, str, str]]:
    """(incident id, seq, kind, the document as the database holds it, as text)."""
    e = incident_entries.c
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(e.incident_id, e.seq, e.kind, sa.cast(e.document, sa.Text)).order_by(
                e.incident_id, e.seq
            )
        ).all()
    return [tuple(row) for row in rows]


def _documents(engine) -> dict[tuple[str, int], dict]:
    e = incident_entries.c
    with engine.connect() as connection:
        rows = connection.execute(sa.select(e.incident_id, e.seq, e.document)).all()
    return {(row.incident_id, row.seq): row.document for row in rows}


def _read(app, incident_id: str) -> Incident:
    with SqlUnitOfWork(app.engine) as uow:
        return uow.incidents.get(IncidentId(incident_id))


def test_the_table_and_backups_hold_no_caller_or_victim_detail_in_clear(world):
    app, folder = world
    incident_id = _log(app)

    raw = _raw(app.engine)
    assert [kind for *_, kind, _ in raw] == [
        "opened", "graded", "thrive-assessed", "vulnerability-marked", "contact-made",
    ]  # fmt: skip
    for _, _, kind, text in raw:
        leaked = [needle for needle in PERSONAL if needle in text]
        assert not leaked, f"{kind} entry holds {leaked} in clear"
    documents = _documents(app.engine)
    opened = documents[(incident_id, 1)]
    assert opened[MARKER]["fields"] == ["caller.name", "caller.phone", "summary"]
    assert opened["caller"] == {"person_ref": "P-77"}  # the pseudonymous reference stays
    assert opened["location"]["text"] == "7 Elm Row"  # the location stays (address_key too)
    marked = documents[(incident_id, 4)]
    assert (marked["marker"], marked["present"]) == ("domestic-abuse", True)  # SQL reads these
    assert marked[MARKER]["fields"] == ["note"]
    thrive = documents[(incident_id, 3)]
    assert {r["level"] for r in thrive["ratings"].values()} == {"high"}
    assert len(thrive[MARKER]["fields"]) == 6

    archive = folder / "backup.tar.gz"
    Backups(app.engine, app.signer, app.clock).back_up(ADMIN, archive)
    with tarfile.open(archive) as tar:
        everything = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    assert not [n for n in PERSONAL if n.encode() in everything]


def test_the_log_reads_back_whole_through_every_read_path(world):
    app, _ = world
    incident_id = _log(app)

    incident = _read(app, incident_id)
    opened = incident.entries[0].payload
    assert isinstance(opened, Opened)
    assert opened.caller == Caller(NAME, PHONE, "P-77")
    assert opened.summary == SUMMARY
    assert incident.entries[2].payload.ratings[ThriveElement.HARM].rationale == RATIONALE
    assert incident.entries[4].payload == ContactMade(f"spoke to {NAME}, safe for now")
    with SqlUnitOfWork(app.engine) as uow:
        assert uow.incidents.load_many([IncidentId(incident_id)])[0].entries == incident.entries
        assert [i.entries for i in uow.incidents.open_at()] == [incident.entries]
    shown = app.incidents.show(app.accounts.operator("supervisor"), incident_id)
    assert shown.incident.entries == incident.entries
    assert shown.state.opened.caller.name == NAME


def test_rotation_re_encrypts_entries_without_changing_their_meaning(world):
    app, _ = world
    ids = [_log(app) for _ in range(3)]
    before_docs = _documents(app.engine)
    before = {i: _read(app, i).entries for i in ids}
    with app.engine.connect() as connection:
        versions = dict(connection.execute(sa.select(incidents.c.id, incidents.c.version)).all())
        marker = connection.execute(sa.select(log_change_marker.c.value)).scalar_one()
    keyring = FieldKeyring(app.settings.field_key_file)
    old_key = keyring.keys()[0]

    with pytest.raises(PermissionDenied):
        EntryResealing(app.engine, app.signer, app.clock).reseal(
            app.accounts.operator("supervisor")
        )
    new_key, _ = ProtectedFields(app.engine, app.signer, app.clock, keyring).rotate(ADMIN)
    key, count = EntryResealing(app.engine, app.signer, app.clock).reseal(ADMIN, batch=4)

    assert key == new_key and count == len(before_docs) == 15  # graded: its reason
    assert keyring.keys()[1] == old_key  # kept for older backups
    after_docs = _documents(app.engine)
    assert set(after_docs) == set(before_docs)
    for where, document in after_docs.items():
        assert document[MARKER]["key"] == new_key
        assert document[MARKER]["token"] != before_docs[where][MARKER]["token"]
    assert {i: _read(app, i).entries for i in ids} == before
    with app.engine.connect() as connection:
        now = connection.execute(sa.select(incidents.c.id, incidents.c.version)).all()
        assert dict(now) == versions
        assert connection.execute(sa.select(log_change_marker.c.value)).scalar_one() == marker
    assert app.audit.verify(app.accounts.operator("auditor")).ok
    # A second run has nothing left to do; the newest key alone now reads every entry.
    assert EntryResealing(app.engine, app.signer, app.clock).reseal(ADMIN)[1] == 0
    app.settings.field_key_file.write_bytes(keyring.keys()[0] + b"\n")
    newest_only = build(app.settings, app.clock)
    try:
        assert {i: _read(newest_only, i).entries for i in ids} == before
    finally:
        newest_only.close()


def test_legacy_clear_rows_still_read_and_reseal_encrypts_them(world, migrated_engine_of):
    app, _ = world
    legacy_engine = migrated_engine_of(app)  # no field keys: writes as before this change
    handler_log = Incident.open(
        IncidentId("INC-LEGACY"),
        Opened(CallSource.NON_EMERGENCY_101, Location("1 Mill Lane", "south"), "concern",
               caller=Caller(NAME, PHONE, ""), summary=SUMMARY),
        T0, "handler", T0,
    )  # fmt: skip
    handler_log.record(BacklogReviewed("still no answer from " + NAME), T0, "supervisor", T0)
    with legacy_engine.begin() as connection:
        SqlIncidentRepository(connection).add(handler_log)
    assert any(NAME in text for *_, text in _raw(app.engine))  # clear, as legacy rows are

    assert _read(app, "INC-LEGACY").entries == handler_log.entries
    key, count = EntryResealing(app.engine, app.signer, app.clock).reseal(ADMIN)

    assert count == 2
    assert not any(NAME in text for *_, text in _raw(app.engine))
    assert {d[MARKER]["key"] for d in _documents(app.engine).values()} == {key}
    assert _read(app, "INC-LEGACY").entries == handler_log.entries
    with (
        legacy_engine.connect() as connection,
        pytest.raises(
            ConfigurationError, match=r"INC-LEGACY entry 1: .*without the field key file"
        ),
    ):
        SqlIncidentRepository(connection).get(IncidentId("INC-LEGACY"))


def test_a_wrong_or_missing_key_file_is_a_clear_error_naming_the_entry(world, tmp_path):
    app, folder = world
    incident_id = _log(app)
    FieldKeyring(folder / "someone-elses.key").keys()  # another, existing key file
    other = build(_settings(app.settings.database_url, folder, "someone-elses.key"), app.clock)
    try:
        with pytest.raises(ConfigurationError, match=rf"incident {incident_id} entry 1: .* key "):
            _read(other, incident_id)
    finally:
        other.close()
    # Lost, or a process started without it: no fresh key is made over sealed data (it would
    # seal new values under a key no other process has); the start is refused instead.
    app.settings.field_key_file.rename(folder / "moved.key")
    with pytest.raises(ConfigurationError, match=r"fields\.key does not exist, but the database "
                       r"holds values sealed under key [0-9a-f]{12}"):  # fmt: skip
        build(app.settings, app.clock)
    assert not app.settings.field_key_file.exists()


def test_a_new_database_gets_a_first_key_when_the_file_is_absent(database_url, tmp_path):
    schema.upgrade(database_url)
    settings = _settings(database_url, tmp_path)
    app = build(settings, FixedClock(T0), hasher=FastHasher())
    try:
        seed_demo_accounts(app)
        _log(app)  # the first sealed value makes the first key
    finally:
        app.close()

    assert settings.field_key_file.exists()


def test_a_token_moved_onto_another_entry_is_refused(world):
    app, _ = world
    first, second = _log(app), _log(app)
    e = incident_entries.c
    stolen = _documents(app.engine)[(first, 1)][MARKER]
    with app.engine.begin() as connection:
        document = dict(_documents(app.engine)[(second, 1)], **{MARKER: stolen})
        connection.execute(
            sa.update(incident_entries)
            .where(e.incident_id == second, e.seq == 1)
            .values(document=document)
        )
    with pytest.raises(ConfigurationError, match=f"{second} entry 1: .*belong to another entry"):
        _read(app, second)


SEATTLE_HEADER = (
    "CAD Event Number,Event Clearance Description,Call Type,Priority,Initial Call Type,"
    "Final Call Type,Original Time Queued,Arrived Time,Precinct,Sector,Beat,Blurred_Longitude,"
    "Blurred_Latitude"
)
SEATTLE_ROW = (
    "{ref},REPORT WRITTEN (NO ARREST),911,3,THEFT (DOES NOT INCLUDE SHOPLIFT OR SVCS),"
    "--THEFT - CAR PROWL,02/28/2014 09:14:05 AM,{arrived},EAST,CHARLIE,C2,"
    "-122.28798073,47.62983275"
)


def test_imported_entries_are_sealed_and_a_re_import_stays_idempotent(world):
    app, folder = world
    analyst = Actor("analyst", Role.ANALYST, "cli")

    def export(arrived: str):
        rows = [SEATTLE_ROW.format(ref=f"20140000631{n:02}", arrived=arrived) for n in range(3)]
        path = folder / "seattle.csv"
        path.write_bytes(("\r\n".join([SEATTLE_HEADER, *rows]) + "\r\n").encode())
        return ImportRequest("seattle", [path], folder / "rejects", 2)

    first = app.imports.run(analyst, export("02/28/2014 09:36:59 AM"))
    assert first.imported == 3
    opened = [d for (_, seq), d in _documents(app.engine).items() if seq == 1]
    assert all(d[MARKER]["fields"] == ["summary"] for d in opened)
    assert app.imports.run(analyst, export("02/28/2014 09:36:59 AM")).already_present == 3

    changed = app.imports.run(analyst, export("02/28/2014 09:41:00 AM"))
    assert changed.conflicting == 3
    corrected = {k: d for k, d in _documents(app.engine).items() if MARKER in d and
                 "differences" in d[MARKER]["fields"]}  # fmt: skip
    assert len(corrected) == 3
    assert not [d for d in corrected.values() if "differences" in d]  # source values sealed
    (incident_id, seq), _ = sorted(corrected.items())[0]
    payload = _read(app, incident_id).entries[seq - 1].payload
    assert payload.kind == "corrected" and payload.differences
    assert app.imports.run(analyst, export("02/28/2014 09:41:00 AM")).already_present == 3


@pytest.fixture
def migrated_engine_of():
    made: list[sa.Engine] = []

    def make(app) -> sa.Engine:
        made.append(create_engine_for(app.settings.database_url))
        return made[-1]

    yield make
    for engine in made:
        engine.dispose()


def test_an_entry_with_nothing_personal_is_stored_without_a_token(world):
    app, _ = world
    incident_id = _log(app)
    app.incidents.record(app.accounts.operator("handler"), incident_id, ContactMade(""))
    document = _documents(app.engine)[(incident_id, 6)]
    assert MARKER not in document and document["outcome"] == ""  # nothing personal to seal
    assert _read(app, incident_id).entries[5].payload == ContactMade("")
