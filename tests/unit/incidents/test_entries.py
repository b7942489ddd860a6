"""Entry kinds round-trip through their stored documents, and the set is open."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from watchkeeper.incidents import entries as e
from watchkeeper.kernel.errors import InputError

SAMPLES: list[e.EntryPayload] = [
    e.Opened(
        e.CallSource.NON_EMERGENCY_101,
        e.Location("2 Mill Lane", "west", 52.4, -1.9),
        "burglary",
        e.Caller("A Person", "0700", "P-1"),
        "break-in",
        "sd",
        "E1",
    ),
    e.ThriveAssessed({el: e.ThriveRating(e.Level.MEDIUM, "r") for el in e.ThriveElement}),
    e.Graded(e.Grade.SCHEDULED, "P3", "no threat"),
    e.VulnerabilityMarked("older-person", True, "lives alone"),
    e.ContactMade("spoke to victim"),
    e.LinkedDuplicate("INC-X"),
    e.AppointmentBooked(datetime(2026, 11, 22, 10, 0, tzinfo=UTC)),
    e.BacklogReviewed("checked", "keep"),
    e.ResourceAssigned("PC-9", "nearest"),
    e.EnRoute("PC-9"),
    e.Arrived("PC-9"),
    e.FirearmsAuthorised("Insp 4412", "knife seen, threat to life"),
    e.Closed("no-crime"),
    e.Corrected("slo", "211001001", {"arrived": ["00:03", "00:04"]}),
    e.AlertAcknowledged("breach", "taking it"),
    e.Struck(3, "typo"),
]


@pytest.mark.parametrize("payload", SAMPLES, ids=lambda p: p.kind)
def test_every_kind_round_trips_through_its_document(payload: e.EntryPayload) -> None:
    document: Any = e.to_document(payload)
    assert e.from_document(payload.kind, payload.version, document) == payload


def test_every_built_in_kind_is_registered_at_version_one() -> None:
    kinds = {k for k, _ in e.registered_kinds()}
    assert {p.kind for p in SAMPLES} <= kinds


def test_a_later_capability_can_add_a_kind_without_touching_old_ones() -> None:
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class ArmedDeploymentAuthorised(e.EntryPayload):
        commander: str

    key = ("test-armed-deployment-authorised", 7)
    e.entry_kind(*key)(ArmedDeploymentAuthorised)
    try:
        restored = e.from_document(*key, {"commander": "Insp A"})
        assert restored == ArmedDeploymentAuthorised("Insp A")
        with pytest.raises(ValueError, match="already registered"):
            e.entry_kind(*key)(ArmedDeploymentAuthorised)
    finally:  # the registry is global: leave only the package's own kinds for later tests
        del e._REGISTRY[key]


def test_an_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="unknown entry kind 'teleported' version 1"):
        e.from_document("teleported", 1, {})


def test_address_keys_ignore_case_and_punctuation() -> None:
    assert e.Location("768 higuera;").address_key == e.Location("768  HIGUERA").address_key
