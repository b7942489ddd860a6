"""Audit use cases: authorise-and-record for other services, verify, export the head."""

from __future__ import annotations

from collections.abc import Callable
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

    def read(
        self, actor: Actor, action: str, record: tuple[str, str], reason: str | None = None
    ) -> None:
        """Record that ``actor`` read ``record`` (call after the read, before returning it)."""
        self.record(audit_event(actor, self.now(), action, record, reason=reason))


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
