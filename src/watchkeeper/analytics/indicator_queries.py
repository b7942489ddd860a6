"""Each indicator over the incident log, defined once as an Ibis expression.

A query is built from the per-incident facts (``incident_facts.py``) and the period, and
compiles to SQLite, PostgreSQL, DuckDB and Spark SQL unchanged. Two shapes exist:

* ``Ratio``: a one-row aggregate with ``numerator`` and ``denominator`` (and ``excluded``,
  rows the definition leaves out, reported in the note); value = scale * num / den;
* ``Quantile``: the rows ranked by value (0-based ``rank``, total ``n``), of which only the
  two around the quantile are fetched and interpolated linearly, as PostgreSQL's
  ``percentile_cont`` does. SQLite has no percentile function, so this is the portable form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from watchkeeper.incidents.entries import Grade


@dataclass(frozen=True)
class Period:
    """A half-open period [start_s, end_s) in epoch seconds."""

    start_s: int
    end_s: int


@dataclass(frozen=True)
class Ratio:
    build: Callable[[ir.Table, Period], ir.Table]
    scale: float  # 100 for percent; ignored for a count
    empty_note: str
    is_count: bool = False  # value is the numerator; the denominator only shows data exist
    per: tuple[str, str] | None = None  # a mean "numerator per denominator": what each counts


@dataclass(frozen=True)
class Quantile:
    build: Callable[[ir.Table, Period], ir.Table]  # one column "x", rows that count
    q: float
    empty_note: str


Query = Ratio | Quantile


def count_where(condition: ir.BooleanValue) -> ir.IntegerScalar:
    """Rows where ``condition`` holds (NULL counts as not); PostgreSQL casts no bool to int."""
    return condition.ifelse(1, 0).sum()


def _logged_in(f: ir.Table, p: Period) -> ir.BooleanValue:
    return (f.logged_s >= p.start_s) & (f.logged_s < p.end_s)


def _open_at_end(f: ir.Table, p: Period) -> ir.BooleanValue:
    # Same rule as the repository's open set: logged by t and not closed by t.
    return (f.logged_s <= p.end_s) & (f.closed_s.isnull() | (f.closed_s > p.end_s))


def _within_target(grade: Grade, vulnerable_only: bool) -> Callable[[ir.Table, Period], ir.Table]:
    def build(f: ir.Table, p: Period) -> ir.Table:
        rows = f.filter(_logged_in(f, p), f.grade == grade.value, f.deadline_s.notnull())
        if vulnerable_only:
            rows = rows.filter(rows.vulnerable == 1)
        attended = rows.arrived_s.notnull()
        return rows.aggregate(
            numerator=count_where(attended & (rows.arrived_s <= rows.deadline_s)),
            denominator=count_where(attended),
            excluded=count_where(~attended),
        )

    return build


def _attendance_minutes(grade: Grade) -> Callable[[ir.Table, Period], ir.Table]:
    def build(f: ir.Table, p: Period) -> ir.Table:
        rows = f.filter(_logged_in(f, p), f.grade == grade.value, f.arrived_s.notnull())
        return rows.select(x=(rows.arrived_s - rows.logged_s) / 60.0)

    return build


def _evidence_late(f: ir.Table, p: Period) -> ir.Table:
    timed = f.grade.isin([g.value for g in (Grade.EMERGENCY, Grade.PRIORITY)])
    rows = f.filter(_logged_in(f, p), timed, f.evidence == 1, f.deadline_s.notnull())
    attended = rows.arrived_s.notnull()
    return rows.aggregate(
        numerator=count_where(attended & (rows.arrived_s > rows.deadline_s)),
        denominator=count_where(attended),
        excluded=count_where(~attended),
    )


def _backlog_count(f: ir.Table, p: Period) -> ir.Table:
    known = f.filter(f.logged_s <= p.end_s)
    return known.aggregate(
        numerator=count_where(_open_at_end(known, p)),
        denominator=known.count(),
        excluded=ibis.literal(0),
    )


def _backlog_age(f: ir.Table, p: Period) -> ir.Table:
    rows = f.filter(_open_at_end(f, p))
    return rows.select(x=(p.end_s - rows.logged_s) / 60.0)


def _unreviewed(f: ir.Table, p: Period) -> ir.Table:
    rows = f.filter(_open_at_end(f, p))
    never = rows.review_s.isnull() | (rows.review_s > p.end_s)
    return rows.aggregate(
        numerator=count_where(never), denominator=rows.count(), excluded=ibis.literal(0)
    )


def _no_contact_waits(f: ir.Table, p: Period) -> ir.Table:
    timed = f.grade.isin([g.value for g in (Grade.EMERGENCY, Grade.PRIORITY)])
    rows = f.filter(_logged_in(f, p), timed, f.deadline_s.notnull(), f.deadline_s < p.end_s)
    due = rows.deadline_s
    unattended = rows.arrived_s.isnull() | (rows.arrived_s > due)
    uncontacted = rows.contact_s.isnull() | (rows.contact_s > due)
    still_open = rows.closed_s.isnull() | (rows.closed_s > due)
    return rows.aggregate(
        numerator=count_where(unattended & uncontacted & still_open),
        denominator=rows.count(),
        excluded=ibis.literal(0),
    )


_NO_ROWS = "no incidents of this kind were logged in the period"
_NO_ARRIVALS = "no incident of this kind logged in the period has a recorded arrival"
_NO_OPEN = "no incidents were open at the end of the period"

QUERIES: dict[str, Query] = {
    "emergency_attendance_within_target": Ratio(
        _within_target(Grade.EMERGENCY, False), 100.0, _NO_ARRIVALS
    ),
    "priority_attendance_within_target": Ratio(
        _within_target(Grade.PRIORITY, False), 100.0, _NO_ARRIVALS
    ),
    "emergency_attendance_within_target_vulnerable": Ratio(
        _within_target(Grade.EMERGENCY, True), 100.0, _NO_ARRIVALS
    ),
    "priority_attendance_within_target_vulnerable": Ratio(
        _within_target(Grade.PRIORITY, True), 100.0, _NO_ARRIVALS
    ),
    "emergency_attendance_median_minutes": Quantile(
        _attendance_minutes(Grade.EMERGENCY), 0.5, _NO_ARRIVALS
    ),
    "priority_attendance_median_minutes": Quantile(
        _attendance_minutes(Grade.PRIORITY), 0.5, _NO_ARRIVALS
    ),
    "evidence_at_risk_late_attendance": Ratio(_evidence_late, 100.0, _NO_ARRIVALS),
    "backlog_open_count": Ratio(
        _backlog_count, 1.0, "no incidents had been logged by the end of the period", is_count=True
    ),
    "backlog_age_p50_minutes": Quantile(_backlog_age, 0.5, _NO_OPEN),
    "backlog_age_p90_minutes": Quantile(_backlog_age, 0.9, _NO_OPEN),
    "backlog_unreviewed_share": Ratio(_unreviewed, 100.0, _NO_OPEN),
    "no_contact_wait_share": Ratio(_no_contact_waits, 100.0, _NO_ROWS),
}


def ranked(rows: ir.Table) -> ir.Table:
    """Rows ranked by ``x`` (0-based) with the total count, for the quantile fetch."""
    order = ibis.window(order_by=rows.x)
    return rows.mutate(rank=ibis.row_number().over(order), n=rows.x.count().over(ibis.window()))


def quantile_positions(n: int, q: float) -> tuple[int, int, float]:
    """Lower and upper 0-based ranks and the weight of the upper one (linear interpolation)."""
    position = q * (n - 1)
    lower = int(position)
    upper = min(lower + 1, n - 1)
    return lower, upper, position - lower
