"""The key file (created 0600) and the append-only head file."""

from __future__ import annotations

import stat
from datetime import UTC, datetime

import pytest

from watchkeeper.access.audit_files import append_head, last_exported_head, load_or_create_key
from watchkeeper.access.ports import ChainHead
from watchkeeper.kernel.errors import ConfigurationError

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_a_missing_key_file_is_created_readable_only_by_its_owner_and_then_reused(tmp_path):
    path = tmp_path / "audit.key"

    key = load_or_create_key(path)

    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key


def test_a_key_file_that_is_not_hex_is_a_configuration_error(tmp_path):
    path = tmp_path / "audit.key"
    path.write_text("not hex")

    with pytest.raises(ConfigurationError, match="does not hold a hex key"):
        load_or_create_key(path)


def test_heads_are_appended_and_the_last_one_is_read_back(tmp_path):
    path = tmp_path / "audit.head"
    assert last_exported_head(path) is None

    append_head(path, ChainHead(3, "a" * 64), T0)
    append_head(path, ChainHead(7, "b" * 64), T0)

    assert last_exported_head(path) == ChainHead(7, "b" * 64)
    assert len(path.read_text().splitlines()) == 2
