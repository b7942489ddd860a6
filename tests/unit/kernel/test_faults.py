"""Fault points do nothing unless named; named, they log the hit and SIGKILL the process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from watchkeeper.kernel import faults

CHILD = """
from watchkeeper.kernel.faults import fault_point
for n in range(3):
    fault_point("other.point")
    print("before", n, flush=True)
    fault_point("test.point")
    print("after", n, flush=True)
"""


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch):
    for name in (faults.FAULT_POINT_ENV, faults.FAULT_SKIP_ENV, faults.FAULT_LOG_ENV):
        monkeypatch.delenv(name, raising=False)
    faults._armed.cache_clear()
    yield
    faults._armed.cache_clear()


def _child(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEPER_")}
    return subprocess.run(
        [sys.executable, "-c", CHILD], env=base | env, capture_output=True, text=True,
        timeout=60, check=False, cwd=tmp_path,
    )  # fmt: skip


def test_a_fault_point_does_nothing_when_no_point_is_armed():
    faults.fault_point("uow.before-commit")  # still running: nothing happened


def test_a_fault_point_does_nothing_when_another_point_is_armed(monkeypatch):
    monkeypatch.setenv(faults.FAULT_POINT_ENV, "import.mid-batch")

    faults.fault_point("uow.before-commit")


def test_the_armed_point_logs_its_name_then_kills_the_process_with_sigkill(tmp_path):
    log = tmp_path / "faults.log"

    done = _child(tmp_path, WATCHKEEPER_FAULT_POINT="test.point", WATCHKEEPER_FAULT_LOG=str(log))

    assert done.returncode == -signal.SIGKILL
    assert done.stdout.split("\n")[:1] == ["before 0"]
    assert "after" not in done.stdout
    assert log.read_text() == "test.point\n"


def test_the_armed_point_lets_the_skipped_hits_pass_first(tmp_path):
    done = _child(tmp_path, WATCHKEEPER_FAULT_POINT="test.point", WATCHKEEPER_FAULT_SKIP="2")

    assert done.returncode == -signal.SIGKILL
    assert done.stdout.splitlines() == ["before 0", "after 0", "before 1", "after 1", "before 2"]
