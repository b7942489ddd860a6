"""docs/operations.md is true: its commands run, in order, and do what it says.

Every ``bash`` block is run as one script (``set -euo pipefail``) in a fresh folder on a
fresh SQLite database, with the virtual environment's ``bin`` first on PATH; the
``bash postgres`` block runs against a fresh PostgreSQL database, its example URL replaced.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

RUNBOOK = Path(__file__).resolve().parents[3] / "docs" / "operations.md"
BLOCK = re.compile(r"^```([a-z]+)([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
EXAMPLE_URL = "postgresql+psycopg://watchkeeper@127.0.0.1:5432/watchkeeper"


def _blocks(tag: str) -> list[str]:
    text = RUNBOOK.read_text(encoding="utf-8")
    return [body for lang, info, body in BLOCK.findall(text) if f"{lang}{info}".strip() == tag]


def _run(script: str, folder: Path, extra: dict[str, str] | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEPER_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra or {})
    return subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + script], cwd=folder, env=env,
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def test_the_runbook_shows_each_operation_it_promises():
    text = RUNBOOK.read_text(encoding="utf-8")
    for heading in ("Deploy on PostgreSQL", "Upgrade with migrations", "Back up", "Restore",
                    "Rotate the field-encryption keys", "What to watch"):  # fmt: skip
        assert heading in text
    commands = "\n".join(_blocks("bash"))
    for needed in ("watchkeeper db upgrade", "backup ", "restore ", "--verify", "keys rotate",
                   "retention review", "retention decide", "subject-access"):  # fmt: skip
        assert needed in commands, needed


def test_the_sqlite_walkthrough_runs_from_start_to_end(tmp_path):
    done = _run("\n".join(_blocks("bash")), tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "database at revision" in out
    assert "backup written to watchkeeper-backup.tar.gz" in out
    assert "restore verified: every table's count and SHA-256 match" in out
    assert "audit chain sound" in out
    assert "keys rotated:" in out
    assert "records due for review" in out
    with tarfile.open(tmp_path / "watchkeeper-backup.tar.gz") as archive:
        names = archive.getnames()
    assert "manifest.json" in names and "tables/incidents.jsonl" in names
    assert (tmp_path / "keys" / "fields.key").stat().st_mode & 0o077 == 0
    due = json.loads((tmp_path / "due.json").read_text())
    assert due["due"], "the demo incidents are due for review by 2040"
    restored = sa.create_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    with restored.connect() as conn:
        decided = conn.execute(sa.text("SELECT record_id, decision FROM retention_decisions"))
        assert [tuple(r) for r in decided] == [(due["due"][0]["record_id"], "retain")]
    restored.dispose()
    sar = json.loads((tmp_path / "sar-demo-p-00002.json").read_text())
    assert sar["subject"] == "demo-p-00002"
    assert (tmp_path / "sar-demo-p-00002.json").stat().st_mode & 0o077 == 0


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_postgresql_deployment_block_runs(database_url, tmp_path):
    (block,) = _blocks("bash postgres")
    assert EXAMPLE_URL in block
    keys = {
        "WATCHKEEPER_AUDIT_KEY_FILE": str(tmp_path / "audit.key"),
        "WATCHKEEPER_AUDIT_HEAD_FILE": str(tmp_path / "audit.head"),
        "WATCHKEEPER_FIELD_KEY_FILE": str(tmp_path / "fields.key"),
    }
    done = _run(block.replace(EXAMPLE_URL, database_url), tmp_path, keys)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "account admin created (administrator)" in done.stdout
    assert "audit chain sound" in done.stdout
