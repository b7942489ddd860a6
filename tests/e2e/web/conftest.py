"""A real server on loopback over a fresh demo database, and Debian's Chromium to drive it.

The database is made the way a user makes one: ``watchkeeper db upgrade`` then
``watchkeeper demo`` (demo incidents and one demo account per role). The app is served by
uvicorn in a background thread on a free port. Playwright drives ``/usr/bin/chromium``
(its own browser download is impossible here). Without that browser the tests skip, unless
WATCHKEEPER_REQUIRE_BROWSER=1 (set by CI), when they fail.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from watchkeeper.bootstrap import build
from watchkeeper.settings import settings_from_env
from watchkeeper.web.app import create_app
from watchkeeper.web.security import WebOptions

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
CLI = Path(sys.executable).with_name("watchkeeper")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def demo_environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """WATCHKEEPER_* variables of a fresh demo store (12 hours of demand, seeded accounts)."""
    folder = tmp_path_factory.mktemp("control-room")
    env = {
        "WATCHKEEPER_DATABASE_URL": f"sqlite:///{folder / 'watchkeeper.db'}",
        "WATCHKEEPER_AUDIT_KEY_FILE": str(folder / "audit.key"),
        "WATCHKEEPER_AUDIT_HEAD_FILE": str(folder / "audit.head"),
    }
    for command in (["db", "upgrade"], ["demo", "--hours", "12"]):
        done = subprocess.run(
            [str(CLI), *command], env=os.environ | env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"watchkeeper {' '.join(command)} failed:\n{done.stderr}"
    return env


@pytest.fixture(scope="session")
def base_url(demo_environment: dict[str, str]) -> Iterator[str]:
    """The web app over the demo store, served on 127.0.0.1 for the whole session."""
    application = build(settings_from_env(demo_environment))
    # Every journey signs in from 127.0.0.1 within a minute or two; the sign-in throttle
    # (tested in tests/integration/security) must not be what a journey trips over.
    options = WebOptions(secure_cookies=False, sign_in_attempts=200)
    app = create_app(application, options=options)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="watchkeeper-e2e", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the web server did not start within 15 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    application.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"Debian Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("WATCHKEEPER_REQUIRE_BROWSER") == "1":
            pytest.fail(f"WATCHKEEPER_REQUIRE_BROWSER=1 but {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def screenshots() -> Path:
    """Where screenshots go (``artifacts/`` is git-ignored; CI keeps it as an artefact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
