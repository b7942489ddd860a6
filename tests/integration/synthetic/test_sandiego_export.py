"""The synthetic San Diego export has the real file's header and shape."""

from __future__ import annotations

from datetime import datetime

import pytest

from watchkeeper.synthetic.real_exports import SAN_DIEGO_CALLS
from watchkeeper.synthetic.sandiego_export import write_san_diego_style_export

pytestmark = pytest.mark.realdata


def test_the_export_header_is_byte_for_byte_the_real_header(shared_data, tmp_path):
    real = (shared_data / SAN_DIEGO_CALLS).read_bytes().split(b"\n", 1)[0]
    path = tmp_path / "cfs.csv"
    write_san_diego_style_export(path, 100, 1, datetime(2023, 1, 1))
    assert path.read_bytes().split(b"\n", 1)[0] == real


def test_the_real_and_synthetic_rows_have_the_same_quoting(shared_data, tmp_path):
    real_row = (shared_data / SAN_DIEGO_CALLS).read_text().split("\n")[1]
    path = tmp_path / "cfs.csv"
    write_san_diego_style_export(path, 10, 1, datetime(2023, 1, 1))
    synthetic_row = path.read_text().split("\n")[1]
    assert real_row.count('","') == synthetic_row.count('","') == 13
