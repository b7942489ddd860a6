"""Streaming CSV reader for CAD exports: records with their record number and line.

Lines are counted on LF only (as ``wc -l`` and editors count them), so a record whose quoted
field holds a stray CR or a CR LF is still located by the line a person would open. Malformed
records (wrong field count, NUL bytes, undecodable bytes, broken quoting) come back as
:class:`MalformedRecord`, never as a crash.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from watchkeeper.kernel.errors import InputError


@dataclass(frozen=True, slots=True)
class SourceRecord:
    record_number: int  # 1-based, data records only (the header is not counted)
    line: int  # physical line where the record starts; the header is line 1
    values: dict[str, str]
    raw: tuple[str, ...]  # the values in header order
    bytes_read: int  # bytes of the file consumed so far, for progress


@dataclass(frozen=True, slots=True)
class MalformedRecord:
    record_number: int
    line: int
    reason: str
    bytes_read: int


class _Lines:
    """Decoded LF-terminated lines of a binary file, counting lines and bytes."""

    def __init__(self, stream: BinaryIO, encoding: str) -> None:
        self._stream = stream
        # surrogateescape keeps undecodable bytes visible so the record can be rejected.
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
        self.lines = 0
        self.bytes = 0

    def __iter__(self) -> Iterator[str]:
        # One line of look-ahead, so the last line is decoded as final: bytes of a character
        # cut off at the end of the file stay on that line, not a line of their own past it.
        pending: bytes | None = None
        for chunk in self._stream:
            if pending is not None:
                yield self._take(pending, final=False)
            pending = chunk
        if pending is not None:
            yield self._take(pending, final=True)

    def _take(self, chunk: bytes, final: bool) -> str:
        self.lines += 1
        self.bytes += len(chunk)
        return self._decoder.decode(chunk, final=final)


def read_header(path: Path, encoding: str) -> tuple[str, ...]:
    """The header row of a file; refuses an empty or undecodable header."""
    with path.open("rb") as stream:
        lines = _Lines(stream, encoding)
        # strict, as read_records reads it: a header with broken quoting is refused here.
        reader = csv.reader(lines, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path}: the file is empty (no header row)") from None
        except csv.Error as exc:
            raise InputError(f"{path}: the header row is not valid CSV ({exc})") from None
    bad = _problem(header)
    if bad:
        raise InputError(f"{path}: the header row has {bad}")
    return tuple(h.strip() for h in header)


def _problem(fields: list[str]) -> str:
    for value in fields:
        if "\x00" in value:
            return "NUL bytes"
        if any("\udc80" <= ch <= "\udcff" for ch in value):
            return "bytes that are not valid in the profile's encoding"
    return ""


def read_records(path: Path, encoding: str) -> Iterator[SourceRecord | MalformedRecord]:
    """Every data record of ``path`` after the header, in file order."""
    with path.open("rb") as stream:
        lines = _Lines(stream, encoding)
        # strict: broken quoting is an error (a reject), not silently glued to the next row.
        reader = csv.reader(lines, strict=True)
        header: tuple[str, ...] | None = None
        number, start = 0, 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if header is None:  # never take a later row for the header
                    raise InputError(f"{path}: the header row is not valid CSV ({exc})") from None
                number += 1
                yield MalformedRecord(number, start, f"not valid CSV: {exc}", lines.bytes)
                start = lines.lines + 1
                continue
            if header is None:
                header, start = tuple(h.strip() for h in fields), lines.lines + 1
                continue
            if fields:  # a blank line holds no record
                number += 1
                yield _record(header, fields, number, start, lines.bytes)
            start = lines.lines + 1


def _record(
    header: tuple[str, ...], fields: list[str], number: int, line: int, done: int
) -> SourceRecord | MalformedRecord:
    if len(fields) != len(header):
        reason = f"wrong field count: expected {len(header)}, found {len(fields)}"
        return MalformedRecord(number, line, reason, done)
    bad = _problem(fields)
    if bad:
        return MalformedRecord(number, line, f"the record has {bad}", done)
    return SourceRecord(number, line, dict(zip(header, fields, strict=True)), tuple(fields), done)
