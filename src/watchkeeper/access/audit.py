"""The audit chain: every event is HMAC-chained to the one before it.

``chain_hash(n) = HMAC-SHA256(key, chain_hash(n-1) || canonical JSON of row n)``, with the
key kept outside the database. Editing, deleting or reordering a row breaks every later
link; rewriting the whole chain needs the key, and truncating it is caught by the head last
exported to a file (see ``audit_files``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from watchkeeper.access.model import Actor
from watchkeeper.access.ports import AuditChainStore, AuditEvent, AuditRow, ChainHead

GENESIS_HASH = "0" * 64  # the "previous hash" of the first row
OK = "ok"
REFUSED = "refused"
SYSTEM = "system"  # the actor of bootstrap and demo seeding, when no user exists yet


def audit_event(
    actor: Actor | None,
    at: datetime,
    action: str,
    record: tuple[str, str],
    *,
    outcome: str = OK,
    reason: str | None = None,
) -> AuditEvent:
    """An event by ``actor`` (None: the system itself) on ``record`` = (type, id)."""
    username = actor.username if actor else SYSTEM
    role = actor.role.value if actor else SYSTEM
    channel = actor.channel if actor else SYSTEM
    return AuditEvent(at, username, role, channel, action, record[0], record[1], outcome, reason)


def canonical(seq: int, event: AuditEvent) -> bytes:
    """The row's content as canonical JSON: sorted keys, no spaces, ASCII, UTC ISO time."""
    document = {
        "seq": seq,
        "at": event.at.isoformat(),
        "username": event.username,
        "role": event.role,
        "channel": event.channel,
        "action": event.action,
        "record_type": event.record_type,
        "record_id": event.record_id,
        "outcome": event.outcome,
        "reason": event.reason,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("ascii")


class AuditSigner:
    """Computes chain hashes with the audit key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the audit key must be at least 32 bytes")
        self._key = key

    def link(self, previous_hash: str, seq: int, event: AuditEvent) -> str:
        message = previous_hash.encode("ascii") + canonical(seq, event)
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def next_row(self, head: ChainHead, event: AuditEvent) -> AuditRow:
        seq = head.seq + 1
        return AuditRow(seq, event, self.link(head.chain_hash, seq, event))


class ChainedAuditLog:
    """The AuditLog port over a chain store: lock the head, sign, append."""

    def __init__(self, store: AuditChainStore, signer: AuditSigner) -> None:
        self._store = store
        self._signer = signer

    def record(self, event: AuditEvent) -> None:
        head = self._store.lock_head()
        self._store.append(self._signer.next_row(head, event))


class AuditUnavailable:
    """The AuditLog of a unit of work built without a key: refuses to record anything."""

    def record(self, event: AuditEvent) -> None:
        raise RuntimeError("this unit of work was built without an audit key; use bootstrap")


@dataclass(frozen=True, slots=True)
class Verification:
    """What ``verify`` found: rows checked and the first broken link (None when sound)."""

    checked: int
    head: ChainHead
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(
    rows: Iterable[AuditRow],
    signer: AuditSigner,
    stored_head: ChainHead,
    exported: ChainHead | None,
) -> Verification:
    """Recompute every link; report the first break, a moved head, or a lost exported head."""
    previous = ChainHead(0, GENESIS_HASH)
    exported_seen = exported is None or exported.seq == 0
    for row in rows:
        problem = _check_link(row, previous, signer)
        if problem:
            return Verification(previous.seq, stored_head, [problem])
        if exported is not None and row.seq == exported.seq:
            exported_seen = row.chain_hash == exported.chain_hash
        previous = ChainHead(row.seq, row.chain_hash)
    problems = []
    if previous != stored_head:
        problems.append(
            f"the stored head (row {stored_head.seq}) is not the last row ({previous.seq}): "
            "rows were deleted from the end or the head was altered"
        )
    if not exported_seen and exported is not None:
        problems.append(
            f"the chain does not contain the last exported head (row {exported.seq}): "
            "it was truncated or rewritten since that export"
        )
    return Verification(previous.seq, stored_head, problems)


def _check_link(row: AuditRow, previous: ChainHead, signer: AuditSigner) -> str | None:
    expected_seq = previous.seq + 1
    if row.seq != expected_seq:
        return (
            f"row {expected_seq} is missing (next stored row is {row.seq}): "
            "rows were deleted or renumbered"
        )
    if not hmac.compare_digest(
        signer.link(previous.chain_hash, row.seq, row.event), row.chain_hash
    ):
        return (
            f"row {row.seq} does not match its chain hash: it was edited, reordered, "
            "or the chain was rewritten without the key"
        )
    return None
