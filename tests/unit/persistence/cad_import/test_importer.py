"""The importer: every row lands in exactly one bucket, repeats are recognised, changes kept."""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchkeeper.incidents.entries import Corrected
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import InputError
from watchkeeper.persistence.cad_import.importer import ImportSummary, import_files
from watchkeeper.persistence.cad_import.profile import load_profile


def _load_fakes() -> ModuleType:
    """The shared in-memory fakes, loaded by path (tests run with --import-mode=importlib)."""
    spec = importlib.util.spec_from_file_location(
        "cad_import_fakes", Path(__file__).with_name("fakes.py")
    )
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


_fakes = _load_fakes()
FakeImportStore = _fakes.FakeImportStore
FakeImportUnitOfWork = _fakes.FakeImportUnitOfWork
CLOCK = FixedClock(datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
HEADER = (
    "case_number,date,received,dispatched,arrived,cleared,type,grid_location,location,address,"
    "observed_crime,responsible_officer,units,description,call_comments,clearance_code"
)
ROW_A = '211101001,11/01/21,00:02,00:06,00:10,,Suspicious,PN6,"K-11",1921 SANTA BARBARA;,,"Amaya, F","4257,4259\r",done,comment,No Report'
ROW_A_CHANGED = ROW_A.replace("No Report", "Report To Follow")
ROW_B = '211101002,11/01/21,00:07,,00:08,,9-1-1 ABANDON,PN5,J-09,723 HIGUERA;,,"Owens, J",COM5,done,,No Report'
ROW_BAD_TIME = "211101003,11/01/21,7pm,,,,Theft,PN5,,,,,,,,"


def _export(tmp_path: Path, *rows: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode())
    return path


def _import(
    store: FakeImportStore, paths: list[Path], tmp_path: Path, **kwargs: object
) -> ImportSummary:
    summary = import_files(
        load_profile("san-luis-obispo"), paths, lambda: FakeImportUnitOfWork(store), CLOCK,
        "import:tester", tmp_path / "rejects", **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip
    assert (
        summary.imported + summary.already_present + summary.conflicting + summary.rejected
        == summary.rows_read
    )
    return summary


def test_new_rows_are_imported_and_an_exact_repeat_is_already_present(tmp_path: Path) -> None:
    store = FakeImportStore()
    summary = _import(store, [_export(tmp_path, ROW_A, ROW_B, ROW_A)], tmp_path)
    assert (summary.rows_read, summary.imported, summary.already_present) == (3, 2, 1)
    assert summary.to_json() == {
        "rows_read": 3, "imported": 2, "already_present": 1, "conflicting": 0, "rejected": 0,
        "rejects_file": None,
    }  # fmt: skip
    assert len(store.rows) == 2


def test_a_changed_row_in_a_later_export_appends_a_correction_listing_the_differences(
    tmp_path: Path,
) -> None:
    store = FakeImportStore()
    _import(store, [_export(tmp_path, ROW_A, name="day1.csv")], tmp_path)
    summary = _import(store, [_export(tmp_path, ROW_A_CHANGED, name="day2.csv")], tmp_path)
    assert (summary.conflicting, summary.conflicts) == (1, ["211101001"])
    incident = store.incident("slopd-call-log", "211101001")
    correction = incident.entries[-1].payload
    assert isinstance(correction, Corrected)
    assert correction.differences == {"disposition": ["No Report", "Report To Follow"]}
    assert incident.state.closing_category == "no-further-action"  # never overwritten


def test_a_conflict_against_a_row_imported_earlier_in_the_same_run_is_kept(tmp_path: Path) -> None:
    store = FakeImportStore()
    summary = _import(
        store, [_export(tmp_path, ROW_A, ROW_B, ROW_A_CHANGED, ROW_A)], tmp_path, batch_size=2
    )
    assert (summary.imported, summary.conflicting, summary.already_present) == (2, 1, 1)
    entries = store.incident("slopd-call-log", "211101001").entries
    assert [e.payload.kind for e in entries][-1] == "corrected"


def test_a_conflict_within_one_batch_is_kept_too(tmp_path: Path) -> None:
    store = FakeImportStore()
    summary = _import(store, [_export(tmp_path, ROW_A, ROW_A_CHANGED)], tmp_path)
    assert (summary.imported, summary.conflicting) == (1, 1)
    assert store.incident("slopd-call-log", "211101001").entries[-1].payload.kind == "corrected"


def test_running_the_same_import_again_imports_nothing_even_after_corrections(
    tmp_path: Path,
) -> None:
    store = FakeImportStore()
    path = _export(tmp_path, ROW_A, ROW_B, ROW_A_CHANGED, ROW_BAD_TIME)
    first = _import(store, [path], tmp_path)
    versions = {k: r.incident.version for k, r in store.rows.items()}
    second = _import(store, [path], tmp_path)
    assert (first.imported, first.conflicting, first.rejected) == (2, 1, 1)
    assert (second.imported, second.conflicting, second.already_present, second.rejected) == (
        0,
        0,
        3,
        1,
    )
    assert {k: r.incident.version for k, r in store.rows.items()} == versions


def test_rejected_rows_go_to_a_rejects_file_with_file_record_line_and_reason(
    tmp_path: Path,
) -> None:
    path = _export(tmp_path, ROW_A, ROW_BAD_TIME, "only,three,fields")
    summary = _import(FakeImportStore(), [path], tmp_path)
    assert summary.rejected == 2
    assert summary.rejects_file is not None and summary.rejects_file.parent == tmp_path / "rejects"
    with summary.rejects_file.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert rows == [
        {"file": str(path), "record_number": "2", "line": "3", "field": "received",
         "reason": "unparseable received '7pm' (expected %H:%M)"},
        {"file": str(path), "record_number": "3", "line": "4", "field": "",
         "reason": "wrong field count: expected 16, found 3"},
    ]  # fmt: skip


def test_each_batch_is_one_transaction_that_asks_the_store_about_its_refs(tmp_path: Path) -> None:
    store = FakeImportStore()
    commits: list[int] = []

    def factory() -> FakeImportUnitOfWork:
        uow = FakeImportUnitOfWork(store)
        commits.append(id(uow))
        return uow

    rows = [ROW_A.replace("211101001", f"2111010{i:02}") for i in range(5)]
    import_files(
        load_profile("san-luis-obispo"),
        [_export(tmp_path, *rows)],
        factory,
        CLOCK,
        "import:t",
        tmp_path,
        batch_size=2,
    )
    assert len(commits) == 3
    assert store.lookups == [["211101000", "211101001"], ["211101002", "211101003"], ["211101004"]]


def test_a_batch_that_fails_is_rolled_back_whole_and_earlier_batches_stay(tmp_path: Path) -> None:
    store = FakeImportStore()
    original = store.add_many
    calls = 0

    def flaky(batch):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        original(batch)
        if calls == 2:
            raise RuntimeError("disk full")

    store.add_many = flaky  # type: ignore[method-assign]
    rows = [ROW_A.replace("211101001", f"2111010{i:02}") for i in range(4)]
    with pytest.raises(RuntimeError):
        _import(store, [_export(tmp_path, *rows)], tmp_path, batch_size=2)
    assert sorted(ref for _, ref in store.rows) == ["211101000", "211101001"]


def test_a_file_without_a_column_the_profile_reads_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    good = _export(tmp_path, ROW_A, name="good.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("case_number,date\n1,11/01/21\n", encoding="utf-8")
    store = FakeImportStore()
    with pytest.raises(InputError, match=r"bad.csv: columns \['received'"):
        _import(store, [good, bad], tmp_path)
    assert store.rows == {}


def test_progress_is_reported_in_bytes_up_to_the_total_size(tmp_path: Path) -> None:
    paths = [_export(tmp_path, ROW_A, name="a.csv"), _export(tmp_path, ROW_B, name="b.csv")]
    seen: list[int] = []
    _import(FakeImportStore(), paths, tmp_path, batch_size=1, on_progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == sum(p.stat().st_size for p in paths)


def test_unknown_codes_are_counted_for_the_rows_imported(tmp_path: Path) -> None:
    row = ROW_A.replace("Suspicious", "IN PROGRESS")
    summary = _import(FakeImportStore(), [_export(tmp_path, row, row)], tmp_path)
    assert dict(summary.unknown_codes) == {"type=IN PROGRESS": 1}


_CELLS = st.text(alphabet=st.sampled_from(list('ab1:/\r\n",\x00 é')), max_size=8)
_ROWS = st.lists(st.lists(_CELLS, min_size=0, max_size=18), max_size=12)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=_ROWS, refs=st.lists(st.sampled_from(["1", "2", "3", ""]), min_size=12, max_size=12))
def test_messy_csv_never_crashes_and_every_row_is_accounted_for(
    tmp_path: Path, rows: list[list[str]], refs: list[str]
) -> None:
    lines = []
    for cells, ref in zip(rows, refs, strict=False):
        lines.append(",".join([ref, "11/01/21", "00:1" + str(len(cells) % 10), *cells]))
    path = tmp_path / "messy.csv"
    path.write_bytes(("\r\n".join([HEADER, *lines])).encode("utf-8", "surrogatepass"))
    store = FakeImportStore()
    first = _import(store, [path], tmp_path, batch_size=3)
    second = _import(store, [path], tmp_path, batch_size=5)
    assert second.imported == 0
    assert second.rejected == first.rejected


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=400))
def test_random_bytes_after_a_good_header_never_crash_the_import(
    tmp_path: Path, body: bytes
) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(HEADER.encode() + b"\n" + body)
    _import(FakeImportStore(), [path], tmp_path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200))
def test_a_file_of_random_bytes_is_refused_or_imported_never_a_crash(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(data)
    with contextlib.suppress(InputError):
        _import(FakeImportStore(), [path], tmp_path)
