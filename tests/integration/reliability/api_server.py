"""A real Watchkeeper web server for the crash tests: ``python api_server.py [PORT]``.

With a port, it serves. Without one it is a fork server: it imports everything once, then
for each line ``PORT POINT`` read from stdin (POINT ``-`` for none) forks a server process
armed at POINT and prints ``CHILD <pid>``; ``WAIT <pid>`` reaps one and prints
``EXIT <returncode>`` (negative: killed by that signal). Each round's server is still a
separate process killed with SIGKILL; only the seconds of importing are shared.

The server is what ``watchkeeper serve`` runs (the app factory's wiring, uvicorn, loopback),
with three test-only additions:

- accounts hash passwords with the crash suite's fast stand-in (``fake$<password>``), so
  signing in does not spend the test's time in argon2;
- the named fault points of ``watchkeeper.kernel.faults`` fire only inside a request that
  carries the ``X-Crash-Here`` header, so the test chooses exactly which write is killed
  (sign-in and the audited re-read some routes do after their write commit too);
- two more points: ``db.in-commit`` (a timer started as the database commit begins kills
  the process 0-3 ms later, while the engine's commit runs or just after it; the reply
  is held until the kill) and
  ``api.before-reply`` (the route has returned, the 2xx status is about to be sent).

The points are armed through the same environment variables as every other fault point
(WATCHKEEPER_FAULT_POINT / _LOG; _SKIP is ignored here: the header chooses the request),
and each hit is appended to the fault log before the kill, so the test proves it was hit.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import random
import sys
import threading
from typing import Any

import sqlalchemy as sa
import uvicorn

from watchkeeper.bootstrap import build
from watchkeeper.kernel import faults
from watchkeeper.persistence import uow as uow_module
from watchkeeper.web.app import create_app
from watchkeeper.web.security import WebOptions

CRASH_HEADER = b"x-crash-here"
IN_COMMIT = "db.in-commit"
BEFORE_REPLY = "api.before-reply"

_armed_request: contextvars.ContextVar[bool] = contextvars.ContextVar("crash", default=False)
_fired = threading.Event()


class FastHasher:
    """The same stand-in as the crash suite's conftest (accounts seeded there sign in here)."""

    def hash(self, password: str) -> str:
        return f"fake${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"fake${password}"


def _hit(name: str) -> None:
    """The real fault point, once, and only inside the request the test marked."""
    armed_here = os.environ.get(faults.FAULT_POINT_ENV) == name
    if armed_here and _armed_request.get() and not _fired.is_set():
        _fired.set()
        faults.fault_point(name)  # logs the hit, then SIGKILL


def _on_commit(_connection: sa.Connection) -> None:
    """Fired by the engine as a commit begins: kill from a timer while the commit runs."""
    if not (_armed_request.get() and os.environ.get(faults.FAULT_POINT_ENV) == IN_COMMIT):
        return
    if _fired.is_set():
        return
    _fired.set()
    delay = random.uniform(0.0, 0.003)
    threading.Timer(delay, faults.fault_point, args=(IN_COMMIT,)).start()


class CrashMarker:
    """ASGI middleware: marks the request the test chose, and holds its reply at the point."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or CRASH_HEADER not in dict(scope["headers"]):
            await self.app(scope, receive, send)
            return
        token = _armed_request.set(True)

        async def send_or_die(message: Any) -> None:
            if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
                _hit(BEFORE_REPLY)
                if _fired.is_set():  # db.in-commit's timer is running: no reply before it
                    await asyncio.sleep(30)
            await send(message)

        try:
            await self.app(scope, receive, send_or_die)
        finally:
            _armed_request.reset(token)


def serve(port: int) -> None:
    application = build(hasher=FastHasher())
    uow_module.fault_point = _hit  # type: ignore[attr-defined]  # gate the commit points
    sa.event.listen(application.engine, "commit", _on_commit)
    app = create_app(application, application.accounts, options=WebOptions(secure_cookies=False))
    app.add_middleware(CrashMarker)
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")


def fork_server() -> None:
    print("READY", flush=True)
    for line in sys.stdin:
        command, argument = line.split()
        if command == "WAIT":
            _, status = os.waitpid(int(argument), 0)
            print(f"EXIT {os.waitstatus_to_exitcode(status)}", flush=True)
            continue
        pid = os.fork()
        if pid == 0:  # the server: its own process, armed at the point named
            devnull = os.open(os.devnull, os.O_RDWR)
            os.dup2(devnull, 0)
            os.dup2(devnull, 1)
            if argument != "-":
                os.environ[faults.FAULT_POINT_ENV] = argument
            try:
                serve(int(command))
            finally:
                os._exit(0)
        print(f"CHILD {pid}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        serve(int(sys.argv[1]))
    else:
        fork_server()
