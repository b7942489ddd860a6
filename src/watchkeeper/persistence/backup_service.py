"""Backup and restore as use cases: authorised, audited, verified (issue 8 part 4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner, Verification, audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.kernel.clock import Clock
from watchkeeper.kernel.errors import InputError
from watchkeeper.persistence import backup, schema
from watchkeeper.persistence.backup_archive import Manifest
from watchkeeper.persistence.uow import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What a restore loaded and, with ``--verify``, what the checks found."""

    manifest: Manifest
    verified: bool
    problems: list[str] = field(default_factory=list)
    chain: Verification | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


class Backups:
    """Back up the whole store to an archive; restore one into a fresh database."""

    def __init__(self, engine: sa.Engine, signer: AuditSigner, clock: Clock) -> None:
        self._engine = engine
        self._signer = signer
        self._clock = clock
        self._trail = AuditTrail(partial(SqlUnitOfWork, engine, signer, immediate=True), clock)

    def back_up(self, actor: Actor, out: Path) -> Manifest:
        """Write a consistent archive of every table; audited before the snapshot is taken."""
        record = ("database", out.name)
        self._trail.authorise(actor, Permission.DATA_BACKUP, record)
        if out.exists():
            raise InputError(f"{out} already exists; choose a new file for the backup")
        if not out.parent.is_dir():
            raise InputError(f"folder {out.parent} does not exist")
        now = self._clock.now()
        # Recorded first, so the archive holds the record of its own making.
        self._trail.record(audit_event(actor, now, "data.backup", record))
        return backup.back_up(self._engine, out, _head(), now)

    def restore(self, operator: str, archive: Path, verify: bool) -> RestoreReport:
        """Load ``archive`` into this empty database; with ``verify``, check it all.

        The target is empty, so no stored account can be authorised: the operator is
        whoever holds the database URL and the audit key, and is named in the audit row.
        """
        if not archive.is_file():
            raise InputError(f"backup archive {archive} not found")
        manifest = backup.restore(self._engine, archive, _head())
        problems: list[str] = []
        chain = None
        if verify:
            problems = backup.compare(self._engine, manifest)
            chain = backup.verify_audit_chain(self._engine, self._signer)
            problems += [f"audit chain: {problem}" for problem in chain.problems]
        reason = f"restored by {operator}; verified: {'yes' if verify and not problems else 'no'}"
        record = ("database", archive.name)
        self._trail.record(
            audit_event(None, self._clock.now(), "data.restore", record, reason=reason)
        )
        return RestoreReport(manifest, verify, problems, chain)


def _head() -> str:
    head = schema.head_revision()
    assert head is not None  # the package ships its migrations
    return head
