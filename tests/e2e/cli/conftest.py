"""Black-box fixtures for the command line: the real console script, run as a subprocess.

Every test gets its own working directory (``tmp_path``) and its own database, chosen the way
a user chooses it: ``WATCHKEEPER_DATABASE_URL``. Nothing here imports the application except
to read the migration head (an oracle for ``db current``). Who the commands act as is decided
in ONE place, the ``operator`` fixture below.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

# The console script installed beside this interpreter (the venv's ``watchkeeper``).
WATCHKEEPER = Path(sys.executable).with_name("watchkeeper")
TIMEOUT_S = 60  # a single command; real-file imports take a few seconds

# The first rows of the real San Luis Obispo log (SLOPD_report_2021-10.csv), byte for byte,
# including the CR the scraper leaves inside the quoted `units` value and the CRLF record ends.
SLO_HEADER = (
    "case_number,date,received,dispatched,arrived,cleared,type,grid_location,location,"
    "address,observed_crime,responsible_officer,units,description,call_comments,clearance_code"
)
SLO_ROWS = (
    '211001001,10/01/21,00:02,,00:03,,9-1-1 ABANDON,PN5,"K-09; U:19, San Luis Ob",'
    '768 HIGUERA;,,"Lichty, S","COM1\r",incid#=211001001 Completed call disp:NR clr:NR '
    "call=2l,SOUNDS OF DOWNTOWN,No Report",
    '211001002,10/01/21,00:02,,00:07,,Medical,PN5,"K-09, San Luis Obi",HIGUERA & GARDEN;,'
    '"Assault No Weapon, Agg Injury","Sanchez, N","4249,4236,S6\r",(MDC) Completed call '
    "incid#=211001002 call=1l,C3 POSS BROKEN,Report Approved/",
    '211001006,10/01/21,00:55,01:40,01:47,,Welfare Check,PN8,"F-14, San Luis O",'
    '1588 MADONNA # 109;,Welfare Check,"Amaya, F","4257,4249\r",(MDC) Completed call '
    "incid#=211001006 call=8l,SPANISH SPEAKING RP,No Report",
)


def write_csv(path: Path, header: str, rows: list[str] | tuple[str, ...]) -> Path:
    """A CAD export as the real ones are written: CRLF record ends."""
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("utf-8"))
    return path


E2E_PASSWORD = "e2e-duty-inspector-password"  # a throwaway account in a throwaway database


@dataclass(frozen=True)
class Operator:
    """How a command names who is acting: global options, environment, first-time setup."""

    env: dict[str, str]  # always applied
    args: tuple[str, ...] = ()  # global options before every command...
    after_demo_args: tuple[str, ...] = ()  # ...and once `watchkeeper demo` has seeded accounts
    # Commands (argv, stdin) run right after `db upgrade` in fixtures that do not run `demo`:
    # they create the account ``args`` names.
    setup: tuple[tuple[tuple[str, ...], str | None], ...] = ()


@pytest.fixture(scope="session")
def operator() -> Operator:
    """THE one place that decides who the CLI acts as in these tests.

    ``--as USER`` names a stored, enabled account. Databases that get no demo data have
    their first account created with ``users add`` (the first account needs no operator);
    ``watchkeeper demo`` seeds its own ``supervisor`` (and one account per role).
    Before accounts existed, the interim mechanism was the environment:
    ``env={"WATCHKEEPER_OPERATOR_ROLE": "control-room-supervisor"}`` with no ``args``/``setup``.
    """
    add_supervisor = (
        "users",
        "add",
        "supervisor",
        "--role",
        "control-room-supervisor",
        "--display-name",
        "E2E Duty Inspector",
        "--password-stdin",
    )
    return Operator(
        env={},
        args=("--as", "supervisor"),
        after_demo_args=("--as", "supervisor"),
        setup=((add_supervisor, E2E_PASSWORD + "\n"),),
    )


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> Any:
        return json.loads(self.stdout)

    def error_lines(self) -> list[str]:
        """The non-blank lines the command printed to stderr."""
        return [line for line in self.stderr.splitlines() if line.strip()]


@dataclass
class Watchkeeper:
    """The ``watchkeeper`` console script, run in one directory against one database."""

    cwd: Path
    database_url: str
    operator: Operator
    env: dict[str, str] = field(default_factory=dict)  # extra WATCHKEEPER_* for every run
    accounts_seeded: bool = False

    def _argv_env(self, args: tuple[str, ...], env: dict[str, str] | None) -> Any:
        # Nothing from the caller's shell may leak in (a stray WATCHKEEPER_FORCE_PROFILE...).
        base = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEPER_")}
        full_env = {
            **base,
            "COLUMNS": "200",  # Rich wraps to the terminal width; keep lines whole
            "NO_COLOR": "1",
            "TERM": "dumb",
            **self.operator.env,
            "WATCHKEEPER_DATABASE_URL": self.database_url,
            **self.env,
            **(env or {}),
        }
        who = self.operator.after_demo_args if self.accounts_seeded else self.operator.args
        return [str(WATCHKEEPER), *who, *args], full_env

    def run(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        timeout: float = TIMEOUT_S,
        stdin: str | None = None,
    ) -> Outcome:
        argv, full_env = self._argv_env(args, env)
        # Never the test runner's terminal: a prompt fails instead of hanging.
        feed: dict[str, Any] = (
            {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
        )
        done = subprocess.run(
            argv,
            cwd=self.cwd,
            env=full_env,
            **feed,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Outcome(done.returncode, done.stdout, done.stderr)

    def together(self, *commands: tuple[str, ...], timeout: float = TIMEOUT_S) -> list[Outcome]:
        """Start several commands at once (two operators at two terminals); wait for all."""
        started = []
        for args in commands:
            argv, full_env = self._argv_env(args, None)
            started.append(
                subprocess.Popen(
                    argv,
                    cwd=self.cwd,
                    env=full_env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        outcomes = []
        for process in started:
            out, err = process.communicate(timeout=timeout)
            outcomes.append(Outcome(process.returncode, out, err))
        return outcomes

    def ok(self, *args: str, **kwargs: Any) -> Outcome:
        """Run a command that must succeed."""
        outcome = self.run(*args, **kwargs)
        assert outcome.returncode == 0, (
            f"watchkeeper {' '.join(args)} exited {outcome.returncode}\n{outcome.output}"
        )
        return outcome

    def fails(self, *args: str, **kwargs: Any) -> Outcome:
        """Run a command that must fail cleanly: non-zero exit, one line, no traceback."""
        outcome = self.run(*args, **kwargs)
        assert outcome.returncode != 0, f"watchkeeper {' '.join(args)} succeeded\n{outcome.output}"
        assert "Traceback" not in outcome.output, outcome.output
        lines = outcome.error_lines()
        assert len(lines) == 1, f"expected one error line, got:\n{outcome.stderr}"
        assert lines[0].startswith("error: "), lines[0]
        return outcome

    def demo(self, *args: str) -> Outcome:
        """Generate and load demo data (which seeds the demo accounts once accounts exist)."""
        outcome = self.ok("demo", *args)
        self.accounts_seeded = True
        return outcome

    def count(self, table: str) -> int:
        """Rows in a table of this test's database (to prove nothing changed)."""
        engine = sa.create_engine(_with_driver(self.database_url))
        try:
            with engine.connect() as conn:
                return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
        finally:
            engine.dispose()


