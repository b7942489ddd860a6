"""Coverage-guided fuzzing (issue 8 part 5): every atheris harness in ``fuzz/``, briefly.

Each harness runs in its own process for ``WATCHKEEPER_FUZZ_SECONDS`` (3 s here, 60 s from
``make fuzz``) and must end clean: libFuzzer exits 0, it ran inputs, and it wrote no crash
input. A crash's traceback and the input's path are in the failure message. Without atheris
these tests skip, unless ``WATCHKEEPER_REQUIRE_FUZZ=1``; the importer harnesses seed from the
real exports in ../shared/data and skip when those are absent. Each run's figures (inputs
run, seconds, new coverage) are appended to ``WATCHKEEPER_FUZZ_REPORT`` when that names a file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FUZZ = ROOT / "fuzz"
SHARED_DATA = ROOT.parent / "shared" / "data"
HARNESSES = sorted(p.stem.removeprefix("fuzz_") for p in FUZZ.glob("fuzz_*.py"))
NEEDS_REAL_DATA = {
    "import_san_diego": "sandiego-pd-cfs",
    "import_san_luis_obispo": "slo-pd-call-log",
    "import_seattle": "seattle-spd-call-data-extract",
}
# The inputs libFuzzer keeps when a harness fails: a crash, a hang, memory exhausted.
FINDINGS = ("crash-", "timeout-", "oom-", "leak-")
DONE = re.compile(r"Done (\d+) runs in (\d+) second")


def _seconds() -> int:
    return int(os.environ.get("WATCHKEEPER_FUZZ_SECONDS", "3"))


def _require_atheris() -> None:
    if importlib.util.find_spec("atheris") is not None:
        return
    if os.environ.get("WATCHKEEPER_REQUIRE_FUZZ") == "1":
        pytest.fail("WATCHKEEPER_REQUIRE_FUZZ=1 but atheris is not installed (pip install atheris)")
    pytest.skip("atheris is not installed: coverage-guided fuzzing skipped")


def test_every_harness_is_listed() -> None:
    """The importer harnesses and the five document parsers each have a harness."""
    expected = {*NEEDS_REAL_DATA, "entry_document", "dash_answers", "framework_toml"}
    expected |= {"findings_yaml", "scenario_toml"}
    assert expected <= set(HARNESSES), sorted(expected - set(HARNESSES))


@pytest.mark.parametrize("harness", HARNESSES)
def test_harness_runs_clean(harness: str, tmp_path: Path) -> None:
    _require_atheris()
    folder = NEEDS_REAL_DATA.get(harness)
    if folder and not (SHARED_DATA / folder).is_dir():
        pytest.skip(f"real export {folder} not found in {SHARED_DATA}: no seeds for {harness}")
    where = ROOT / (os.environ.get("WATCHKEEPER_FUZZ_DIR") or tmp_path)
    seconds = _seconds()
    done = subprocess.run(
        [
            sys.executable,
            str(FUZZ / f"fuzz_{harness}.py"),
            f"-max_total_time={seconds}",
            "-timeout=10",  # one input taking longer is a hang: a finding like a crash
            "-rss_limit_mb=2048",
            "-print_final_stats=1",
        ],
        cwd=ROOT,
        env={**os.environ, "WATCHKEEPER_FUZZ_DIR": str(where)},
        capture_output=True,
        text=True,
        errors="replace",
        timeout=seconds + 120,
        check=False,
    )
    output = done.stdout + done.stderr
    kept = (where / harness).iterdir() if (where / harness).is_dir() else iter(())
    crashes = sorted(p.name for p in kept if p.name.startswith(FINDINGS))
    assert done.returncode == 0 and not crashes, (
        f"fuzz harness {harness} found a defect (inputs kept in {where / harness}: {crashes}):\n"
        + output[-4000:]
    )
    ran = DONE.search(output)
    assert ran is not None, f"{harness}: libFuzzer did not report its runs:\n{output[-2000:]}"
    runs = int(ran.group(1))
    assert runs > 0, f"{harness}: no input was run"
    coverage = re.findall(r"cov: (\d+)", output)
    _report(harness, runs, int(ran.group(2)), int(coverage[-1]) if coverage else 0)


def _report(harness: str, runs: int, seconds: int, coverage: int) -> None:
    target = os.environ.get("WATCHKEEPER_FUZZ_REPORT")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        line = {"harness": harness, "runs": runs, "seconds": seconds, "coverage": coverage}
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
