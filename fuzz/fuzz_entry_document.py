"""Fuzz ``incidents.entries.from_document``: rebuilding a log entry from its stored document.

Input: JSON ``{"kind": ..., "version": ..., "document": {...}}`` (documents are stored as
JSON). Contract: an entry payload of that kind, which survives ``to_document`` and back, or an
``InputError`` naming the kind; nothing else may escape. Seeds: one document of every kind.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import atheris  # type: ignore[import-untyped,unused-ignore]
from common import main, refusal, require

with atheris.instrument_imports(include=["watchkeeper"]):
    from watchkeeper.incidents import entries as e
    from watchkeeper.kernel.errors import InputError


def decoded(data: bytes) -> tuple[str, int, dict[str, Any]] | None:
    """The fuzz input as a stored row would hold it, or None when it is not one."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):  # not JSON: no stored row looks like this
        return None
    if not isinstance(doc, dict):
        return None
    kind, version, document = doc.get("kind"), doc.get("version"), doc.get("document")
    if not isinstance(kind, str) or type(version) is not int or not isinstance(document, dict):
        return None
    return kind, version, document


def test_one_input(data: bytes) -> None:
    row = decoded(data)
    if row is None:
        return
    kind, version, document = row
    try:
        payload = e.from_document(kind, version, document)
    except InputError as exc:
        refusal(exc, kind)
        return
    require((payload.kind, payload.version) == (kind, version), f"{payload!r} is not {kind}")
    again = e.from_document(kind, version, json.loads(json.dumps(e.to_document(payload))))
    require(again == payload, f"{payload!r} does not survive a round trip")


def seeds() -> list[bytes]:
    at = datetime(2026, 1, 1, 12, tzinfo=UTC)
    rating = e.ThriveRating(e.Level.HIGH, "threat of violence")
    payloads: list[e.EntryPayload] = [
        e.Opened(
            e.CallSource.EMERGENCY_999,
            e.Location("1 High Street", "north", 51.5, -0.1),
            "violence",
            e.Caller("A Caller", "07700 900000", "P-1"),
            "fight in street",
        ),
        e.ThriveAssessed({element: rating for element in e.ThriveElement}),
        e.Graded(e.Grade.EMERGENCY, "G1", "weapon seen"),
        e.VulnerabilityMarked("child", True, "child present"),
        e.ContactMade("no answer"),
        e.LinkedDuplicate("INC-20260101-0001"),
        e.AppointmentBooked(at),
        e.BacklogReviewed("still waiting"),
        e.ResourceAssigned("A1", "nearest"),
        e.EnRoute("A1"),
        e.Arrived("A1"),
        e.Closed("crime-recorded", "arrest"),
        e.AlertAcknowledged("breach", "seen"),
        e.Corrected("cad", "E1", {"priority": ["1", "2"]}, "later export"),
        e.Struck(3, "wrong incident"),
    ]
    # Kinds a later capability registered are seeded too, if their defaults build them.
    return [
        json.dumps({"kind": p.kind, "version": p.version, "document": e.to_document(p)}).encode()
        for p in payloads
    ]


if __name__ == "__main__":
    main("entry_document", test_one_input, seeds())