def _with_driver(url: str) -> str:
    parsed = sa.engine.make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _watchkeeper(directory: Path, url: str, operator: Operator) -> Watchkeeper:
    assert WATCHKEEPER.exists(), f"console script not installed at {WATCHKEEPER}"
    work = directory / "work"
    work.mkdir()
    return Watchkeeper(work, url, operator)


def _migrated(wk: Watchkeeper, *, seed_operator: bool = True) -> Watchkeeper:
    wk.ok("db", "upgrade")
    for command, stdin in wk.operator.setup if seed_operator else ():
        wk.ok(*command, stdin=stdin)
    return wk


def _sqlite(directory: Path, operator: Operator, *, seed_operator: bool = True) -> Watchkeeper:
    url = f"sqlite:///{directory / 'work' / 'watchkeeper.db'}"
    return _migrated(_watchkeeper(directory, url, operator), seed_operator=seed_operator)


@pytest.fixture
def bare_cli(database_url: str, tmp_path: Path, operator: Operator) -> Watchkeeper:
    """The CLI on an empty database (no schema yet), on SQLite and on PostgreSQL."""
    return _watchkeeper(tmp_path, database_url, operator)


@pytest.fixture
def cli(tmp_path: Path, operator: Operator) -> Watchkeeper:
    """The CLI on a migrated, empty SQLite file in the working directory."""
    return _sqlite(tmp_path, operator)


@pytest.fixture
def unmigrated_cli(tmp_path: Path, operator: Operator) -> Watchkeeper:
    """The CLI on a SQLite file that does not exist yet (for errors raised before any query)."""
    return _watchkeeper(tmp_path, f"sqlite:///{tmp_path / 'work' / 'watchkeeper.db'}", operator)


@pytest.fixture
def any_engine_cli(bare_cli: Watchkeeper) -> Watchkeeper:
    """The CLI on a migrated, empty database, on SQLite and on PostgreSQL."""
    return _migrated(bare_cli)


@pytest.fixture(scope="module")
def demo_cli(tmp_path_factory: pytest.TempPathFactory, operator: Operator) -> Watchkeeper:
    """One small living demo backlog per module (read-only tests share it)."""
    wk = _sqlite(tmp_path_factory.mktemp("demo"), operator, seed_operator=False)
    wk.demo("--hours", "4", "--scale", "0.1")
    return wk


def _import_sample(wk: Watchkeeper) -> Watchkeeper:
    sample = write_csv(wk.cwd / "slo-sample.csv", SLO_HEADER, SLO_ROWS)
    summary = wk.ok("import", "san-luis-obispo", str(sample), "--json").json()
    assert summary["imported"] == len(SLO_ROWS), summary
    return wk


@pytest.fixture(scope="module")
def shared_sample(tmp_path_factory: pytest.TempPathFactory, operator: Operator) -> Watchkeeper:
    """Three real San Luis Obispo calls on SQLite, shared by a module's read-only tests."""
    return _import_sample(_sqlite(tmp_path_factory.mktemp("sample"), operator))


@pytest.fixture
def slo_sample(cli: Watchkeeper) -> Watchkeeper:
    """The CLI (SQLite) with three real San Luis Obispo calls imported."""
    return _import_sample(cli)


@pytest.fixture
def any_engine_slo_sample(any_engine_cli: Watchkeeper) -> Watchkeeper:
    """Three real San Luis Obispo calls imported, on SQLite and on PostgreSQL."""
    return _import_sample(any_engine_cli)


@pytest.fixture
def slo_header() -> str:
    """The real San Luis Obispo header (checked against the real export in test_import)."""
    return SLO_HEADER


@pytest.fixture
def slo_rows() -> tuple[str, ...]:
    """Three real San Luis Obispo records, case numbers 211001001, 211001002, 211001006."""
    return SLO_ROWS


@pytest.fixture
def write_export() -> Any:
    """Write a crafted CAD export (header + records, CRLF ends) and return its path."""
    return write_csv
