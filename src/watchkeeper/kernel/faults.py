"""Named fault points: places where the crash-safety tests kill the process on purpose.

``fault_point("uow.before-commit")`` does nothing unless the environment variable
``WATCHKEEPER_FAULT_POINT`` names that point. When it does, the process records the hit and
kills itself with SIGKILL: no ``finally`` block, ``atexit`` hook or rollback runs, exactly as
when the machine dies or the operating system kills the process.

Environment variables (read once per process, on the first call):

- ``WATCHKEEPER_FAULT_POINT``: the one point that kills (unset: every point is a no-op).
- ``WATCHKEEPER_FAULT_SKIP``: how many hits of that point to let pass first (default 0), so
  a test can kill at the third batch rather than the first.
- ``WATCHKEEPER_FAULT_LOG``: a file the point's name is appended to (and synced) just before
  the kill, so the test can prove the point was reached.

The points: ``uow.before-commit`` / ``uow.after-commit`` (every unit of work's commit),
``import.mid-batch`` (a CAD import batch written but not committed) and
``import.after-batch`` (a batch committed, the next not begun). Never set these in
production: they exist for ``tests/integration/reliability``.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from functools import cache

FAULT_POINT_ENV = "WATCHKEEPER_FAULT_POINT"
FAULT_SKIP_ENV = "WATCHKEEPER_FAULT_SKIP"
FAULT_LOG_ENV = "WATCHKEEPER_FAULT_LOG"


@dataclass(slots=True)
class _ArmedPoint:
    name: str
    skip: int
    log: str


@cache
def _armed() -> _ArmedPoint | None:
    name = os.environ.get(FAULT_POINT_ENV, "")
    if not name:
        return None
    skip = os.environ.get(FAULT_SKIP_ENV, "0")
    return _ArmedPoint(
        name, int(skip) if skip.isdecimal() else 0, os.environ.get(FAULT_LOG_ENV, "")
    )


def fault_point(name: str) -> None:
    """Kill this process with SIGKILL here if WATCHKEEPER_FAULT_POINT names this point."""
    armed = _armed()
    if armed is None or armed.name != name:
        return
    if armed.skip > 0:
        armed.skip -= 1
        return
    if armed.log:
        with open(armed.log, "a", encoding="utf-8") as log:
            log.write(name + "\n")
            log.flush()
            os.fsync(log.fileno())
    os.kill(os.getpid(), signal.SIGKILL)
