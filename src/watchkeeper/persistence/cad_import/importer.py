"""Import CAD exports batch by batch: new rows land, repeats are recognised, changes corrected.

Every row read ends in exactly one bucket — imported, already present, conflicting or
rejected — so ``imported + already_present + conflicting + rejected == rows_read``. A changed
row never overwrites what is stored: it appends a 'corrected' entry listing the differences.
Running the same import again imports nothing new.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from watchkeeper.incidents.entries import Corrected
from watchkeeper.kernel.clock import Clock
from watchkeeper.kernel.errors import InputError
from watchkeeper.kernel.faults import fault_point
from watchkeeper.persistence.cad_import.mapping import ImportRun, Mapped, Rejection, map_record
from watchkeeper.persistence.cad_import.profile import ImportProfile
from watchkeeper.persistence.cad_import.reader import MalformedRecord, read_header, read_records
from watchkeeper.persistence.cad_import.sink import ImportedIncident, ImportUnitOfWork, StoredSource

REJECT_COLUMNS = ("file", "record_number", "line", "field", "reason")
# Every content hash a source ref has been seen with, kept beside the mapped fields so that
# re-running an older export (whose row was since corrected) is recognised as already present.
SEEN_HASHES = "seen_content_hashes"


@dataclass
class ImportSummary:
    """What an import did with every row it read."""

    rows_read: int = 0
    imported: int = 0
    already_present: int = 0
    conflicting: int = 0
    rejected: int = 0
    rejects_file: Path | None = None
    unknown_codes: Counter[str] = field(default_factory=Counter)
    conflicts: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "imported": self.imported,
            "already_present": self.already_present,
            "conflicting": self.conflicting,
            "rejected": self.rejected,
            "rejects_file": str(self.rejects_file) if self.rejects_file else None,
        }


class _Rejects:
    """The rejects CSV, opened on the first rejected row."""

    def __init__(self, directory: Path, name: str) -> None:
        self.path = directory / name
        self._stream: TextIO | None = None
        self._writer: Any = None

    def write(self, rejection: Rejection) -> None:
        if self._stream is None:
            self._stream = self._create()
            self._writer = csv.writer(self._stream)
            self._writer.writerow(REJECT_COLUMNS)
        r = rejection
        self._writer.writerow([r.file, r.record_number, r.line, r.field, r.reason])

    def _create(self) -> TextIO:
        """Open a new file, never an existing one: two imports must not share rejects."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        stem, attempt = self.path.stem, 1
        while True:
            try:
                return self.path.open("x", encoding="utf-8", newline="")
            except FileExistsError:
                attempt += 1
                self.path = self.path.with_name(f"{stem}-{attempt}.csv")

    def close(self) -> Path | None:
        if self._stream is None:
            return None
        self._stream.close()
        return self.path


def _rows(run: ImportRun, paths: Sequence[Path]) -> Iterator[tuple[Mapped | Rejection, int]]:
    """Every record of every file, mapped, with the bytes consumed so far."""
    done = 0
    for path in paths:
        after: datetime | None = None
        last = 0
        for record in read_records(path, run.profile.encoding):
            if isinstance(record, MalformedRecord):
                row: Mapped | Rejection = Rejection(
                    str(path), record.record_number, record.line, "", record.reason
                )
            else:
                row = map_record(run, record, str(path), after)
                if isinstance(row, Mapped):
                    after = row.imported.incident.entries[0].at
            last = record.bytes_read
            yield row, done + last
        done += path.stat().st_size if last == 0 else last


def _batches(
    rows: Iterable[tuple[Mapped | Rejection, int]], size: int
) -> Iterator[tuple[list[Mapped | Rejection], int]]:
    batch: list[Mapped | Rejection] = []
    done = 0
    for row, done in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch, done
            batch = []
    if batch:
        yield batch, done


def check_headers(profile: ImportProfile, paths: Sequence[Path]) -> None:
    """Refuse, before anything is written, a file that lacks a column the profile reads."""
    for path in paths:
        header = read_header(path, profile.encoding)
        missing = [c for c in profile.required_columns if c not in header]
        if missing:
            raise InputError(
                f"{path}: columns {missing} named by import profile {profile.name} are not in "
                f"the header"
            )


def _differences(old: dict[str, str], new: dict[str, str]) -> dict[str, list[str]]:
    keys = dict.fromkeys(k for k in [*old, *new] if k != SEEN_HASHES)
    return {k: [old.get(k, ""), new.get(k, "")] for k in keys if old.get(k, "") != new.get(k, "")}


