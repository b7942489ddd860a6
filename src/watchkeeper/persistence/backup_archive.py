"""The portable backup archive: a tar of one JSON-lines file per table plus a manifest.

The same archive restores into SQLite or PostgreSQL. Rows are encoded engine-independently
(instants as ISO-8601 UTC, dates ISO, bytes base64, JSON with sorted keys) and sorted by
primary key in Python, so a table's SHA-256 is the same whichever engine wrote or re-reads
it; ``restore --verify`` recomputes it from the restored database.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import tarfile
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from watchkeeper.kernel.errors import InputError

ARCHIVE_FORMAT = "watchkeeper-backup/1"
MANIFEST_NAME = "manifest.json"
_MEMBER = re.compile(r"^tables/([a-z][a-z0-9_]{0,62})\.jsonl$")


@dataclass(frozen=True, slots=True)
class TableDump:
    """One table in the archive: its row count and the SHA-256 of its JSON-lines member."""

    name: str
    rows: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """What an archive holds and how to check it."""

    schema_revision: str
    source_engine: str
    created_at: str
    tables: dict[str, TableDump]

    def document(self) -> dict[str, Any]:
        return {
            "format": ARCHIVE_FORMAT,
            "schema_revision": self.schema_revision,
            "source_engine": self.source_engine,
            "created_at": self.created_at,
            "tables": {t.name: {"rows": t.rows, "sha256": t.sha256} for t in self.tables.values()},
        }


def encode_value(value: Any) -> Any:
    """A JSON-ready value; the inverse is ``decode_value`` with the column's Python type."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decode_value(column: sa.Column[Any], value: Any) -> Any:
    """The value a column stores, from its archive form."""
    if value is None:
        return None
    column_type = column.type
    if isinstance(column_type, sa.types.TypeDecorator):
        column_type = column_type.impl_instance
    try:
        kind = column_type.python_type
    except NotImplementedError:
        return value
    decoders: dict[type, Any] = {
        datetime: datetime.fromisoformat,
        date: date.fromisoformat,
        time: time.fromisoformat,
        Decimal: Decimal,
        uuid.UUID: uuid.UUID,
        bytes: base64.b64decode,
    }
    decoder = decoders.get(kind)
    return decoder(value) if decoder is not None else value


def table_lines(table: sa.Table, rows: Iterable[Mapping[Any, Any]]) -> bytes:
    """The table's JSON-lines member: one canonical line per row, sorted by primary key."""
    keyed = []
    key_columns = [c.name for c in table.primary_key.columns] or [c.name for c in table.columns]
    for row in rows:
        encoded = {name: encode_value(row[name]) for name in table.columns.keys()}  # noqa: SIM118
        line = json.dumps(encoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        key = json.dumps([encoded[name] for name in key_columns], sort_keys=True, default=str)
        keyed.append((key, line))
    keyed.sort()
    return "".join(line + "\n" for _, line in keyed).encode("utf-8")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_archive(out: Path, manifest: Manifest, members: Mapping[str, bytes]) -> None:
    """Write the tar (gzip) atomically: to a temporary name, then renamed into place."""
    partial = out.with_name(out.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        _add(archive, MANIFEST_NAME, json.dumps(manifest.document(), indent=2).encode())
        for name, data in members.items():
            _add(archive, f"tables/{name}.jsonl", data)
    partial.replace(out)


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def read_archive(path: Path) -> tuple[Manifest, dict[str, bytes]]:
    """The manifest and every table member, checked: names, types, counts and checksums.

    Nothing is extracted to disk; a member whose name is not ``manifest.json`` or
    ``tables/<table>.jsonl`` (an absolute path, ``..``, a link, a device) is refused.
    """
    try:
        archive = tarfile.open(path, "r:*")  # noqa: SIM115 (closed by the 'with' below)
    except (OSError, tarfile.TarError) as exc:
        raise InputError(f"backup archive {path}: cannot be read as a tar file ({exc})") from None
    with archive:
        members: dict[str, bytes] = {}
        manifest_bytes: bytes | None = None
        for member in archive.getmembers():
            data = _member_bytes(path, archive, member)
            if member.name == MANIFEST_NAME:
                manifest_bytes = data
            else:
                members[_table_of(path, member.name)] = data
    if manifest_bytes is None:
        raise InputError(f"backup archive {path}: no {MANIFEST_NAME}")
    manifest = parse_manifest(path, manifest_bytes)
    check_members(path, manifest, members)
    return manifest, members


def _member_bytes(path: Path, archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    if member.name != MANIFEST_NAME and not _MEMBER.match(member.name):
        raise InputError(
            f"backup archive {path}: member {member.name!r} refused (only {MANIFEST_NAME} "
            "and tables/<table>.jsonl may appear; no absolute paths, '..' or folders)"
        )
    if not member.isfile():
        raise InputError(f"backup archive {path}: member {member.name!r} is not a regular file")
    handle = archive.extractfile(member)
    if handle is None:
        raise InputError(f"backup archive {path}: member {member.name!r} has no content")
    return handle.read()


def _table_of(path: Path, name: str) -> str:
    found = _MEMBER.match(name)
    assert found is not None  # checked by _member_bytes
    return found.group(1)


def parse_manifest(path: Path, data: bytes) -> Manifest:
    """The manifest, or InputError naming the field that is wrong."""
    try:
        doc = json.loads(data)
        if doc.get("format") != ARCHIVE_FORMAT:
            raise InputError(
                f"backup archive {path}: format {doc.get('format')!r} is not {ARCHIVE_FORMAT}"
            )
        tables = {
            name: TableDump(name, int(entry["rows"]), str(entry["sha256"]))
            for name, entry in doc["tables"].items()
        }
        return Manifest(
            str(doc["schema_revision"]), str(doc["source_engine"]), str(doc["created_at"]), tables
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"backup archive {path}: {MANIFEST_NAME} is malformed ({exc})") from None


def check_members(path: Path, manifest: Manifest, members: Mapping[str, bytes]) -> None:
    """Every table the manifest lists is present, with its row count and checksum."""
    extra = sorted(set(members) - set(manifest.tables))
    if extra:
        raise InputError(f"backup archive {path}: tables not in the manifest: {extra}")
    for name, dump in manifest.tables.items():
        data = members.get(name)
        if data is None:
            raise InputError(f"backup archive {path}: table {name} is missing")
        if digest(data) != dump.sha256:
            raise InputError(
                f"backup archive {path}: table {name} does not match its SHA-256 checksum"
            )
        lines = data.count(b"\n")
        if lines != dump.rows:
            raise InputError(
                f"backup archive {path}: table {name} has {lines} rows, manifest says {dump.rows}"
            )


def decode_rows(table: sa.Table, data: bytes) -> list[dict[str, Any]]:
    """The table's rows from its member, ready to insert; InputError names the line."""
    rows = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        try:
            encoded = json.loads(line)
            rows.append({c.name: decode_value(c, encoded[c.name]) for c in table.columns})
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f"table {table.name} line {number}: cannot be restored ({exc})"
            ) from None
    return rows
