"""Audit use cases: authorise-and-record for other services, verify, export the head."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from watchkeeper.access.audit import (
    REFUSED,
    AuditSigner,
    Verification,
    audit_event,
    verify_chain,
)
from watchkeeper.access.audit_files import append_head, last_exported_head
from watchkeeper.access.model import Actor, Permission, authorise
from watchkeeper.access.ports import AuditEvent, AuditUnitOfWork, ChainHead, ChainUnitOfWork
from watchkeeper.kernel.clock import Clock
from watchkeeper.kernel.errors import PermissionDenied


@dataclass(eq=False)
class _Group:
    events: list[AuditEvent] = field(default_factory=list)
    finished: bool = False
    error: BaseException | None = None


class GroupCommit:
    """Group commit: concurrent callers' audit rows share one transaction, each caller
    returning only once the transaction holding its row has committed.

    No background thread: the first caller to find no commit in flight leads — it takes
    the open group and commits it — while callers arriving meanwhile join the next group
    and wait. When a commit ends, one waiter of the next group leads it. Fifty screens
    reading the board each second thus cost a few commits a second, not fifty, and no read
    is answered before its audit row is durable. A failed commit fails every caller in
    its group (no audit row, no data).
    """

    def __init__(self, commit: Callable[[list[AuditEvent]], None]) -> None:
        self._commit = commit
        self._cond = threading.Condition()
        self._open: _Group | None = None
        self._flushing = False
        self.commits = 0  # how many transactions carried the rows (for tests and figures)

    def submit(self, event: AuditEvent) -> None:
        with self._cond:
            group = self._open
            if group is None:  # a group holds at most one row per waiting thread
                group = self._open = _Group()
            group.events.append(event)
            while not group.finished:
                if not self._flushing and group is self._open:
                    self._flushing, self._open = True, None
                    break
                self._cond.wait()
        if not group.finished:
            self._lead(group)
        if group.error is not None:
            raise group.error

    def _lead(self, group: _Group) -> None:
        try:
            self._commit(group.events)
        except BaseException as exc:  # every caller of the group sees the failure
            group.error = exc
        with self._cond:
            group.finished, self._flushing = True, False
            self.commits += 1
            self._cond.notify_all()


class AuditTrail:
    """What every service uses to authorise an actor so that refusals are audited too.

    A refusal is recorded in its own small transaction (the use case never began), and
    so is the audit of a read: reads run in a read-only transaction so that SQLite readers
    never hold the write lock, and the read's audit row is committed before the data is
    returned to the caller (no audit row, no data).
    """

    def __init__(self, uow_factory: Callable[[], AuditUnitOfWork], clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock
        self.reads = GroupCommit(self._record_all)

    def now(self) -> datetime:
        return self._clock.now()

    def authorise(self, actor: Actor, permission: Permission, record: tuple[str, str]) -> None:
        """Refuse (and record the refusal) unless the actor's role holds the permission."""
        try:
            authorise(actor, permission)
        except PermissionDenied:
            self.record(audit_event(actor, self.now(), permission.value, record, outcome=REFUSED))
            raise

    def record(self, event: AuditEvent) -> None:
        """Record one event in its own transaction."""
        with self._uow() as uow:
            uow.audit.record(event)
            uow.commit()

    def _record_all(self, events: list[AuditEvent]) -> None:
        with self._uow() as uow:
            for event in events:
                uow.audit.record(event)
            uow.commit()

    def read(
        self, actor: Actor, action: str, record: tuple[str, str], reason: str | None = None
    ) -> None:
        """Record that ``actor`` read ``record`` (call after the read, before returning it).

        Returns once the row is committed; concurrent reads share the commit.
        """
        self.reads.submit(audit_event(actor, self.now(), action, record, reason=reason))


class AuditService:
    """Verifies the stored chain and exports its head to the head file."""

    def __init__(
        self,
        uow_factory: Callable[[], ChainUnitOfWork],
        trail: AuditTrail,
        signer: AuditSigner,
        head_file: Path,
    ) -> None:
        self._uow = uow_factory
        self._trail = trail
        self._signer = signer
        self._head_file = head_file

    @property
    def head_file(self) -> Path:
        return self._head_file

    def verify(self, actor: Actor) -> Verification:
        """Recompute the whole chain with the key; check it still holds the exported head."""
        self._trail.authorise(actor, Permission.AUDIT_VERIFY, ("audit-log", ""))
        exported = last_exported_head(self._head_file)
        with self._uow() as uow:
            chain = uow.audit_chain
            result = verify_chain(chain.rows(), self._signer, chain.head(), exported)
        outcome = "ok" if result.ok else "broken"
        self._trail.read(actor, "audit.verify", ("audit-log", outcome))
        return result

    def export_head(self, actor: Actor | None = None) -> ChainHead:
        """Append the current head to the head file (``actor`` None: automatic export).

        Skips writing when the file already ends with this head.
        """
        if actor is not None:
            self._trail.authorise(actor, Permission.AUDIT_VERIFY, ("audit-log", "head"))
        with self._uow() as uow:
            head = uow.audit_chain.head()
        if last_exported_head(self._head_file) != head:
            append_head(self._head_file, head, self._trail.now())
        return head
