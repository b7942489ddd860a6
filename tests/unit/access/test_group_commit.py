"""Group commit of read audit rows: every caller returns only after its row is committed."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from watchkeeper.access.audit import audit_event
from watchkeeper.access.audit_service import GroupCommit
from watchkeeper.access.model import Actor, Role
from watchkeeper.access.ports import AuditEvent

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ACTOR = Actor("reader", Role.SUPERVISOR)


def _event(n: int) -> AuditEvent:
    return audit_event(ACTOR, T0, "backlog.read", ("backlog", str(n)))


class SlowStore:
    """Commits take a while, so callers pile up behind one commit in flight."""

    def __init__(self, seconds: float = 0.02, fail_on: int | None = None) -> None:
        self.seconds = seconds
        self.fail_on = fail_on
        self.committed: list[AuditEvent] = []
        self.batches: list[int] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def commit(self, events: list[AuditEvent]) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(self.seconds)
            if self.fail_on is not None and any(e.record_id == str(self.fail_on) for e in events):
                raise RuntimeError("disk full")
            with self._lock:
                self.committed.extend(events)
                self.batches.append(len(events))
        finally:
            with self._lock:
                self.in_flight -= 1


def _run(group: GroupCommit, store: SlowStore, callers: int) -> dict[int, BaseException | None]:
    outcome: dict[int, BaseException | None] = {}
    seen_at_return: dict[int, bool] = {}
    start = threading.Barrier(callers)

    def call(n: int) -> None:
        start.wait()
        try:
            group.submit(_event(n))
            outcome[n] = None
        except BaseException as exc:
            outcome[n] = exc
        # When submit returns normally, this caller's row must already be committed.
        seen_at_return[n] = any(e.record_id == str(n) for e in list(store.committed))

    threads = [threading.Thread(target=call, args=(n,)) for n in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a caller never returned"
    for n, error in outcome.items():
        if error is None:
            assert seen_at_return[n], f"caller {n} returned before its row was committed"
    return outcome


def test_concurrent_reads_share_commits_and_each_row_is_committed_once() -> None:
    store = SlowStore()
    group = GroupCommit(store.commit)
    outcome = _run(group, store, callers=40)
    assert all(error is None for error in outcome.values())
    assert sorted(int(e.record_id) for e in store.committed) == list(range(40))
    assert store.max_in_flight == 1, "commits must not overlap"
    assert group.commits == len(store.batches) < 40, "concurrent callers should share commits"
    assert max(store.batches) > 1


def test_a_failed_commit_fails_every_caller_in_its_group_and_only_them() -> None:
    store = SlowStore(fail_on=7)
    group = GroupCommit(store.commit)
    outcome = _run(group, store, callers=30)
    failed = {n for n, error in outcome.items() if error is not None}
    assert 7 in failed
    committed = {int(e.record_id) for e in store.committed}
    assert committed.isdisjoint(failed), "a caller told of failure had its row committed"
    assert committed | failed == set(range(30)), "a row was neither committed nor refused"
    for n in failed:
        assert isinstance(outcome[n], RuntimeError)


def test_a_lone_caller_commits_its_own_row() -> None:
    store = SlowStore(seconds=0.0)
    group = GroupCommit(store.commit)
    group.submit(_event(1))
    group.submit(_event(2))
    assert [e.record_id for e in store.committed] == ["1", "2"]
    assert store.batches == [1, 1]


def test_the_group_recovers_after_a_failure() -> None:
    store = SlowStore(seconds=0.0, fail_on=1)
    group = GroupCommit(store.commit)
    with pytest.raises(RuntimeError):
        group.submit(_event(1))
    group.submit(_event(2))
    assert [e.record_id for e in store.committed] == ["2"]
