"""The streaming reader: record numbers and physical lines, and malformed records as rejects."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.kernel.errors import InputError
from watchkeeper.persistence.cad_import.reader import (
    MalformedRecord,
    SourceRecord,
    read_header,
    read_records,
)


def _file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    return path


def test_records_are_numbered_from_one_and_located_by_the_line_they_start_on(
    tmp_path: Path,
) -> None:
    path = _file(tmp_path, b'ref,units\r\nA1,"4257,4259\r"\r\nA2,"S6\r\n"\r\nA3,COM5\r\n')
    records = list(read_records(path, "utf-8"))
    assert [(r.record_number, r.line) for r in records] == [(1, 2), (2, 3), (3, 5)]
    assert all(isinstance(r, SourceRecord) for r in records)
    first = records[0]
    assert isinstance(first, SourceRecord)
    assert first.values == {"ref": "A1", "units": "4257,4259\r"}
    assert first.raw == ("A1", "4257,4259\r")


def test_a_byte_order_mark_is_stripped_from_the_header_with_utf_8_sig(tmp_path: Path) -> None:
    path = _file(tmp_path, "\ufeffCAD Event Number,Priority\n2011,7\n".encode())
    assert read_header(path, "utf-8-sig") == ("CAD Event Number", "Priority")
    (record,) = read_records(path, "utf-8-sig")
    assert isinstance(record, SourceRecord)
    assert record.values["CAD Event Number"] == "2011"


def test_a_record_with_the_wrong_field_count_is_malformed_and_reading_goes_on(
    tmp_path: Path,
) -> None:
    path = _file(tmp_path, b"a,b\n1,2\n3\n4,5,6\n7,8\n")
    records = list(read_records(path, "utf-8"))
    assert [type(r).__name__ for r in records] == [
        "SourceRecord",
        "MalformedRecord",
        "MalformedRecord",
        "SourceRecord",
    ]
    bad = records[1]
    assert isinstance(bad, MalformedRecord)
    assert (bad.record_number, bad.line) == (2, 3)
    assert bad.reason == "wrong field count: expected 2, found 1"


def test_nul_bytes_and_undecodable_bytes_make_a_record_malformed(tmp_path: Path) -> None:
    path = _file(tmp_path, b"a,b\n1,x\x00y\n2,caf\xe9\n3,ok\n")
    records = list(read_records(path, "utf-8"))
    assert isinstance(records[0], MalformedRecord)
    assert "NUL" in records[0].reason
    assert isinstance(records[1], MalformedRecord)
    assert "not valid in the profile's encoding" in records[1].reason
    assert isinstance(records[2], SourceRecord)


def test_the_same_bytes_read_as_latin_1_are_a_good_record(tmp_path: Path) -> None:
    path = _file(tmp_path, b"a,b\n2,caf\xe9\n")
    (record,) = read_records(path, "latin-1")
    assert isinstance(record, SourceRecord)
    assert record.values["b"] == "café"


def test_blank_lines_hold_no_record_but_still_count_as_lines(tmp_path: Path) -> None:
    path = _file(tmp_path, b"a,b\n\n1,2\n\n\n3,4")
    records = list(read_records(path, "utf-8"))
    assert [(r.record_number, r.line) for r in records] == [(1, 3), (2, 6)]


def test_bytes_read_reaches_the_size_of_the_file(tmp_path: Path) -> None:
    data = b"a,b\n1,2\n3,4\n"
    path = _file(tmp_path, data)
    assert [r.bytes_read for r in read_records(path, "utf-8")] == [8, 12]


def test_an_unclosed_quote_swallows_the_rest_of_the_file_into_one_malformed_record(
    tmp_path: Path,
) -> None:
    path = _file(tmp_path, b'a,b\n1,"open\n2,3\n4,5\n')
    records = list(read_records(path, "utf-8"))
    assert len(records) == 1
    assert isinstance(records[0], MalformedRecord)
    assert records[0].line == 2


def test_an_empty_file_has_no_header_and_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the file is empty"):
        read_header(_file(tmp_path, b""), "utf-8")
