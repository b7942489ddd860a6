"""Reading the real exports: every row counted, duplicates and midnight wrap handled."""

from __future__ import annotations

import pytest

from watchkeeper.synthetic.real_exports import read_redbridge, read_san_diego, read_slo

pytestmark = pytest.mark.realdata


def test_san_diego_rows_are_all_counted(shared_data):
    counts = read_san_diego(shared_data)
    assert counts.times.rows == 19_534
    assert counts.priorities["2"] == 8_800
    assert len(counts.times.by_date) == 15
    assert counts.header[0] == "incident_num"


def test_slo_exact_duplicates_are_set_aside_and_arrivals_never_negative(shared_data):
    counts = read_slo(shared_data)
    assert counts.rows_read == 13_569
    assert counts.exact_duplicates == 790  # SOURCE.md: 790 exact duplicate rows
    assert counts.times.rows == 13_569 - 790
    assert all(0 <= m < 1440 for _, m in counts.attendance_minutes)


def test_redbridge_records_are_counted_by_category(shared_data):
    crimes = read_redbridge(shared_data)
    assert sum(crimes.values()) == 10_065
    assert crimes["violent-crime"] == 2_822
