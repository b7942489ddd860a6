"""One row per incident, derived from the log as an Ibis expression that runs on any engine.

The canonical inputs are two relations, whatever engine holds them:

* ``incidents`` — id, logged_at, closed_at, grade, area (the store's projection);
* ``entry_facts`` — incident_id, seq, kind, at, marker, present, target_seq: the log with
  the three document fields the indicators read lifted out of the JSON (the store does it
  in SQL; the Parquet export writes them as columns, so Spark never runs a Python UDF).

Times become whole epoch seconds here, once, so every engine compares numbers (SQLite keeps
timestamps as text; comparing text with literals would be wrong). The attendance clock and
targets follow the force profile (``incidents/attendance.py``): clock from logging, or from
the first or latest grading; target by canonical grade and the area's urban/rural class.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from watchkeeper.incidents.entries import Grade
from watchkeeper.incidents.policy import ForceProfile

# assumed: no national "evidence at risk" flag exists in NSIR or the NCHS; a force that
# records it adds a marker with this code to its profile (otherwise the indicator says so).
EVIDENCE_AT_RISK_MARKER = "evidence-at-risk"

TIMED_GRADES = (Grade.EMERGENCY, Grade.PRIORITY)


@dataclass(frozen=True)
class FactSettings:
    """What the facts need from the force profile, in plain values."""

    areas: tuple[tuple[str, str], ...]  # area -> urban|rural
    default_area_class: str
    targets: tuple[tuple[str, str, float], ...]  # (grade, area class, minutes)
    clock_start: str  # "logged" | "graded"
    regrade_restarts_clock: bool
    vulnerability_markers: tuple[str, ...]
    evidence_marker: str | None  # None when the profile defines no evidence-at-risk marker

    @classmethod
    def from_profile(cls, profile: ForceProfile) -> FactSettings:
        targets = tuple(
            (grade.value, area_class, minutes)
            for grade in TIMED_GRADES
            if grade in profile.grades
            for area_class, minutes in sorted(profile.grades[grade].target_minutes.items())
            if minutes is not None
        )
        markers = tuple(sorted(m for m in profile.markers if m != EVIDENCE_AT_RISK_MARKER))
        evidence = EVIDENCE_AT_RISK_MARKER if EVIDENCE_AT_RISK_MARKER in profile.markers else None
        return cls(
            areas=tuple(sorted(profile.areas.items())),
            default_area_class=profile.default_area_class,
            targets=targets,
            clock_start=profile.clock_start,
            regrade_restarts_clock=profile.regrade_restarts_clock,
            vulnerability_markers=markers,
            evidence_marker=evidence,
        )


def epoch(column: ir.TimestampValue) -> ir.IntegerValue:
    """Whole seconds since the epoch, the same on every engine."""
    return column.epoch_seconds().cast("float64").floor().cast("int64")


def entry_facts_from_log(entries: ir.Table) -> ir.Table:
    """Lift marker, present and target_seq out of the stored JSON documents (store engines)."""
    doc = entries.document
    # Parse the JSON only on the kinds that carry the field: most entries carry neither,
    # and document parsing is the dearest step on the store engines.
    marked = entries.kind == "vulnerability-marked"
    struck = entries.kind == "struck"
    return entries.select(
        incident_id=entries.incident_id,
        seq=entries.seq,
        kind=entries.kind,
        at=entries.at,
        marker=marked.ifelse(doc["marker"].unwrap_as("string"), ibis.null("string")),
        present=marked.ifelse(doc["present"].unwrap_as("boolean"), ibis.null("boolean")),
        target_seq=struck.ifelse(doc["target_seq"].unwrap_as("int64"), ibis.null("int64")),
    )


# The entry kinds the facts read; the rest (opened, closed, assignments, ...) are dropped
# first, which halves the rows every engine groups. Markers are read on their own.
TIMED_KINDS = ("arrived", "contact-made", "backlog-reviewed", "graded")
MARKER_KIND = "vulnerability-marked"


def _live_entries(entries: ir.Table, kinds: tuple[str, ...]) -> ir.Table:
    """Entries of the kinds read, not struck (ADR 0002: a wrong entry is struck, not deleted).

    Written as a left join on the DISTINCT strikes, not an anti-join: SQLite then
    materialises the few strikes and indexes them, where NOT EXISTS re-reads the log for
    every entry (37 s instead of 5 s on a year of a large force).
    """
    strikes = (
        entries.filter(entries.kind == "struck")
        .select(s_incident=entries.incident_id, s_seq=entries.target_seq)
        .distinct()
    )
    read = entries.filter(entries.kind.isin(list(kinds)))
    joined = read.left_join(
        strikes, [read.incident_id == strikes.s_incident, read.seq == strikes.s_seq]
    )
    return joined.filter(joined.s_incident.isnull()).drop("s_incident", "s_seq")


def _entry_times(live: ir.Table) -> ir.Table:
    at = epoch(live.at)
    return live.group_by(e_incident=live.incident_id).aggregate(
        arrived_s=at.min(where=live.kind == "arrived"),
        contact_s=at.min(where=live.kind == "contact-made"),
        review_s=at.min(where=live.kind == "backlog-reviewed"),
        first_graded_s=at.min(where=live.kind == "graded"),
        last_graded_s=at.max(where=live.kind == "graded"),
    )


def _marker_flags(live: ir.Table, settings: FactSettings) -> ir.Table:
    """Per incident: any vulnerability marker, and the evidence marker, present at the end."""
    marked = live
    latest_first = ibis.window(
        group_by=[marked.incident_id, marked.marker], order_by=ibis.desc(marked.seq)
    )
    ranked = marked.mutate(rank=ibis.row_number().over(latest_first))
    current = ranked.filter((ranked.rank == 0) & (ranked.present == True))  # noqa: E712 - SQL
    # Without a configured marker the flag is 0 for every group; (seq * 0) keeps it a column
    # expression, which every engine aggregates (a bare literal is not an aggregate).
    never = current.seq * 0
    vulnerable = (
        current.marker.isin(list(settings.vulnerability_markers)).ifelse(1, 0)
        if settings.vulnerability_markers
        else never
    )
    evidence = (
        (current.marker == settings.evidence_marker).ifelse(1, 0)
        if settings.evidence_marker
        else never
    )
    return current.group_by(m_incident=current.incident_id).aggregate(
        vulnerable=vulnerable.max(), evidence=evidence.max()
    )


def _area_class(area: ir.StringValue, settings: FactSettings) -> ir.StringValue:
    if not settings.areas:
        return ibis.literal(settings.default_area_class)
    return ibis.cases(
        *((area == name, cls) for name, cls in settings.areas), else_=settings.default_area_class
    )


def _target_minutes(
    grade: ir.StringValue, area_class: ir.StringValue, settings: FactSettings
) -> ir.FloatingValue:
    if not settings.targets:
        return ibis.null("float64")
    return ibis.cases(
        *(((grade == g) & (area_class == c), float(m)) for g, c, m in settings.targets),
        else_=ibis.null("float64"),
    )


def incident_facts(incidents: ir.Table, entries: ir.Table, settings: FactSettings) -> ir.Table:
    """One row per incident: times in epoch seconds, grade, deadline, marker flags."""
    times = _entry_times(_live_entries(entries, TIMED_KINDS))
    flags = _marker_flags(_live_entries(entries, (MARKER_KIND,)), settings)
    joined = incidents.left_join(times, incidents.id == times.e_incident).left_join(
        flags, incidents.id == flags.m_incident
    )
    logged_s = epoch(joined.logged_at)
    if settings.clock_start == "graded":
        start = joined.first_graded_s.coalesce(logged_s)
    else:
        start = logged_s
    if settings.regrade_restarts_clock:
        regraded = joined.last_graded_s != joined.first_graded_s
        start = ibis.ifelse(regraded, joined.last_graded_s, start)
    area_class = _area_class(joined.area, settings)
    target = _target_minutes(joined.grade, area_class, settings)
    return joined.select(
        id=joined.id,
        grade=joined.grade,
        logged_s=logged_s,
        closed_s=epoch(joined.closed_at),
        arrived_s=joined.arrived_s,
        contact_s=joined.contact_s,
        review_s=joined.review_s,
        deadline_s=start + (target * 60).cast("int64"),
        vulnerable=joined.vulnerable.coalesce(0),
        evidence=joined.evidence.coalesce(0),
    )