class _Batcher:
    """Classifies each row against the store and against earlier rows of this run."""

    def __init__(self, run: ImportRun, summary: ImportSummary, rejects: _Rejects) -> None:
        self.run, self.summary, self.rejects = run, summary, rejects
        self.known: dict[str, StoredSource] = {}  # ref -> latest content, stored or this batch

    def apply(self, uow: ImportUnitOfWork, batch: Sequence[Mapped | Rejection]) -> None:
        system = self.run.profile.source_system
        refs = sorted({r.imported.source_ref for r in batch if isinstance(r, Mapped)})
        # Earlier batches are committed, so the store answers for them: keeping only this
        # batch's refs in memory keeps a million-row import at constant memory.
        self.known = uow.imports.existing(system, refs) if refs else {}
        new: list[ImportedIncident] = []
        corrections: list[tuple[StoredSource, Corrected, ImportedIncident]] = []
        for row in batch:
            self.summary.rows_read += 1
            if isinstance(row, Rejection):
                self.summary.rejected += 1
                self.rejects.write(row)
            else:
                self._classify(row, new, corrections)
        if new:
            uow.imports.add_many(new)
        for stored, correction, item in corrections:
            uow.imports.append_correction(
                stored,
                correction,
                item.content_hash,
                item.source_fields,
                self.run.imported_at,
                self.run.author,
            )

    def _classify(
        self,
        row: Mapped,
        new: list[ImportedIncident],
        corrections: list[tuple[StoredSource, Corrected, ImportedIncident]],
    ) -> None:
        item, summary = row.imported, self.summary
        known = self.known.get(item.source_ref)
        if known is None:
            item = replace(
                item, source_fields={**item.source_fields, SEEN_HASHES: item.content_hash}
            )
            new.append(item)
            summary.imported += 1
            summary.unknown_codes.update(row.unknown_codes)
            self.known[item.source_ref] = StoredSource(
                item.incident.incident_id,
                item.content_hash,
                item.source_fields,
                item.incident.version,
            )
            return
        seen = known.source_fields.get(SEEN_HASHES, "").split()
        if item.content_hash == known.content_hash or item.content_hash in seen:
            summary.already_present += 1
            return
        fields = {**item.source_fields, SEEN_HASHES: " ".join([*seen, item.content_hash])}
        corrected = replace(item, source_fields=fields)
        corrections.append((known, self._correction(known, item), corrected))
        summary.conflicting += 1
        summary.conflicts.append(item.source_ref)
        self.known[item.source_ref] = StoredSource(
            known.incident_id, item.content_hash, fields, known.version + 1
        )

    def _correction(self, known: StoredSource, item: ImportedIncident) -> Corrected:
        differences = _differences(known.source_fields, item.source_fields)
        note = (
            "a later export row differs in the mapped fields"
            if differences
            else "a later export row differs only in columns the profile does not map"
        )
        return Corrected(item.source_system, item.source_ref, differences, note)


def import_files(  # noqa: PLR0917 - the CLI passes the first six positionally
    profile: ImportProfile,
    paths: Sequence[Path],
    uow_factory: Callable[[], ImportUnitOfWork],
    clock: Clock,
    author: str,
    rejects_dir: Path,
    batch_size: int = 2000,
    on_progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import CAD export files through ``profile``; one transaction per batch.

    ``on_progress`` receives the bytes consumed so far across all files after each batch.
    Rejected rows are written to a CSV in ``rejects_dir`` (file, record_number, line,
    field, reason). Raises InputError, before writing anything, when a file lacks a
    column the profile reads.
    """
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, got {batch_size}")
    check_headers(profile, paths)
    run = ImportRun(profile, author, clock.now())
    summary = ImportSummary()
    rejects = _Rejects(rejects_dir, f"rejects-{profile.name}-{run.imported_at:%Y%m%dT%H%M%S}.csv")
    batcher = _Batcher(run, summary, rejects)
    try:
        for batch, done in _batches(_rows(run, paths), batch_size):
            with uow_factory() as uow:
                batcher.apply(uow, batch)
                fault_point("import.mid-batch")
                uow.commit()
            fault_point("import.after-batch")
            if on_progress is not None:
                on_progress(done)
    finally:
        summary.rejects_file = rejects.close()
    return summary
