"""The web-load benchmark's store and server: built, served on 127.0.0.1, and torn down."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import sqlalchemy as sa

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import build
from watchkeeper.cli.demo_commands import seed_demo_accounts
from watchkeeper.persistence import schema
from watchkeeper.settings import settings_from_env
from watchkeeper.synthetic.calibration import load_calibration
from watchkeeper.synthetic.config import load_synthetic_config
from watchkeeper.synthetic.generator import generate_incidents

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
HOURS = 24.0
START_SCALE = 8.5  # about 620 open per unit of scale over 24 hours (seed 2017)
STARTUP_SECONDS = 60.0


@contextmanager
def _database(engine: str, directory: Path) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{directory / 'bench.db'}"
        return
    name = f"wk_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _load(env: dict[str, str], open_target: int, seed: int) -> dict[str, int]:
    """Demo accounts plus synthetic demand, scaled up until ``open_target`` are open now."""
    application = build(settings_from_env(env))
    try:
        seed_demo_accounts(application)
        scale, now = START_SCALE, application.clock.now()
        for _ in range(4):  # bounded: each try scales up by the shortfall
            incidents = generate_incidents(
                load_synthetic_config(), load_calibration(), application.profile, now, HOURS,
                seed, scale,
            )  # fmt: skip
            open_now = sum(1 for i in incidents if i.state.is_open)
            if open_now >= open_target:
                break
            scale *= 1.05 * open_target / max(open_now, 1)
        loader = Actor("supervisor", Role.SUPERVISOR, channel="cli")
        total = application.incidents.load_history(loader, incidents)
    finally:
        application.close()
    return {"open": open_now, "total": total, "generated_at": int(now.timestamp())}


@contextmanager
def prepared_store(
    engine: str, open_target: int, seed: int
) -> Iterator[tuple[dict[str, str], dict[str, int]]]:
    """A migrated, loaded store and the environment that serves it; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="wk_bench_") as tmp:
        directory = Path(tmp)
        with _database(engine, directory) as url:
            env = {
                "WATCHKEEPER_DATABASE_URL": url,
                "WATCHKEEPER_AUDIT_KEY_FILE": str(directory / "audit.key"),
                "WATCHKEEPER_AUDIT_HEAD_FILE": str(directory / "audit-head.jsonl"),
                "WATCHKEEPER_INSECURE_COOKIES": "1",
            }
            schema.upgrade(url)
            started = time.perf_counter()
            data = _load(env, open_target, seed)
            data["load_seconds"] = round(time.perf_counter() - started)
            yield env, data


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        try:
            if httpx.get(f"{base_url}/ready", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS:.0f} s")


@contextmanager
def served(env: dict[str, str]) -> Iterator[str]:
    """Uvicorn (one process, default threadpool) on a free loopback port; stopped after."""
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "watchkeeper.web.app:serve_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    log = Path(env["WATCHKEEPER_AUDIT_KEY_FILE"]).with_name("server.log")
    with log.open("wb") as sink:
        server = subprocess.Popen(command, env=os.environ | env, stdout=sink, stderr=sink)
        try:
            _wait_until_up(f"http://127.0.0.1:{port}", server)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=15)
