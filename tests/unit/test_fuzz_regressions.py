"""Regressions for the defects the atheris harnesses in ``fuzz/`` found (docs/RELIABILITY.md).

Each test is the smallest input of one finding: before the fix it crashed (an exception that
is not the project's own) or broke its parser's contract; now it is parsed or refused with a
message naming where.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.assessment.findings import known_forces, read_findings_file
from watchkeeper.assessment.framework import load_framework
from watchkeeper.assessment.indicators import registry
from watchkeeper.incidents import entries as e
from watchkeeper.kernel.errors import ConfigurationError, InputError
from watchkeeper.persistence.cad_import.importer import check_headers
from watchkeeper.persistence.cad_import.profile import load_profile
from watchkeeper.persistence.cad_import.reader import (
    MalformedRecord,
    SourceRecord,
    read_records,
)
from watchkeeper.simulation.scenario import load_scenario

# --- CAD export reader -----------------------------------------------------------------


def test_a_character_cut_off_at_the_end_of_the_file_stays_on_the_last_line(
    tmp_path: Path,
) -> None:
    # Found by fuzz_import_seattle: the decoder's left-over bytes came back as a record of
    # their own, numbered past the end and located on a line the file does not have.
    path = tmp_path / "export.csv"
    path.write_bytes(b"a,b\n1,2\n3,4\xc3")
    records = list(read_records(path, "utf-8"))
    assert [(r.record_number, r.line) for r in records] == [(1, 2), (2, 3)]
    last = records[1]
    assert isinstance(last, MalformedRecord)
    assert "not valid in the profile's encoding" in last.reason
    assert last.bytes_read == path.stat().st_size


def test_a_complete_last_line_without_a_newline_is_still_one_record(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("a,b\n1,2\n3,é".encode())
    records = list(read_records(path, "utf-8"))
    assert [type(r) for r in records] == [SourceRecord, SourceRecord]
    assert isinstance(records[1], SourceRecord)
    assert records[1].values == {"a": "3", "b": "é"}


def test_a_header_with_broken_quoting_is_refused_before_anything_is_read(
    tmp_path: Path,
) -> None:
    # Found by fuzz_import_san_diego and fuzz_import_san_luis_obispo: the lenient header check
    # passed, the strict reader then rejected the header as "record 1" and took the next
    # row for the header, mapping every later row under the wrong columns.
    path = tmp_path / "export.csv"
    header = b'case_number,"da"te,received,dispatched,arrived,cleared,type,grid_location,location,'
    header += b"address,units,clearance_code\n"
    path.write_bytes(header + b"1,2,3,,,,x,,,,,\n" * 2)
    with pytest.raises(InputError, match=r"export\.csv: the header row is not valid CSV"):
        check_headers(load_profile("san-luis-obispo"), [path])
    with pytest.raises(InputError, match=r"export\.csv: the header row is not valid CSV"):
        list(read_records(path, "utf-8"))


# --- incident log entry documents -------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "document", "field"),
    [
        ("graded", {"force_label": "G1"}, "grade"),  # a required field missing
        ("graded", {"grade": "urgent", "force_label": "G1"}, "grade"),  # not a grade
        ("opened", {"source": "999", "location": ["x"], "category": "c"}, "location"),
        ("opened", {"source": "999", "location": {"txt": "x"}, "category": "c"}, "location"),
        ("opened", {"source": "999", "location": {"text": 5}, "category": "c"}, "location"),
        ("opened", {"source": "999", "location": {"text": "x", "lat": "n"}, "category": "c"}, "location"),
        ("thrive-assessed", {"ratings": ["threat"]}, "ratings"),
        ("thrive-assessed", {"ratings": {"threat": {"level": "high"}}}, "ratings"),
        # found later (fuzz_entry_document, CI of 2026-11-27): a rationale that is not text
        ("thrive-assessed", {"ratings": {"threat": {"level": "high", "rationale": {}}}}, "ratings"),
        ("thrive-assessed", {"ratings": {"threat": {"level": "high", "rationale": 3}}}, "ratings"),
        ("appointment-booked", {"appointment_at": 20260101}, "appointment_at"),
        ("appointment-booked", {"appointment_at": "tomorrow"}, "appointment_at"),
        ("struck", {"target_seq": "3", "reason": "wrong"}, "target_seq"),
        ("struck", {"target_seq": True, "reason": "wrong"}, "target_seq"),
        ("arrived", {"unit": None}, "unit"),
    ],
)  # fmt: skip
def test_a_damaged_entry_document_is_refused_naming_the_entry_and_field(
    kind: str, document: dict[str, object], field: str
) -> None:
    # Found by fuzz_entry_document: TypeError, ValueError, KeyError and AttributeError escaped
    # from decoding, and wrongly typed values were accepted into the payload.
    with pytest.raises(InputError, match=rf"entry '{kind}' version 1: field '{field}'"):
        e.from_document(kind, 1, document)


def test_a_payload_check_refusing_a_stored_document_names_the_entry() -> None:
    rating = {"level": "high", "rationale": "seen"}
    document = {"ratings": {"threat": rating}}
    with pytest.raises(InputError, match=r"entry 'thrive-assessed' version 1: THRIVE assessment"):
        e.from_document("thrive-assessed", 1, document)


def test_a_refused_entry_document_does_not_echo_its_values() -> None:
    # entry documents hold personal data (callers); the refusal names the field only.
    document = {"source": "999", "location": {"text": 5}, "category": "c",
                "caller": {"name": "Jane Doe", "phone": 7700900123}}  # fmt: skip
    with pytest.raises(InputError) as refused:
        e.from_document("opened", 1, document)
    assert "Jane" not in refused.value.message and "7700900123" not in refused.value.message


def test_a_sound_entry_document_still_reads_back() -> None:
    payload = e.Opened(e.CallSource.ALARM, e.Location("1 High St", "north", 51, -0.1), "theft")
    assert e.from_document("opened", 1, e.to_document(payload)) == payload


# --- framework, findings, scenario and import profile files ----------------------------

NOT_UTF8 = b'# caf\xe9\nname = "x"\n'
DEEP_TOML = b"a = " + b"[" * 3000


def test_a_framework_file_that_is_not_utf_8_is_refused_naming_file_and_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fw.toml"
    path.write_bytes(NOT_UTF8)
    with pytest.raises(ConfigurationError, match=r"fw\.toml line 1: not UTF-8 text"):
        load_framework(path, registry())


def test_a_framework_nested_too_deeply_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fw.toml"
    path.write_bytes(DEEP_TOML)
    with pytest.raises(ConfigurationError, match=r"fw\.toml: nested too deeply"):
        load_framework(path, registry())


def test_a_findings_file_that_is_not_utf_8_is_refused_naming_file_and_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"force: west-midlands\n# caf\xe9\n")
    with pytest.raises(InputError, match=r"f\.yaml line 2: not UTF-8 text"):
        read_findings_file(path, known_forces(), registry())


def test_a_findings_file_with_an_impossible_date_is_refused_naming_the_file(
    tmp_path: Path,
) -> None:
    # Found by fuzz_findings_yaml: YAML reads 2017-13-01 as a date and Python refuses it.
    path = tmp_path / "f.yaml"
    path.write_bytes(b"force: west-midlands\ndate: 2017-13-01\n")
    with pytest.raises(InputError, match=r"f\.yaml: a value is impossible \(month must be"):
        read_findings_file(path, known_forces(), registry())


def test_a_findings_file_nested_too_deeply_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"[" * 3000)
    with pytest.raises(InputError, match=r"f\.yaml: nested too deeply"):
        read_findings_file(path, known_forces(), registry())


def test_a_scenario_file_that_is_not_utf_8_is_refused_naming_file_and_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(NOT_UTF8)
    with pytest.raises(InputError, match=r"s\.toml line 1 is not UTF-8 text"):
        load_scenario(path)


def test_a_scenario_nested_too_deeply_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(DEEP_TOML)
    with pytest.raises(InputError, match=r"s\.toml is nested too deeply"):
        load_scenario(path)


def test_an_import_profile_that_is_not_utf_8_or_nested_too_deeply_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.toml"
    path.write_bytes(NOT_UTF8)
    with pytest.raises(ConfigurationError, match=r"p\.toml line 1: not UTF-8 text"):
        load_profile(path)
    path.write_bytes(DEEP_TOML)
    with pytest.raises(ConfigurationError, match=r"p\.toml: nested too deeply"):
        load_profile(path)
