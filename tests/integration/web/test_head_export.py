"""The serving app exports the audit head on a timer and at shutdown."""

from __future__ import annotations

import asyncio
import threading

import pytest

from watchkeeper.web.head_export import DEFAULT_EXPORT_SECONDS, export_interval, exporting_head


class CountingAudit:
    def __init__(self) -> None:
        self.exports = 0

    def export_head(self) -> None:
        self.exports += 1


class FakeApplication:
    def __init__(self) -> None:
        self.audit = CountingAudit()


def test_the_interval_comes_from_the_environment_with_a_floor_of_one_second() -> None:
    assert export_interval({}) == DEFAULT_EXPORT_SECONDS
    assert export_interval({"WATCHKEEPER_AUDIT_EXPORT_SECONDS": "30"}) == 30.0
    assert export_interval({"WATCHKEEPER_AUDIT_EXPORT_SECONDS": "0"}) == 1.0
    with pytest.raises(ValueError):
        export_interval({"WATCHKEEPER_AUDIT_EXPORT_SECONDS": "soon"})


def test_the_head_is_exported_while_serving_and_once_more_at_shutdown() -> None:
    application = FakeApplication()
    lifespan = exporting_head(application, seconds=0.05)  # type: ignore[arg-type]

    async def serve_until_two_exports() -> int:
        async with lifespan(None):
            for _ in range(200):  # bounded: at most ~10 s on a loaded machine
                if application.audit.exports >= 2:
                    break
                await asyncio.sleep(0.05)
            return application.audit.exports

    # Own thread, own event loop: a browser test in the same session may hold this thread's.
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(asyncio.run(serve_until_two_exports())))
    worker.start()
    worker.join(timeout=30)
    during = result[0]
    assert during >= 2  # the timer fired while serving
    assert application.audit.exports == during + 1  # and the shutdown export happened
