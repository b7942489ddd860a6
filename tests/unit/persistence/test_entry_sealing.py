"""Sealing entry documents, without a database: which fields, round trips, refusals."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from watchkeeper.incidents import entries as e
from watchkeeper.incidents.entries import from_document, registered_kinds, to_document
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.persistence.entry_sealing import (
    CLEAR_FIELDS,
    MARKER,
    SEALED_FIELDS,
    EntrySealer,
    open_document,
)
from watchkeeper.persistence.field_crypto import FieldKeyring

SECRET = "Zebedee Wolstenholme"
RATINGS = {x: e.ThriveRating(e.Level.LOW, f"{SECRET} seems calm") for x in e.ThriveElement}
# One payload of every kind, each free-text field carrying the secret.
PAYLOADS: list[e.EntryPayload] = [
    e.Opened(
        e.CallSource.ONLINE,
        e.Location("2 Quay St", "east", 51.5, -0.1),
        "concern",
        e.Caller(SECRET, "07700 900000", "P-9"),
        f"{SECRET} reports noise",
    ),
    e.ThriveAssessed(RATINGS),
    e.Graded(e.Grade.PRIORITY, "P2", f"{SECRET} is frail"),
    e.VulnerabilityMarked("mental-health", True, f"{SECRET} is in crisis"),
    e.ContactMade(f"spoke to {SECRET}"),
    e.LinkedDuplicate("INC-1"),
    e.AppointmentBooked(datetime(2026, 1, 1, 10, tzinfo=UTC)),
    e.BacklogReviewed(f"{SECRET} not answering"),
    e.ResourceAssigned("A1", f"{SECRET} asked for a female officer"),
    e.EnRoute("A1"),
    e.Arrived("A1"),
    e.FirearmsAuthorised("Insp 4411", f"{SECRET} seen with a shotgun"),
    e.Closed("advice-given", f"{SECRET} moved out"),
    e.AlertAcknowledged("critical", f"{SECRET} called again"),
    e.Corrected("cad", "24-1", {"location": ["1 A St", f"{SECRET}'s flat"]}, "re-export"),
    e.Struck(3, f"wrong person: {SECRET}"),
]


@pytest.fixture
def sealer(tmp_path):
    return EntrySealer(FieldKeyring(tmp_path / "fields.key"))


def _package_kinds() -> list[tuple[str, int]]:
    """The kinds the package registers (a test may register its own for a while)."""
    return [
        key for key in registered_kinds() if e._REGISTRY[key].__module__.startswith("watchkeeper.")
    ]


def test_every_field_of_every_registered_kind_is_sealed_or_deliberately_clear():
    for kind, version in _package_kinds():
        cls = e._REGISTRY[(kind, version)]
        named = {f.name for f in dataclasses.fields(cls)}
        sealed = {path.split(".")[0] for path in SEALED_FIELDS.get(kind, ())}
        clear = set(CLEAR_FIELDS.get(kind, ()))
        assert named <= sealed | clear, f"{kind}: classify {sorted(named - sealed - clear)}"
        assert sealed | clear <= named, f"{kind}: no such fields {sorted(sealed | clear - named)}"


def test_every_kind_round_trips_and_no_secret_is_left_in_the_document(sealer):
    assert {p.kind for p in PAYLOADS} == {kind for kind, _ in _package_kinds()}
    for seq, payload in enumerate(PAYLOADS, start=1):
        document = to_document(payload)
        sealed = sealer.seal("INC-1", seq, payload.kind, document)
        assert SECRET not in str({k: v for k, v in sealed.items() if k != MARKER}), payload.kind
        assert (MARKER in sealed) == (payload.kind in SEALED_FIELDS)
        opened = open_document(sealer, "INC-1", seq, sealed)
        assert opened == document
        assert from_document(payload.kind, payload.version, opened) == payload
    assert document is not sealed and MARKER not in document  # the input is not changed


def test_empty_personal_fields_stay_in_clear_and_need_no_token(sealer):
    document = to_document(e.Opened(e.CallSource.ALARM, e.Location("x"), "alarm"))
    assert sealer.seal("INC-1", 1, "opened", document) is document
    assert open_document(None, "INC-1", 1, document) is document  # legacy / nothing sealed


def test_a_token_for_one_entry_is_refused_on_another(sealer):
    sealed = sealer.seal("INC-1", 1, "closed", to_document(e.Closed("nfa", SECRET)))
    with pytest.raises(ConfigurationError, match=r"INC-1 entry 2: .*another entry"):
        sealer.unseal("INC-1", 2, sealed)
    edited = dict(sealed, **{MARKER: dict(sealed[MARKER], fields=["reason"])})
    with pytest.raises(ConfigurationError, match="marker does not match"):
        sealer.unseal("INC-1", 1, edited)
    broken = dict(sealed, **{MARKER: dict(sealed[MARKER], token="gAAAAnotatoken")})
    with pytest.raises(ConfigurationError, match="do not decrypt with key"):
        sealer.unseal("INC-1", 1, broken)
    with pytest.raises(ConfigurationError, match="without the field key file"):
        open_document(None, "INC-1", 1, sealed)


def test_a_key_added_by_another_process_is_picked_up_for_writes_and_reads(sealer, tmp_path):
    first = sealer.seal("INC-1", 1, "closed", to_document(e.Closed("nfa", SECRET)))
    other_process = EntrySealer(FieldKeyring(tmp_path / "fields.key"))
    other_process.keyring.add_newest()
    second = other_process.seal("INC-1", 2, "closed", to_document(e.Closed("nfa", SECRET)))
    assert first[MARKER]["key"] != second[MARKER]["key"]
    assert sealer.unseal("INC-1", 2, second)["note"] == SECRET  # reloads the unknown key id
    assert (
        sealer.seal("INC-1", 3, "closed", to_document(e.Closed("nfa", "x")))[MARKER]["key"]
        == second[MARKER]["key"]
    )
    rekeyed = sealer.reseal("INC-1", 1, "closed", first)
    assert rekeyed is not None and rekeyed[MARKER]["key"] == second[MARKER]["key"]
    assert sealer.reseal("INC-1", 1, "closed", rekeyed) is None
    assert sealer.unseal("INC-1", 1, rekeyed) == to_document(e.Closed("nfa", SECRET))


def test_processes_racing_to_make_the_first_key_all_get_the_same_whole_key(tmp_path):
    import threading

    found: list[list[bytes]] = []
    threads = [
        threading.Thread(target=lambda: found.append(FieldKeyring(tmp_path / "k").keys()))
        for _ in range(12)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 12 and all(keys == found[0] and len(keys) == 1 for keys in found)
    assert [p.name for p in tmp_path.iterdir()] == ["k"]  # no partial file left behind
    assert (tmp_path / "k").stat().st_mode & 0o077 == 0
