"""While the web app serves, export the audit chain's head regularly and at shutdown.

An exported head is what makes rewriting the whole chain detectable (ADR 0005), so a
long-running server must not rely on someone remembering ``watchkeeper audit export-head``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from watchkeeper.bootstrap import Application

EXPORT_SECONDS_ENV = "WATCHKEEPER_AUDIT_EXPORT_SECONDS"
# assumed: five minutes bounds how much of the chain could be rewritten unnoticed; a force
# may shorten it.
DEFAULT_EXPORT_SECONDS = 300.0
LOG = logging.getLogger("watchkeeper.audit")


def export_interval(environ: dict[str, str] | None = None) -> float:
    """Seconds between exports, from the environment (at least one second)."""
    value = (environ if environ is not None else dict(os.environ)).get(EXPORT_SECONDS_ENV)
    return max(1.0, float(value)) if value else DEFAULT_EXPORT_SECONDS


def _export(application: Application) -> None:
    try:
        application.audit.export_head()
    except Exception:  # keep serving; the failure is logged without personal data
        LOG.exception("audit head export failed")


def exporting_head(
    application: Application, seconds: float
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """A lifespan that exports the head every ``seconds`` and once more at shutdown."""

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        async def every_interval() -> None:
            while True:
                await asyncio.sleep(seconds)
                await asyncio.to_thread(_export, application)

        task = asyncio.create_task(every_interval())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            _export(application)

    return lifespan
