"""Personal fields of incident log entries, encrypted at the persistence edge (issue 8 part 6).

The domain model is unchanged: ``to_document`` still gives the whole payload. Before an entry
row is written, the fields of its kind listed in ``SEALED_FIELDS`` (the caller's name and
phone, the call summary, and every free-text note, reason, rationale and outcome) are taken
out of the JSON document and sealed in one Fernet token under the newest key of the field
keyring (``field_crypto``; the key file lives outside the database). The document keeps a
marker saying which fields are sealed under which key::

    {"category": "...", "caller": {"person_ref": "P-1"}, ...,
     "_sealed": {"key": "<key id>", "fields": ["caller.name", "caller.phone", "summary"],
                 "token": "gAAAA..."}}

The token's plaintext also names the entry it belongs to (incident id and seq), so a token
moved onto another entry is refused rather than read as that entry's data.

What stays in clear, on purpose: the fields SQL reads (``marker`` / ``present`` of a
vulnerability marker, ``target_seq`` of a strike, ``unit`` of a deployment, kinds and codes)
and the location. The location is the incident's place, not a person's detail, and its
normalised form is the ``address_key`` projection column that repeat-location queries use;
``person_ref`` (in the document and as a projection column) is a pseudonymous reference
into the nominal index. Both stay as they are.

Readers accept both shapes: a document without the marker is a legacy (clear) row, read as
before. ``entry_resealing`` seals legacy rows and moves sealed rows to the newest key, in
batches, without changing any entry's meaning, seq or version (the audit chain does not
hash entry documents; the incident projection and the log change marker are untouched).

An engine carries its sealer as an execution option (``attach_field_keys``, done by
``bootstrap.build``); a store built on an engine without one (storage tests, tooling) writes
clear documents and refuses, with a clear error, to read sealed ones.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.persistence.field_crypto import FieldKeyring, key_id
from watchkeeper.persistence.tables import incident_entries
from watchkeeper.persistence.tables_operations import protected_fields

MARKER = "_sealed"
# Execution option under which an engine carries its EntrySealer.
FIELD_SEALER = "watchkeeper_entry_sealer"

# Per entry kind, the document fields sealed (dotted paths; ``*`` is every key of a map).
SEALED_FIELDS: dict[str, tuple[str, ...]] = {
    "opened": ("caller.name", "caller.phone", "summary"),
    "thrive-assessed": ("ratings.*.rationale",),
    "graded": ("reason",),
    "vulnerability-marked": ("note",),
    "contact-made": ("outcome",),
    "backlog-reviewed": ("note",),
    "resource-assigned": ("reason",),
    "firearms-authorised": ("basis",),
    "closed": ("note",),
    "alert-acknowledged": ("note",),
    "corrected": ("differences", "note"),
    "struck": ("reason",),
}
# Per entry kind, the top-level fields deliberately left in clear (codes, units, times,
# references, the location: see the module docstring). Every field of every registered kind
# is in one list or the other; a test holds new kinds to that.
CLEAR_FIELDS: dict[str, tuple[str, ...]] = {
    "opened": ("source", "location", "category", "caller", "source_system", "source_ref"),
    "thrive-assessed": ("ratings",),  # the levels; each rationale is sealed
    "graded": ("grade", "force_label"),
    "vulnerability-marked": ("marker", "present"),
    "contact-made": ("method",),
    "linked-duplicate": ("duplicate_of",),
    "appointment-booked": ("appointment_at",),
    "backlog-reviewed": ("outcome",),
    "resource-assigned": ("unit",),
    "en-route": ("unit",),
    "arrived": ("unit",),
    "firearms-authorised": ("authorised_by",),
    "closed": ("closing_category",),
    "alert-acknowledged": ("alert",),
    "corrected": ("source_system", "source_ref"),
    "struck": ("target_seq",),
}


def attach_field_keys(engine: sa.Engine, keyring: FieldKeyring) -> EntrySealer:
    """Make every store on ``engine`` seal and unseal entry documents with these keys.

    Refuses (ConfigurationError) when the key file is missing but the database already holds
    values sealed under some key: a first key made then would seal new values under a key
    the other processes do not have, and could read none of the old ones.
    """
    if not keyring.path.exists():
        sealed_under = _sealed_key_in(engine)
        if sealed_under is not None:
            raise ConfigurationError(
                f"field key file {keyring.path} does not exist, but the database holds values "
                f"sealed under key {sealed_under}: point WATCHKEEPER_FIELD_KEY_FILE at the key "
                "file the other processes use (a new key would leave those values unreadable)"
            )
    sealer = EntrySealer(keyring)
    engine.update_execution_options(**{FIELD_SEALER: sealer})
    return sealer


def _sealed_key_in(engine: sa.Engine) -> str | None:
    """The key id of some sealed value in the database, if it holds any (None for a new or
    not yet migrated database)."""
    inspector = sa.inspect(engine)
    with engine.connect() as c:
        if inspector.has_table(protected_fields.name):
            found = c.execute(sa.select(protected_fields.c.key_id).limit(1)).scalar()
            if found is not None:
                return str(found)
        if inspector.has_table(incident_entries.name):
            document = sa.cast(incident_entries.c.document, sa.Text)
            row = c.execute(
                sa.select(document).where(document.like(f'%"{MARKER}"%')).limit(1)
            ).scalar()
            if row is not None:
                return str(json.loads(row)[MARKER]["key"])
    return None


def sealer_for(connection: sa.Connection) -> EntrySealer | None:
    """The sealer the connection's engine carries, if any."""
    found = connection.get_execution_options().get(FIELD_SEALER)
    return found if isinstance(found, EntrySealer) else None


