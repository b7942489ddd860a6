"""The CAD export importer under fuzzing, shared by the three per-force harnesses.

Contract (persistence/cad_import): a file whose header lacks a column the profile reads is
refused with an ``InputError`` naming the file; otherwise every record ends as a parsed row or
a rejection naming its record number, its line (within the file) and, when one field is to
blame, a column the file has; nothing else may escape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import atheris  # type: ignore[import-untyped,unused-ignore]
from common import SHARED_DATA, Scratch, head_of, main, refusal, require

with atheris.instrument_imports(include=["watchkeeper"]):
    from watchkeeper.kernel.errors import InputError
    from watchkeeper.persistence.cad_import.importer import check_headers
    from watchkeeper.persistence.cad_import.mapping import ImportRun, Mapped, Rejection, map_record
    from watchkeeper.persistence.cad_import.profile import load_profile
    from watchkeeper.persistence.cad_import.reader import MalformedRecord, read_records

IMPORTED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def check_export(run: ImportRun, scratch: Scratch, data: bytes) -> None:
    path = scratch.holding(data)
    try:
        check_headers(run.profile, [path])
    except InputError as exc:
        refusal(exc, str(path))
        return
    lines = data.count(b"\n") + 1
    last = 0
    for record in read_records(path, run.profile.encoding):
        require(record.record_number == last + 1, f"record numbers skip: {record}")
        last = record.record_number
        require(2 <= record.line <= lines, f"line {record.line} is not in the file ({lines})")
        if isinstance(record, MalformedRecord):
            require(bool(record.reason), f"record {record.record_number} refused without reason")
            continue
        row = map_record(run, record, str(path))
        if isinstance(row, Rejection):
            require((row.record_number, row.line) == (record.record_number, record.line), "")
            require(bool(row.reason), f"record {record.record_number} refused without reason")
            require(not row.field or row.field in record.values, f"unknown field {row.field!r}")
            continue
        require(isinstance(row, Mapped), f"map_record answered {row!r}")
        entries = row.imported.incident.entries
        require(all(e.at.tzinfo is not None for e in entries), "an entry time is not zoned")


def run_harness(name: str, profile: str, files: Callable[[], Iterable[Path]]) -> None:
    run = ImportRun(load_profile(profile), "fuzz", IMPORTED_AT)
    scratch = Scratch("export.csv")
    main(name, lambda data: check_export(run, scratch, data), [head_of(f) for f in files()])


def real_files(folder: str, pattern: str) -> Callable[[], Iterable[Path]]:
    def found() -> Iterable[Path]:
        paths = sorted((SHARED_DATA / folder).glob(pattern))
        if not paths:
            raise SystemExit(f"no seed files {pattern} in {SHARED_DATA / folder}")
        return paths

    return found
