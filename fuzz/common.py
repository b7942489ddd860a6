"""Shared machinery of the coverage-guided fuzz harnesses (atheris, i.e. libFuzzer for Python).

Every harness feeds bytes to one importer or parser and checks its contract: the input is
parsed, or it is refused with the project's own error type (a ``WatchkeeperError`` whose
message says where, or for a CAD export a rejected row naming its line and field). Any other
exception, or a broken contract (:class:`ContractBroken`), escapes to libFuzzer, which stops
and keeps the input under ``artifacts/fuzz/<harness>/`` as ``crash-<sha1>``.

Run one harness: ``python fuzz/fuzz_<name>.py -max_total_time=60`` (any libFuzzer flag works).
With no corpus directory given, the seeds are written to ``<ARTIFACTS>/<harness>/corpus``
and libFuzzer grows that corpus; given a file instead, the harness replays just that input.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import atheris  # type: ignore[import-untyped,unused-ignore]

ROOT = Path(__file__).resolve().parents[1]
# The real exports live beside the checkout (as tests/conftest.py expects them).
SHARED_DATA = ROOT.parent / "shared" / "data"
# Corpus and crash inputs: artifacts/fuzz/<harness>/ unless WATCHKEEPER_FUZZ_DIR says where.
ARTIFACTS = Path(os.environ.get("WATCHKEEPER_FUZZ_DIR") or ROOT / "artifacts" / "fuzz")
SEED_BYTES = 4096  # "the first few KB" of each real file, cut back to a whole line


class ContractBroken(AssertionError):
    """The parser answered, but not as its contract says (a finding, like a crash)."""


def require(condition: bool, what: str) -> None:
    if not condition:
        raise ContractBroken(what)


def refusal(exc: BaseException, *named: str) -> None:
    """A refusal must carry a message, and name each of ``named`` (a file, a key ...)."""
    message = str(exc)
    require(bool(message.strip()), f"{type(exc).__name__} refused with an empty message")
    for part in named:
        shown = (part, repr(part)[1:-1])  # named as is, or as its escaped repr
        require(any(s in message for s in shown), f"refusal {message!r} does not name {part!r}")


def head_of(path: Path, size: int = SEED_BYTES) -> bytes:
    """The first ``size`` bytes of a file, cut back to the last whole line."""
    with path.open("rb") as stream:
        data = stream.read(size)
    cut = data.rfind(b"\n")
    return data[: cut + 1] if cut > 0 else data


class Scratch:
    """One scratch file per process, rewritten for each input (parsers that take a path)."""

    def __init__(self, name: str) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="watchkeeper-fuzz-")) / name

    def holding(self, data: bytes) -> Path:
        self.path.write_bytes(data)
        return self.path


def main(name: str, test_one_input: Callable[[bytes], None], seeds: Iterable[bytes]) -> None:
    """Run ``test_one_input`` under libFuzzer with the command line's flags."""
    argv = list(sys.argv)
    where = ARTIFACTS / name
    where.mkdir(parents=True, exist_ok=True)
    if not any(not arg.startswith("-") for arg in argv[1:]):
        corpus = where / "corpus"
        corpus.mkdir(exist_ok=True)
        for index, seed in enumerate(seeds):
            (corpus / f"seed-{index:03d}").write_bytes(seed)
        argv.append(str(corpus))
    if not any(arg.startswith("-artifact_prefix=") for arg in argv):
        argv.insert(1, f"-artifact_prefix={where}/")
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()