@dataclass(frozen=True)
class _Keys:
    current: str
    fernets: dict[str, Fernet]
    signature: tuple[int, int, int]


class EntrySealer:
    """Seals and unseals entry documents with the field keyring (loaded on first use).

    The key file is re-read when it changes (a rotation by another process): before each
    write batch (a cheap ``stat``), and on reading a token under a key id not yet loaded.
    """

    def __init__(self, keyring: FieldKeyring) -> None:
        self.keyring = keyring
        self._keys: _Keys | None = None
        self._lock = threading.Lock()

    # --- keys ------------------------------------------------------------------------

    def reload(self) -> _Keys:
        with self._lock:
            # Stat before reading: a file replaced in between is seen as changed next time.
            signature = self._signature()
            keys = self.keyring.keys()  # creates the first key (0600) if the file is absent
            fernets = {key_id(key): Fernet(key) for key in keys}
            self._keys = _Keys(key_id(keys[0]), fernets, signature)
            return self._keys

    def _signature(self) -> tuple[int, int, int]:
        try:
            found = os.stat(self.keyring.path)
        except FileNotFoundError:
            return (0, 0, 0)
        return (found.st_ino, found.st_mtime_ns, found.st_size)

    def _fresh(self) -> _Keys:
        keys = self._keys
        if keys is None or keys.signature != self._signature():
            return self.reload()
        return keys

    def _fernet(self, wanted: str, where: str) -> Fernet:
        keys = self._keys or self.reload()
        if wanted not in keys.fernets:
            keys = self.reload()
        if wanted not in keys.fernets:
            raise ConfigurationError(
                f"{where}: its personal fields are encrypted under key {wanted}, which is not "
                f"in the field key file {self.keyring.path} (wrong or missing key file? "
                "restore the key file from its own backup)"
            )
        return keys.fernets[wanted]

    @property
    def current_key_id(self) -> str:
        return self._fresh().current

    # --- documents -------------------------------------------------------------------

    def seal(
        self, incident_id: str, seq: int, kind: str, document: dict[str, Any]
    ) -> dict[str, Any]:
        """The document with its personal fields sealed under the newest key."""
        return self._seal(self._fresh(), incident_id, seq, kind, document)

    def seal_many(self, rows: list[dict[str, Any]]) -> None:
        """Seal the ``document`` of each ``incident_entries`` row dict in place."""
        keys = self._fresh()  # one stat per batch
        for row in rows:
            row["document"] = self._seal(
                keys, row["incident_id"], row["seq"], row["kind"], row["document"]
            )

    def _seal(
        self, keys: _Keys, incident_id: str, seq: int, kind: str, document: dict[str, Any]
    ) -> dict[str, Any]:
        paths = SEALED_FIELDS.get(kind)
        if not paths or MARKER in document:
            return document
        clear = _copy_paths(document, paths)
        values: dict[str, Any] = {}
        for path in _expand(clear, paths):
            if _get(clear, path) not in (None, "", {}, []):  # an empty value stays as it is
                values[path] = _take(clear, path)
        if not values:
            return document
        plain = json.dumps({"entry": [incident_id, seq], "values": values}, ensure_ascii=False)
        token = keys.fernets[keys.current].encrypt(plain.encode("utf-8")).decode("ascii")
        clear[MARKER] = {"key": keys.current, "fields": sorted(values), "token": token}
        return clear

    def unseal(self, incident_id: str, seq: int, document: Mapping[str, Any]) -> dict[str, Any]:
        """The whole document, its sealed fields decrypted and put back (a new dict)."""
        where = f"incident {incident_id} entry {seq}"
        marker = document[MARKER]
        key = marker.get("key") if type(marker) is dict else None
        token = marker.get("token") if type(marker) is dict else None
        if type(key) is not str or type(token) is not str:
            raise ConfigurationError(f"{where}: the sealed-fields marker is malformed")
        try:
            plain = json.loads(self._fernet(key, where).decrypt(token.encode("ascii")))
        except (InvalidToken, ValueError, UnicodeError):
            raise ConfigurationError(
                f"{where}: its sealed fields do not decrypt with key {key} "
                "(altered or corrupt ciphertext)"
            ) from None
        plain = plain if type(plain) is dict else {}
        values = plain.get("values")
        if plain.get("entry") != [incident_id, seq] or type(values) is not dict:
            raise ConfigurationError(f"{where}: its sealed fields belong to another entry")
        if sorted(values) != marker.get("fields"):
            raise ConfigurationError(f"{where}: the sealed-fields marker does not match")
        return _restored(document, values)

    def reseal(
        self, incident_id: str, seq: int, kind: str, document: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The document sealed under the newest key, or None when it already is (or has
        nothing to seal). Unsealing first proves the old token reads back."""
        keys = self._fresh()
        marker = document.get(MARKER)
        if type(marker) is dict and marker.get("key") == keys.current:
            return None
        whole = self.unseal(incident_id, seq, document) if marker is not None else document
        sealed = self._seal(keys, incident_id, seq, kind, whole)
        return None if sealed is document else sealed


def open_document(
    sealer: EntrySealer | None, incident_id: str, seq: int, document: dict[str, Any]
) -> dict[str, Any]:
    """An entry row's whole document (what ``from_document`` reads)."""
    if MARKER not in document:
        return document
    if sealer is None:
        raise ConfigurationError(
            f"incident {incident_id} entry {seq}: its personal fields are encrypted, but this "
            "store was opened without the field key file (WATCHKEEPER_FIELD_KEY_FILE)"
        )
    return sealer.unseal(incident_id, seq, document)


# --- paths in a document (JSON objects are plain dicts here) -----------------------------


def _expand(document: dict[str, Any], paths: tuple[str, ...]) -> Iterator[str]:
    for path in paths:
        head, _, rest = path.partition(".*.")
        if not rest:
            yield path
            continue
        mapping = document.get(head)
        if type(mapping) is dict:
            yield from (f"{head}.{key}.{rest}" for key in sorted(mapping))


def _copy_paths(document: Mapping[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    """A copy of the document in which every object along these paths is a fresh dict."""
    copied = dict(document)
    for path in paths:
        parts = path.split(".")
        node = copied
        for part in parts[:-1]:
            if part == "*":
                for key, value in list(node.items()):
                    if type(value) is dict:
                        node[key] = dict(value)
                break
            child = node.get(part)
            if type(child) is not dict:
                break
            node[part] = node = dict(child)
    return copied


def _get(document: dict[str, Any], path: str) -> Any:
    node: Any = document
    for part in path.split("."):
        if type(node) is not dict:
            return None
        node = node.get(part)
    return node


def _take(document: dict[str, Any], path: str) -> Any:
    *parents, last = path.split(".")
    node: Any = document
    for part in parents:
        node = node.get(part) if type(node) is dict else None
    return node.pop(last) if type(node) is dict else None


def _restored(document: Mapping[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A copy of the sealed document without its marker and with the values put back; the
    objects written into are copied first (the caller's document is left as it was)."""
    whole = {key: value for key, value in document.items() if key != MARKER}
    copied: set[str] = set()
    for path, value in values.items():
        *parents, last = path.split(".")
        node: dict[str, Any] = whole
        prefix = ""
        for part in parents:
            prefix += part + "."
            child: Any = node.get(part)
            if prefix not in copied:
                child = dict(child) if type(child) is dict else {}
                node[part] = child
                copied.add(prefix)
            node = child
        node[last] = value
    return whole
