"""The audit chain: keyed links that break on any edit, deletion, reordering or rewrite."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.access.audit import AuditSigner, audit_event, canonical, verify_chain
from watchkeeper.access.model import Actor, Role
from watchkeeper.access.ports import AuditRow, ChainHead

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
KEY = b"k" * 32
ACTOR = Actor("handler", Role.CALL_HANDLER, "web")


def _chain(signer, n=5):
    rows, head = [], ChainHead(0, "0" * 64)
    for i in range(n):
        event = audit_event(
            ACTOR, T0 + timedelta(minutes=i), "incident.read", ("incident", f"I{i}")
        )
        row = signer.next_row(head, event)
        rows.append(row)
        head = ChainHead(row.seq, row.chain_hash)
    return rows, head


def test_an_honest_chain_verifies():
    signer = AuditSigner(KEY)
    rows, head = _chain(signer)

    result = verify_chain(rows, signer, head, exported=ChainHead(3, rows[2].chain_hash))

    assert result.ok and result.checked == 5


def test_an_edited_row_is_reported_as_the_first_broken_link():
    signer = AuditSigner(KEY)
    rows, head = _chain(signer)
    rows[2] = replace(rows[2], event=replace(rows[2].event, username="someone-else"))

    result = verify_chain(rows, signer, head, None)

    assert not result.ok
    assert result.problems[0].startswith("row 3 does not match its chain hash")


def test_a_deleted_row_is_reported():
    signer = AuditSigner(KEY)
    rows, head = _chain(signer)
    del rows[1]

    assert verify_chain(rows, signer, head, None).problems[0].startswith("row 2 is missing")


def test_swapped_rows_are_reported():
    signer = AuditSigner(KEY)
    rows, head = _chain(signer)
    first, second = rows[1], rows[2]
    rows[1] = AuditRow(2, second.event, second.chain_hash)
    rows[2] = AuditRow(3, first.event, first.chain_hash)

    assert verify_chain(rows, signer, head, None).problems[0].startswith("row 2 does not match")


def test_a_chain_rewritten_with_another_key_fails_at_the_first_row():
    rows, head = _chain(AuditSigner(b"x" * 32))

    result = verify_chain(rows, AuditSigner(KEY), head, None)

    assert result.problems[0].startswith("row 1 does not match")


def test_a_truncated_chain_with_a_moved_head_is_caught_by_the_exported_head():
    signer = AuditSigner(KEY)
    rows, head = _chain(signer)
    exported = head
    kept = rows[:3]
    forged_head = ChainHead(3, kept[-1].chain_hash)

    result = verify_chain(kept, signer, forged_head, exported)

    assert result.problems == [
        "the chain does not contain the last exported head (row 5): "
        "it was truncated or rewritten since that export"
    ]


def test_rows_deleted_from_the_end_are_caught_by_the_stored_head():
    signer = AuditSigner(KEY)
    rows, head = _chain(signer)

    result = verify_chain(rows[:4], signer, head, None)

    assert "stored head (row 5) is not the last row (4)" in result.problems[0]


def test_the_canonical_form_is_stable_sorted_json():
    event = audit_event(None, T0, "user.create", ("user", "admin"))

    assert canonical(1, event) == (
        b'{"action":"user.create","at":"2026-03-01T08:00:00+00:00","channel":"system",'
        b'"outcome":"ok","reason":null,"record_id":"admin","record_type":"user",'
        b'"role":"system","seq":1,"username":"system"}'
    )


def test_a_short_key_is_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        AuditSigner(b"short")
