"""Path traversal in the file-taking commands, found from the Typer app at test time.

No command restricts where its operator may write (the operator names the file, as with
``cp``), so the rule probed is: a command writes its named output and nothing else, never
outside it (an output named through ``..`` lands exactly where it resolves, and an output
folder gets files only inside it); an output that exists is refused and left as it was; an
input or a name with ``..`` or an absolute path outside the work area is refused with a
clear error (a WatchkeeperError or a usage error, never another exception), writing
nothing. Every command with a Path parameter must have a probe here.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from watchkeeper.bootstrap import build
from watchkeeper.cli.demo_commands import seed_demo_accounts
from watchkeeper.cli.main import app
from watchkeeper.kernel.errors import WatchkeeperError
from watchkeeper.persistence import schema
from watchkeeper.settings import Settings

DEMO_SCENARIO = Path(__file__).resolve().parents[3] / "scenarios" / "demo.toml"


class FastHasher:
    def hash(self, password: str) -> str:
        return f"fake${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"fake${password}"


def _path_commands() -> dict[str, list[str]]:
    """'group command' -> its parameters typed Path (or Path | None, list[Path])."""
    found: dict[str, list[str]] = {}

    def walk(command: Any, prefix: list[str]) -> None:
        if hasattr(command, "commands"):  # a group (Typer's own click)
            for name, sub in command.commands.items():
                walk(sub, [*prefix, name])
            return
        callback = command.callback
        while callback is not None and hasattr(callback, "__wrapped__"):
            callback = callback.__wrapped__
        if callback is None:
            return
        hints = typing.get_type_hints(callback, include_extras=False)
        names = [
            n for n in inspect.signature(callback).parameters if "Path" in str(hints.get(n, ""))
        ]
        if names:
            found[" ".join(prefix)] = names

    walk(typer.main.get_command(app), [])
    return found


class Sandbox:
    """A database and key files in ``db/``, the operator's folder ``work/`` (the current
    directory) and a sibling ``outside/``: the probes watch ``work`` and ``outside``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runs = 0
        for name in ("db", "work", "outside"):
            (root / name).mkdir()
        url = f"sqlite:///{root / 'db' / 'wk.db'}"
        schema.upgrade(url)
        self.env = {
            "WATCHKEEPER_DATABASE_URL": url,
            "WATCHKEEPER_AUDIT_KEY_FILE": str(root / "db" / "audit.key"),
            "WATCHKEEPER_AUDIT_HEAD_FILE": str(root / "db" / "audit.head"),
            "WATCHKEEPER_FIELD_KEY_FILE": str(root / "db" / "field.keys"),
            "WATCHKEEPER_OPERATOR": "",
        }
        settings = Settings(
            database_url=url,
            force_profile_path=None,
            audit_key_file=root / "db" / "audit.key",
            audit_head_file=root / "db" / "audit.head",
        )
        application = build(settings, hasher=FastHasher())
        seed_demo_accounts(application)
        application.close()
        (root / "outside" / "keep.txt").write_text("not to be touched\n")

    def files(self) -> dict[str, str]:
        seen = {}
        for top in ("work", "outside"):
            for path in (self.root / top).rglob("*"):
                if path.is_file():
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                    seen[str(path.relative_to(self.root))] = digest
        return seen

    def run(self, *args: str) -> Any:
        self.runs += 1
        return CliRunner().invoke(app, list(args), env=self.env)


def _explained(result: Any) -> bool:
    """Refused with a clear message: our error type, or click's usage error (exit 2)."""
    if result.exit_code == 0:
        return False
    return isinstance(result.exception, WatchkeeperError) or (
        isinstance(result.exception, SystemExit) and result.exit_code == 2
    )


def _writes_only(box: Sandbox, args: list[str], allowed: str, new_only: bool = False) -> list[str]:
    """Run; every file created or changed must be ``allowed`` (a file) or under it.

    ``new_only``: the command promises never to replace an existing output (backups,
    subject-access exports); run again, it must refuse and leave the file as it was."""
    before = box.files()
    result = box.run(*args)
    after = box.files()
    changed = {k for k, v in after.items() if before.get(k) != v}
    problems = [] if result.exit_code == 0 else [f"{args}: failed: {result.output[-500:]}"]
    stray = [c for c in changed if not (c == allowed or c.startswith(allowed + "/"))]
    problems += [f"{args}: wrote {c} outside {allowed}" for c in stray]
    if not changed:
        problems.append(f"{args}: wrote nothing at all")
    if new_only:
        again = box.run(*args)  # the output now exists: refused, and left as it was
        if again.exit_code == 0 or box.files() != after:
            problems.append(f"{args}: an existing output was overwritten or not refused")
    return problems


