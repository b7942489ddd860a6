"""Crash-safety harness: a store on each engine, processes to kill, and what must survive.

Processes are killed with SIGKILL, either by a named fault point in the code
(``watchkeeper.kernel.faults``: WATCHKEEPER_FAULT_POINT / _SKIP / _LOG) or by this harness
after a random delay. Sizes come from the environment so CI stays quick and
``make reliability`` runs the full count:

- ``WATCHKEEPER_CRASH_KILLS``: kills per test per engine (default 6).
- ``WATCHKEEPER_CRASH_SEED``: the random seed (default: a fresh one, printed, so a failing
  run can be repeated exactly).
- ``WATCHKEEPER_CRASH_REPORT``: a file to append one JSON line per test with its tally.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import pytest
import sqlalchemy as sa

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import Application, build
from watchkeeper.cli.demo_commands import seed_demo_accounts
from watchkeeper.incidents.model import Incident, derive_state
from watchkeeper.kernel.clock import SystemClock
from watchkeeper.kernel.faults import FAULT_LOG_ENV, FAULT_POINT_ENV, FAULT_SKIP_ENV
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence import schema
from watchkeeper.persistence.cad_import.importer import import_files
from watchkeeper.persistence.cad_import.profile import load_profile
from watchkeeper.persistence.entry_sealing import sealer_for
from watchkeeper.persistence.repository import SqlIncidentRepository, entry_from_row
from watchkeeper.persistence.tables import audit_log, incident_entries, incidents
from watchkeeper.settings import Settings

KILLED = -signal.SIGKILL
AUDITOR = Actor("auditor", Role.AUDITOR, "cli")
SLO_FILES = (
    "SLOPD_report_2021-10.csv",
    "SLOPD_report_2021-11.csv",
    "SLOPD_report_2021-12.csv",
    "SLOPD_report_2022-01.csv",
)
IMPORT_BATCH = 1000  # the same in the reference and in every crashed run: batches line up


class FastHasher:
    """Argon2 is deliberately slow; these accounts only act as operators, never sign in."""

    def hash(self, password: str) -> str:
        return f"fake${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"fake${password}"


@pytest.fixture
def crash_kills() -> int:
    return int(os.environ.get("WATCHKEEPER_CRASH_KILLS", "6"))


@pytest.fixture
def crash_rng() -> random.Random:
    seed = int(os.environ.get("WATCHKEEPER_CRASH_SEED") or random.SystemRandom().randrange(10**9))
    print(f"crash seed: WATCHKEEPER_CRASH_SEED={seed}")
    return random.Random(seed)


@dataclass
class Tally:
    """Kills performed and fault points hit, reported at the end of each test."""

    test: str
    engine: str
    kills: Counter[str] = field(default_factory=Counter)
    points_hit: Counter[str] = field(default_factory=Counter)
    survived_runs: int = 0  # random-delay runs that finished before the kill landed

    def report(self) -> None:
        line = {
            "test": self.test,
            "engine": self.engine,
            "kills": sum(self.kills.values()),
            "by_cause": dict(self.kills),
            "fault_points_hit": dict(self.points_hit),
            "finished_before_random_kill": self.survived_runs,
        }
        print("crash tally:", json.dumps(line))
        target = os.environ.get("WATCHKEEPER_CRASH_REPORT")
        if target:
            with Path(target).open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(line) + "\n")


@dataclass
class Run:
    """One child process's outcome."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def killed(self) -> bool:
        return self.returncode == KILLED


