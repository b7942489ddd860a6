"""Plain-words descriptions of log entries, shared by every reader (CLI, web, reports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from watchkeeper.incidents import entries as e

_DESCRIBERS: dict[type[Any], Callable[[Any], str]] = {
    e.Opened: lambda p: (
        f"opened via {p.source.value}: {p.category} at {p.location.text} ({p.location.area})"
        + (f" [source {p.source_system} {p.source_ref}]" if p.source_ref else "")
    ),
    e.ThriveAssessed: lambda p: (
        "THRIVE: "
        + "; ".join(f"{el.value} {r.level.value} ({r.rationale})" for el, r in p.ratings.items())
    ),
    e.Graded: lambda p: (
        f"graded {p.force_label} ({p.grade.value})" + (f": {p.reason}" if p.reason else "")
    ),
    e.VulnerabilityMarked: lambda p: (
        f"{'marked' if p.present else 'unmarked'} {p.marker}" + (f": {p.note}" if p.note else "")
    ),
    e.ContactMade: lambda p: f"contact ({p.method}): {p.outcome}",
    e.LinkedDuplicate: lambda p: f"linked as duplicate of {p.duplicate_of}",
    e.AppointmentBooked: lambda p: (
        f"appointment booked for {p.appointment_at.isoformat(timespec='minutes')}"
    ),
    e.BacklogReviewed: lambda p: f"supervisor backlog review ({p.outcome}): {p.note}",
    e.ResourceAssigned: lambda p: f"assigned {p.unit}" + (f": {p.reason}" if p.reason else ""),
    e.EnRoute: lambda p: f"{p.unit} en route",
    e.Arrived: lambda p: f"{p.unit} arrived",
    e.FirearmsAuthorised: lambda p: (
        f"armed deployment authorised by {p.authorised_by}" + (f": {p.basis}" if p.basis else "")
    ),
    e.Closed: lambda p: f"closed: {p.closing_category}" + (f" ({p.note})" if p.note else ""),
    e.Corrected: lambda p: (
        f"correction from {p.source_system} {p.source_ref}: "
        + "; ".join(f"{k} {v[0]!r} → {v[1]!r}" for k, v in p.differences.items())
    ),
    e.AlertAcknowledged: lambda p: (
        f"acknowledged {p.alert} alert" + (f": {p.note}" if p.note else "")
    ),
    e.Struck: lambda p: f"struck entry {p.target_seq}: {p.reason}",
}


def describe(payload: e.EntryPayload) -> str:
    """One line saying what the entry records; unknown kinds fall back to their fields."""
    describer = _DESCRIBERS.get(type(payload))
    if describer is not None:
        return describer(payload)
    fields = e.to_document(payload)
    return f"{payload.kind}: " + ", ".join(f"{k}={v}" for k, v in fields.items())
