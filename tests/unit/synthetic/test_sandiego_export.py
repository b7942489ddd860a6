"""San Diego-format export: the real header, every field quoted, exact row count, streamed."""

from __future__ import annotations

import csv
import time
import tracemalloc
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from watchkeeper.kernel.errors import InputError
from watchkeeper.synthetic.calibration import load_calibration
from watchkeeper.synthetic.generator import write_san_diego_style_export

# The first line of pd_calls_for_service_2023_datasd__2023-01-01_to_2023-01-15.csv, verbatim.
REAL_HEADER = (
    '"incident_num","date_time","day_of_week","address_number_primary","address_dir_primary",'
    '"address_road_primary","address_sfx_primary","address_dir_intersecting",'
    '"address_road_intersecting","address_sfx_intersecting","call_type","disposition","beat",'
    '"priority"'
)
START = datetime(2023, 1, 30, 22, 17, 5)


def _export(tmp_path: Path, rows: int, seed: int = 1, name: str = "cfs.csv") -> Path:
    path = tmp_path / name
    assert write_san_diego_style_export(path, rows, seed, START) == rows
    return path


def test_the_header_is_the_real_san_diego_header_and_the_row_count_is_exact(tmp_path):
    data = _export(tmp_path, 5000).read_bytes()
    lines = data.split(b"\n")
    assert lines[0].decode() == REAL_HEADER
    assert lines[-1] == b""  # ends with a line feed
    assert len(lines) - 2 == 5000
    assert b"\r" not in data


def test_every_field_is_double_quoted(tmp_path):
    for line in _export(tmp_path, 500).read_text().splitlines():
        fields = line.split('","')
        assert len(fields) == 14
        assert line.startswith('"') and line.endswith('"')


def test_codes_come_from_the_real_call_type_and_priority_frequencies(tmp_path):
    export = load_calibration().export
    known = {(t, p) for t, p, _ in export.call_type_priority}
    with _export(tmp_path, 20_000).open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert all((r["call_type"], r["priority"]) in known for r in rows)
    top_real = export.call_type_priority[0][0]
    assert Counter(r["call_type"] for r in rows).most_common(1)[0][0] == top_real


def test_times_ascend_from_start_and_numbers_restart_each_month(tmp_path):
    with _export(tmp_path, 3000).open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    times = [datetime.strptime(r["date_time"], "%Y-%m-%d %H:%M:%S") for r in rows]
    assert times == sorted(times)
    assert times[0] >= START
    assert rows[0]["incident_num"] == "E23010000001"
    february = [r for r, t in zip(rows, times, strict=True) if t.month == 2]
    assert february[0]["incident_num"] == "E23020000001"
    for r, t in zip(rows, times, strict=True):
        assert int(r["day_of_week"]) == (t.weekday() + 1) % 7 + 1  # 1 = Sunday


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    first = _export(tmp_path, 2000, seed=9, name="a.csv").read_bytes()
    second = _export(tmp_path, 2000, seed=9, name="b.csv").read_bytes()
    third = _export(tmp_path, 2000, seed=10, name="c.csv").read_bytes()
    assert first == second
    assert first != third


def test_zero_rows_write_the_header_only_and_negative_rows_are_refused(tmp_path):
    assert _export(tmp_path, 0).read_text() == REAL_HEADER + "\n"
    with pytest.raises(InputError):
        write_san_diego_style_export(tmp_path / "x.csv", -1, 1, START)


def _peak_bytes(tmp_path: Path, rows: int) -> int:
    tracemalloc.start()
    try:
        write_san_diego_style_export(tmp_path / f"m{rows}.csv", rows, 3, START)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_the_writer_streams_in_constant_memory(tmp_path):
    small, large = _peak_bytes(tmp_path, 10_000), _peak_bytes(tmp_path, 100_000)
    assert large < small * 1.5 + 1_000_000


@pytest.mark.slow
def test_a_million_rows_take_well_under_a_minute(tmp_path):
    started = time.perf_counter()
    path = _export(tmp_path, 1_000_000, name="million.csv")
    assert time.perf_counter() - started < 30
    with path.open("rb") as handle:
        assert sum(1 for _ in handle) == 1_000_001