def _refuses(box: Sandbox, args: list[str]) -> list[str]:
    before = box.files()
    result = box.run(*args)
    problems = []
    if not _explained(result):
        problems.append(
            f"{args}: exit {result.exit_code}, {type(result.exception).__name__}: "
            f"{str(result.exception)[:200]}"
        )
    if box.files() != before:
        problems.append(f"{args}: wrote files although refused")
    return problems


Probe = Callable[[Sandbox], list[str]]
ESCAPE = "../outside"  # relative to the work folder, the operator's current directory
ETC = "/etc/passwd"


def _bad_csv(box: Sandbox) -> str:
    target = box.root / "work" / "calls.csv"
    target.write_text("not,a,cad,export\n1,2,3,4\n")
    return str(target)


PROBES: dict[str, Probe] = {
    "import": lambda box: (
        _refuses(box, ["--as", "supervisor", "import", "../../../../etc/passwd", _bad_csv(box)])
        + _refuses(box, ["--as", "supervisor", "import", "san-luis-obispo", ETC])
        + _refuses(box, ["--as", "supervisor", "import", "san-luis-obispo", f"{ESCAPE}/none.csv"])
    ),
    "backup": lambda box: _writes_only(
        box, ["--as", "admin", "backup", f"{ESCAPE}/b.tar.gz"], "outside/b.tar.gz", new_only=True
    ),
    "restore": lambda box: (
        # archives with ../ or absolute members: tests/integration/persistence/test_backup.py
        _refuses(box, ["--as", "admin", "restore", ETC])
        + _refuses(box, ["--as", "admin", "restore", f"{ESCAPE}/keep.txt"])
    ),
    "subject-access": lambda box: _writes_only(
        box,
        ["--as", "auditor", "subject-access", "V-1", "--out", f"{ESCAPE}/sar.json"],
        "outside/sar.json",
        new_only=True,
    ),
    "assess": lambda box: (
        _writes_only(
            box,
            [
                "--as",
                "analyst",
                "assess",
                "--force",
                "west-midlands",
                "--period",
                "2026-10",
                "--format",
                "json",
                "--out",
                f"{ESCAPE}/a.json",
            ],
            "outside/a.json",
        )
        + _refuses(
            box,
            [
                "--as",
                "analyst",
                "assess",
                "--force",
                "../../etc/passwd",
                "--period",
                "2026-10",
                "--format",
                "json",
            ],
        )
        + _refuses(
            box,
            [
                "--as",
                "analyst",
                "assess",
                "--force",
                "west-midlands",
                "--period",
                "2026-10",
                "--framework",
                "../../../../etc/x.toml",
            ],
        )
    ),
    "findings import": lambda box: (
        _refuses(box, ["--as", "analyst", "findings", "import", ETC])
        + _refuses(box, ["--as", "analyst", "findings", "import", f"{ESCAPE}/keep.txt"])
    ),
    "simulate run": lambda box: (
        _writes_only(
            box,
            [
                "simulate",
                "run",
                str(DEMO_SCENARIO),
                "--replications",
                "1",
                "--hours",
                "2",
                "--out",
                f"{ESCAPE}/sim",
            ],
            "outside/sim",
        )
        + _refuses(box, ["simulate", "run", ETC, "--out", "sim2"])
    ),
    "armed report": lambda box: _writes_only(
        box, ["--as", "analyst", "armed", "report", "--out", f"{ESCAPE}/armed"], "outside/armed"
    ),
    "staffing": lambda box: _refuses(box, ["staffing", ETC]),
    "calibrate": lambda box: _refuses(box, ["calibrate", "--data-dir", f"{ESCAPE}/nothing"]),
}


def test_every_file_taking_command_has_a_traversal_probe():
    commands = _path_commands()

    assert set(commands) - set(PROBES) == set(), "add a probe for each new file-taking command"
    assert len(commands) >= 8


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """One sandbox for every probe (each writes under its own name), run from ``work/``."""
    sandbox = Sandbox(tmp_path_factory.mktemp("paths"))
    previous = Path.cwd()
    os.chdir(sandbox.root / "work")
    try:
        yield sandbox
    finally:
        os.chdir(previous)


@pytest.mark.parametrize("command", sorted(PROBES))
def test_a_file_taking_command_writes_only_its_named_output(command, box, tally):
    runs = box.runs
    problems = PROBES[command](box)
    tally.probes += box.runs - runs

    assert problems == [], "\n".join(problems)