class CrashStore:
    """A migrated store with demo accounts, and the means to crash processes against it."""

    def __init__(self, database_url: str, directory: Path) -> None:
        self.url = database_url
        self.dir = directory
        self.fault_log = directory / "faults.log"
        self.settings = Settings(
            database_url=database_url,
            force_profile_path=None,
            audit_key_file=directory / "audit.key",
            audit_head_file=directory / "audit.head",
            field_key_file=directory / "fields.key",  # children read and write with it too
        )
        schema.upgrade(database_url)
        self.app: Application = build(self.settings, SystemClock(), hasher=FastHasher())
        seed_demo_accounts(self.app)
        self.app.audit.export_head()  # so verify also proves the chain was not truncated

    @property
    def engine_name(self) -> str:
        return self.app.engine.dialect.name

    def env(self, point: str | None = None, skip: int = 0) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEPER_")}
        env |= {
            "WATCHKEEPER_DATABASE_URL": self.url,
            "WATCHKEEPER_AUDIT_KEY_FILE": str(self.settings.audit_key_file),
            "WATCHKEEPER_AUDIT_HEAD_FILE": str(self.settings.audit_head_file),
            "WATCHKEEPER_FIELD_KEY_FILE": str(self.settings.field_key_file),
        }
        if point is not None:
            env |= {
                FAULT_POINT_ENV: point,
                FAULT_SKIP_ENV: str(skip),
                FAULT_LOG_ENV: str(self.fault_log),
            }
        return env

    def faults_logged(self) -> list[str]:
        return self.fault_log.read_text().splitlines() if self.fault_log.exists() else []

    def run(self, args: list[str], point: str | None = None, skip: int = 0) -> Run:
        """Run a child to its end (or to the fault point that kills it)."""
        done = subprocess.run(
            args, env=self.env(point, skip), cwd=self.dir, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        return Run(done.returncode, done.stdout, done.stderr)

    def run_and_kill(self, args: list[str], delay: float, wait_for: str | None = None) -> Run:
        """Start a child, wait for a line (if asked) and ``delay`` seconds, then SIGKILL it."""
        child = subprocess.Popen(
            args, env=self.env(), cwd=self.dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        head = ""
        if wait_for is not None:
            assert child.stdout is not None
            head = child.stdout.readline()
            assert head.startswith(wait_for), f"child said {head!r}, not {wait_for!r}"
        time.sleep(delay)
        child.kill()  # SIGKILL on POSIX; a no-op if it has already exited
        stdout, stderr = child.communicate(timeout=60)
        return Run(child.returncode, head + stdout, stderr)

    def cli(self, *args: str, point: str | None = None, skip: int = 0) -> Run:
        return self.run([sys.executable, "-m", "watchkeeper.cli.main", *args], point, skip)

    def cli_args(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "watchkeeper.cli.main", *args]

    # --- what must hold after every crash --------------------------------------------------

    def versions(self) -> dict[str, int]:
        with self.app.engine.connect() as connection:
            rows = connection.execute(sa.select(incidents.c.id, incidents.c.version))
            return {row.id: row.version for row in rows}

    def half_written(self) -> list[tuple[str, int, int, int, int]]:
        """Incidents whose log is not exactly entries 1..version: (id, version, n, min, max)."""
        e = incident_entries.c
        query = (
            sa.select(
                incidents.c.id,
                incidents.c.version,
                sa.func.count(e.seq),
                sa.func.coalesce(sa.func.min(e.seq), 0),
                sa.func.coalesce(sa.func.max(e.seq), 0),
            )
            .select_from(incidents.outerjoin(incident_entries, e.incident_id == incidents.c.id))
            .group_by(incidents.c.id, incidents.c.version)
        )
        with self.app.engine.connect() as connection:
            rows = connection.execute(query).all()
            orphans = connection.execute(
                sa.select(sa.func.count())
                .select_from(incident_entries)
                .where(~e.incident_id.in_(sa.select(incidents.c.id)))
            ).scalar_one()
        assert orphans == 0, f"{orphans} log entries belong to no incident"
        return [tuple(r) for r in rows if not (r[2] == r[1] and r[3] == 1 and r[4] == r[1])]

    def folded(self, sample: int = 50) -> dict[str, Incident]:
        """Every stored log, folded; asserts each projection row matches its fold.

        All logs are read in one query (the repository's own row mapping); a random sample
        is also opened one by one through the repository and must read back the same.
        """
        with self.app.engine.connect() as connection:
            projections = {row.id: row for row in connection.execute(sa.select(incidents))}
            rows = connection.execute(
                sa.select(incident_entries).order_by(
                    incident_entries.c.incident_id, incident_entries.c.seq
                )
            ).all()
            sealer = sealer_for(connection)  # personal fields are sealed (issue 8 part 6)
            logs = {
                incident_id: Incident(
                    IncidentId(incident_id), [entry_from_row(r, sealer) for r in group]
                )
                for incident_id, group in groupby(rows, key=lambda r: r.incident_id)
            }
            repository = SqlIncidentRepository(connection)
            for incident_id in random.sample(sorted(logs), min(sample, len(logs))):
                assert repository.get(IncidentId(incident_id)).entries == logs[incident_id].entries
        assert set(logs) == set(projections), "incidents without a log, or logs without a row"
        mismatched = []
        for incident_id, log in logs.items():
            state, row = derive_state(tuple(log.entries)), projections[incident_id]
            stored = (row.status, row.logged_at, row.closed_at, row.version)
            if stored != (state.status.value, state.logged_at, state.closed_at, log.version):
                mismatched.append((incident_id, stored))
        assert not mismatched, f"projection differs from the fold of its log: {mismatched[:5]}"
        return logs

    def import_fingerprint(self) -> dict[str, tuple[object, ...]]:
        """Each incident by its source reference: what a resumed import must reproduce exactly.

        (version, status, logged_at, closed_at, the kinds of its entries in order); checks
        every projection against its fold on the way (see ``folded``).
        """
        logs = self.folded()
        with self.app.engine.connect() as connection:
            rows = connection.execute(
                sa.select(incidents.c.id, incidents.c.source_system, incidents.c.source_ref)
            )
            refs = {row.id: f"{row.source_system}/{row.source_ref}" for row in rows}
        fingerprint: dict[str, tuple[object, ...]] = {}
        for incident_id, log in logs.items():
            state = derive_state(tuple(log.entries))
            kinds = tuple(entry.payload.kind for entry in log.entries)
            fingerprint[refs[incident_id]] = (
                log.version, state.status.value, state.logged_at, state.closed_at, kinds,
            )  # fmt: skip
        return fingerprint

    def audit_actions(self) -> list[tuple[str, str]]:
        with self.app.engine.connect() as connection:
            rows = connection.execute(
                sa.select(audit_log.c.action, audit_log.c.record_id).order_by(audit_log.c.seq)
            )
            return [(row.action, row.record_id) for row in rows]

    def assert_audit_chain_verifies(self, through_cli: bool = False) -> None:
        result = self.app.audit.verify(AUDITOR)
        assert result.ok, result.problems
        if through_cli:
            done = self.cli("--as", "auditor", "audit", "verify")
            assert done.returncode == 0, done.stdout + done.stderr
            assert "audit chain sound" in done.stdout

    def close(self) -> None:
        self.app.close()


@pytest.fixture
def crash_store(database_url: str, tmp_path: Path) -> Iterator[CrashStore]:
    store = CrashStore(database_url, tmp_path)
    yield store
    store.close()


@pytest.fixture
def tally(request: pytest.FixtureRequest, crash_store: CrashStore) -> Iterator[Tally]:
    counted = Tally(request.node.originalname, crash_store.engine_name)
    yield counted
    counted.report()


# --- the reference: one clean import of the real San Luis Obispo log ---------------------


@dataclass(frozen=True)
class ImportReference:
    """What a clean, uninterrupted import stores, batch by batch and at the end."""

    files: tuple[Path, ...]
    batch_size: int
    after_batches: tuple[int, ...]  # incidents stored after 0, 1, 2, ... batches committed
    final: dict[str, tuple[object, ...]]  # source ref -> (version, status, times, entry kinds)
    rows_read: int
    seconds: float

    @property
    def batches(self) -> int:
        return len(self.after_batches) - 1


@pytest.fixture(scope="session")
def slo_reference(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> ImportReference:
    """A clean import of the four real SLO files into a fresh SQLite store, in process."""
    files = tuple(shared_data / "slo-pd-call-log" / name for name in SLO_FILES)
    missing = [f for f in files if not f.exists()]
    if missing:
        pytest.skip(f"real SLO exports missing: {missing}")
    directory = tmp_path_factory.mktemp("slo-reference")
    store = CrashStore(f"sqlite:///{directory / 'reference.db'}", directory)
    try:
        counts = [0]

        def count_after_batch(_done: int) -> None:
            with store.app.engine.connect() as connection:
                total = connection.execute(sa.select(sa.func.count()).select_from(incidents))
                counts.append(int(total.scalar_one()))

        profile = load_profile("san-luis-obispo", store.app.profile)
        started = time.perf_counter()
        summary = import_files(
            profile, files, store.app.import_uow, store.app.clock, "import:reference",
            directory / "rejects", batch_size=IMPORT_BATCH, on_progress=count_after_batch,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        final = store.import_fingerprint()
    finally:
        store.close()
    assert summary.imported == counts[-1] == len(final) > 10_000
    return ImportReference(files, IMPORT_BATCH, tuple(counts), final, summary.rows_read, seconds)
