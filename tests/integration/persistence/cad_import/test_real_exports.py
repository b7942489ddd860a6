"""The three real US exports, imported through their bundled profiles into the in-memory store."""

from __future__ import annotations

import csv
import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from watchkeeper.incidents.entries import CallSource
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.persistence.cad_import.importer import ImportSummary, import_files
from watchkeeper.persistence.cad_import.profile import load_profile

pytestmark = pytest.mark.realdata

CLOCK = FixedClock(datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
FAKES = Path(__file__).resolve().parents[3] / "unit" / "persistence" / "cad_import" / "fakes.py"


def _fakes() -> ModuleType:
    """The shared in-memory fakes, loaded by path (tests run with --import-mode=importlib)."""
    spec = importlib.util.spec_from_file_location("cad_import_fakes", FAKES)
    assert spec is not None and spec.loader is not None
    if spec.name not in sys.modules:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules[spec.name]


def _import(profile: str, paths: list[Path], store: Any, rejects: Path) -> ImportSummary:
    uow = _fakes().FakeImportUnitOfWork
    summary = import_files(
        load_profile(profile), paths, lambda: uow(store), CLOCK, "import:test", rejects
    )
    assert (
        summary.imported + summary.already_present + summary.conflicting + summary.rejected
        == summary.rows_read
    )
    return summary


def _slo(shared_data: Path) -> list[Path]:
    return sorted((shared_data / "slo-pd-call-log").glob("SLOPD_report_*.csv"))


def test_san_luis_obispo_imports_every_row_once_and_recognises_the_scraper_duplicates(
    shared_data: Path, tmp_path: Path
) -> None:
    store = _fakes().FakeImportStore()
    summary = _import("san-luis-obispo", _slo(shared_data), store, tmp_path)
    assert summary.rows_read == 13_569
    assert summary.already_present == 790  # exact duplicate rows (SOURCE.md)
    assert summary.conflicting == 3  # same case number, different content
    assert sorted(summary.conflicts) == ["211012016", "211012022", "211019010"]
    assert summary.imported == len(store.rows) == 13_569 - 790 - 3 - summary.rejected
    assert summary.rejected == 0
    corrected = store.incident("slopd-call-log", "211012022").entries[-1].payload
    assert corrected.kind == "corrected" and "arrived" in corrected.differences


def test_san_luis_obispo_midnight_wraps_arrive_after_they_were_received(
    shared_data: Path, tmp_path: Path
) -> None:
    store = _fakes().FakeImportStore()
    _import("san-luis-obispo", _slo(shared_data), store, tmp_path)
    states = [row.incident.state for row in store.rows.values()]
    arrivals = [s for s in states if s.arrived_at is not None]
    assert all(s.arrived_at >= s.logged_at for s in arrivals)
    wrapped = [
        s
        for s in arrivals
        if s.arrived_at.astimezone(s.logged_at.tzinfo).date() != s.logged_at.date()
    ]
    assert len(wrapped) > 100  # SOURCE.md counts 114 arrivals past midnight (some are duplicates)
    dst = store.incident(
        "slopd-call-log", "211107013"
    ).state  # received 01:57, arrived 01:05 after fall-back
    assert (dst.arrived_at - dst.logged_at).total_seconds() == 8 * 60
    assert all(not s.is_open for s in states)
    units = [u for s in states for u in s.units]
    assert units and not any("\r" in u or "\n" in u for u in units)


def test_san_diego_maps_every_row_and_counts_the_codes_it_does_not_know(
    shared_data: Path, tmp_path: Path
) -> None:
    path = (
        shared_data
        / "sandiego-pd-cfs"
        / "pd_calls_for_service_2023_datasd__2023-01-01_to_2023-01-15.csv"
    )
    store = _fakes().FakeImportStore()
    summary = _import("san-diego", [path], store, tmp_path)
    assert (summary.rows_read, summary.imported, summary.rejected) == (19_534, 19_534, 0)
    unknown_types = sum(
        n for code, n in summary.unknown_codes.items() if code.startswith("call_type=")
    )
    assert unknown_types < 0.1 * summary.rows_read  # the profile covers the common codes
    assert summary.unknown_codes["call_type=1016P"] >= 1  # not in the published lookup
    flag_down = store.incident("sdpd-cfs", "E23010000001").state
    assert flag_down.opened.source is CallSource.OFFICER_INITIATED


def test_seattle_reads_past_its_byte_order_mark_and_maps_domestic_abuse(
    shared_data: Path, tmp_path: Path
) -> None:
    path = shared_data / "seattle-spd-call-data-extract" / "db_call_data_2010-2023.csv"
    store = _fakes().FakeImportStore()
    summary = _import("seattle", [path], store, tmp_path)
    assert (summary.rows_read, summary.imported, summary.rejected) == (275, 275, 0)
    first = store.incident(
        "spd-call-data", "2011000272829"
    ).state  # the first data row, after the BOM
    assert first.opened.source is CallSource.OFFICER_INITIATED
    dv = [
        r.incident.state
        for r in store.rows.values()
        if r.incident.state.opened.category == "domestic-abuse"
    ]
    assert dv and all("domestic-abuse" in s.markers for s in dv)
    arrived = [r.incident.state for r in store.rows.values() if r.incident.state.arrived_at]
    assert len(arrived) == 275 - 66


def test_a_real_export_with_broken_rows_reports_each_with_file_record_and_line(
    shared_data: Path, tmp_path: Path
) -> None:
    real = _slo(shared_data)[1]
    doctored = tmp_path / real.name
    doctored.write_bytes(
        real.read_bytes()
        + b"999999999,13/45/21,00:02\r\n211199999,11/30/21,xx:yy,,,,Theft,PN5,,,,,,,,\r\n"
    )
    summary = _import(
        "san-luis-obispo", [doctored], _fakes().FakeImportStore(), tmp_path / "rejects"
    )
    assert summary.rejected == 2
    assert summary.rejects_file is not None
    with summary.rejects_file.open(newline="", encoding="utf-8") as stream:
        rejects = list(csv.DictReader(stream))
    physical_lines = real.read_bytes().count(b"\n")
    assert [(r["file"], r["record_number"], r["line"]) for r in rejects] == [
        (str(doctored), "3187", str(physical_lines + 1)),
        (str(doctored), "3188", str(physical_lines + 2)),
    ]
    assert rejects[1]["field"] == "received" and "'xx:yy'" in rejects[1]["reason"]


@pytest.mark.parametrize("profile", ["san-luis-obispo", "seattle"])
def test_a_second_run_of_the_same_real_import_imports_nothing(
    profile: str, shared_data: Path, tmp_path: Path
) -> None:
    paths = (
        _slo(shared_data)
        if profile == "san-luis-obispo"
        else [shared_data / "seattle-spd-call-data-extract" / "db_call_data_2010-2023.csv"]
    )
    store = _fakes().FakeImportStore()
    first = _import(profile, paths, store, tmp_path)
    second = _import(profile, paths, store, tmp_path)
    assert second.imported == second.conflicting == 0
    assert second.already_present == first.rows_read - first.rejected
    assert second.rejected == first.rejected
