"""Indicator definitions against small hand-computed logs (run on DuckDB over Parquet).

The canonical relations are written straight to Parquet, so each rule of a definition is
checked without a store: targets by grade and area, struck entries, withdrawn markers,
the backlog at the period end, empty periods and absent capabilities.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from watchkeeper.analytics.indicator_backends import DuckDBParquetBackend
from watchkeeper.analytics.indicator_engine import compute_indicators, default_profile
from watchkeeper.analytics.indicator_queries import QUERIES
from watchkeeper.assessment.indicators import CAPABILITIES, UNITS, IndicatorValue, registry
from watchkeeper.incidents.policy import MarkerPolicy
from watchkeeper.kernel.errors import InputError
from watchkeeper.persistence.analytics_export import (
    ENTRY_FACTS_SCHEMA,
    INCIDENTS_SCHEMA,
    REGISTER_SCHEMAS,
)

T0 = datetime(2026, 7, 1, tzinfo=UTC)
DAY = (T0, T0 + timedelta(days=1))


class Log:
    """Builds the two canonical relations, minutes relative to T0."""

    def __init__(self) -> None:
        self.incidents: list[dict[str, Any]] = []
        self.entries: list[dict[str, Any]] = []

    def incident(
        self,
        ident: str,
        logged: float,
        grade: str,
        area: str = "north",
        closed: float | None = None,
    ) -> str:
        self.incidents.append(
            {
                "id": ident,
                "logged_at": T0 + timedelta(minutes=logged),
                "closed_at": None if closed is None else T0 + timedelta(minutes=closed),
                "grade": grade,
                "area": area,
            }
        )
        self.entry(ident, "opened", logged)
        self.entry(ident, "graded", logged)
        return ident

    def entry(self, ident: str, kind: str, at: float, **doc: Any) -> int:
        seq = 1 + sum(1 for e in self.entries if e["incident_id"] == ident)
        self.entries.append(
            {
                "incident_id": ident,
                "seq": seq,
                "kind": kind,
                "at": T0 + timedelta(minutes=at),
                "marker": doc.get("marker"),
                "present": doc.get("present"),
                "target_seq": doc.get("target_seq"),
            }
        )
        return seq

    def write(self, folder: Path) -> DuckDBParquetBackend:
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(
            pa.Table.from_pylist(self.incidents, INCIDENTS_SCHEMA), folder / "incidents.parquet"
        )
        pq.write_table(
            pa.Table.from_pylist(self.entries, ENTRY_FACTS_SCHEMA), folder / "entry_facts.parquet"
        )
        return DuckDBParquetBackend(folder, threads=1)


def _values(log: Log, tmp_path: Path, keys: list[str], **kw: Any) -> dict[str, IndicatorValue]:
    return compute_indicators(log.write(tmp_path / "pq"), *DAY, keys, **kw)


def test_every_definition_has_a_known_unit_capability_and_source_tables() -> None:
    defs = registry()
    assert len(defs) >= 20
    for key, d in defs.items():
        assert d.key == key and d.name and d.meaning
        assert d.unit in UNITS and d.capability in CAPABILITIES and d.source_tables


def test_every_incident_log_indicator_has_exactly_one_query() -> None:
    log_keys = {
        k
        for k, d in registry().items()
        if set(d.source_tables) <= {"incidents", "incident_entries"}
    }
    assert log_keys == set(QUERIES)


def test_emergency_attendance_uses_the_rural_target_for_a_rural_area(tmp_path: Path) -> None:
    log = Log()
    for n, (area, arrive) in enumerate([("north", 14), ("north", 16), ("west", 19), ("west", 21)]):
        i = log.incident(f"e{n}", 60 * n, "emergency", area, closed=60 * n + 50)
        log.entry(i, "arrived", 60 * n + arrive)
    got = _values(log, tmp_path, ["emergency_attendance_within_target"])
    v = got["emergency_attendance_within_target"]
    assert (v.status, v.value, v.numerator, v.denominator) == ("ok", 50.0, 2.0, 4.0)


def test_a_struck_arrival_does_not_count_and_the_next_one_does(tmp_path: Path) -> None:
    log = Log()
    i = log.incident("p1", 0, "priority", closed=200)
    wrong = log.entry(i, "arrived", 10)
    log.entry(i, "struck", 11, target_seq=wrong)
    log.entry(i, "arrived", 70)
    got = _values(
        log, tmp_path, ["priority_attendance_within_target", "priority_attendance_median_minutes"]
    )
    assert got["priority_attendance_within_target"].value == 0.0
    assert got["priority_attendance_median_minutes"].value == 70.0


def test_a_withdrawn_marker_no_longer_makes_the_incident_vulnerable(tmp_path: Path) -> None:
    log = Log()
    kept = log.incident("k", 0, "emergency", closed=60)
    log.entry(kept, "vulnerability-marked", 1, marker="child", present=True)
    log.entry(kept, "arrived", 10)
    gone = log.incident("g", 100, "emergency", closed=160)
    log.entry(gone, "vulnerability-marked", 101, marker="child", present=True)
    log.entry(gone, "vulnerability-marked", 102, marker="child", present=False)
    log.entry(gone, "arrived", 130)
    got = _values(log, tmp_path, ["emergency_attendance_within_target_vulnerable"])
    v = got["emergency_attendance_within_target_vulnerable"]
    assert (v.value, v.denominator) == (100.0, 1.0)


def test_incidents_never_attended_are_left_out_and_the_note_says_how_many(tmp_path: Path) -> None:
    log = Log()
    log.incident("a", 0, "emergency", closed=30)
    i = log.incident("b", 60, "emergency", closed=90)
    log.entry(i, "arrived", 70)
    v = _values(log, tmp_path, ["emergency_attendance_within_target"])[
        "emergency_attendance_within_target"
    ]
    assert (v.value, v.denominator) == (100.0, 1.0)
    assert "1 without a recorded arrival" in v.note


def test_backlog_at_period_end_ages_and_reviews(tmp_path: Path) -> None:
    log = Log()
    # open at the end (24:00): ages 100, 400, 1000 minutes; one reviewed before the end
    log.incident("o1", 1340, "scheduled")
    r = log.incident("o2", 1040, "priority")
    log.entry(r, "backlog-reviewed", 1100)
    late_review = log.incident("o3", 440, "priority")
    log.entry(late_review, "backlog-reviewed", 1500)
    log.incident("closed", 0, "priority", closed=500)
    log.incident("future", 1500, "priority")
    got = _values(
        log,
        tmp_path,
        [
            "backlog_open_count",
            "backlog_age_p50_minutes",
            "backlog_age_p90_minutes",
            "backlog_unreviewed_share",
        ],
    )
    assert got["backlog_open_count"].value == 3.0
    assert got["backlog_age_p50_minutes"].value == 400.0
    assert got["backlog_age_p90_minutes"].value == pytest.approx(400 + 0.8 * 600)
    assert got["backlog_unreviewed_share"].value == pytest.approx(200 / 3)


def test_a_no_contact_wait_needs_the_deadline_to_pass_open_unattended_and_uncontacted(
    tmp_path: Path,
) -> None:
    log = Log()
    log.incident("wait", 0, "emergency", closed=100)  # open at 15, nobody, no contact
    c = log.incident("contacted", 200, "emergency", closed=300)
    log.entry(c, "contact-made", 210)
    log.incident("closed-early", 400, "emergency", closed=405)  # closed before its deadline
    log.incident("due-after-end", 1430, "emergency")  # deadline 24:05, after the period
    v = _values(log, tmp_path, ["no_contact_wait_share"])["no_contact_wait_share"]
    assert (v.numerator, v.denominator) == (1.0, 3.0)


def test_a_period_with_no_incidents_reports_no_data_never_zero(tmp_path: Path) -> None:
    log = Log()
    i = log.incident("elsewhere", 3 * 1440, "emergency", closed=3 * 1440 + 20)
    log.entry(i, "arrived", 3 * 1440 + 5)
    got = _values(log, tmp_path, list(QUERIES))
    for key, v in got.items():
        assert v.status == "no-data" and v.value is None, key
        assert v.note


def test_capabilities_without_their_tables_report_no_data_naming_the_tables(tmp_path: Path) -> None:
    log = Log()
    log.incident("x", 10, "priority")
    got = _values(
        log,
        tmp_path,
        [
            "dash_completion_rate",
            "scpo_checks_on_schedule",
            "arv_attendance_median_minutes",
            "call_999_answered_within_10s",
        ],
    )
    assert all(v.status == "no-data" and v.value is None for v in got.values())
    assert "da_cases" in got["dash_completion_rate"].note
    assert "armed_deployments" in got["arv_attendance_median_minutes"].note


def test_evidence_at_risk_is_no_data_until_the_force_records_the_marker(tmp_path: Path) -> None:
    log = Log()
    i = log.incident("ev", 0, "priority", closed=200)
    log.entry(i, "vulnerability-marked", 1, marker="evidence-at-risk", present=True)
    log.entry(i, "arrived", 90)
    key = "evidence_at_risk_late_attendance"
    assert _values(log, tmp_path, [key])[key].status == "no-data"
    base = default_profile()
    markers = {
        **base.markers,
        "evidence-at-risk": MarkerPolicy("evidence-at-risk", "Evidence at risk", 0),
    }
    profile = dataclasses.replace(base, markers=markers)
    v = compute_indicators(DuckDBParquetBackend(tmp_path / "pq"), *DAY, [key], profile=profile)[key]
    assert (v.status, v.value) == ("ok", 100.0)


def test_clock_from_grading_moves_the_deadline(tmp_path: Path) -> None:
    log = Log()
    i = log.incident("g", 0, "emergency", closed=100)
    log.entries[-1]["at"] = T0 + timedelta(minutes=10)  # graded 10 minutes after logging
    log.entry(i, "arrived", 20)
    key = "emergency_attendance_within_target"
    assert _values(log, tmp_path, [key])[key].value == 0.0  # 20 > 15 from logging
    profile = dataclasses.replace(default_profile(), clock_start="graded")
    v = compute_indicators(DuckDBParquetBackend(tmp_path / "pq"), *DAY, [key], profile=profile)[key]
    assert v.value == 100.0  # 20 <= 10 + 15


def test_an_unknown_indicator_or_a_backwards_period_is_refused(tmp_path: Path) -> None:
    backend = Log().write(tmp_path / "pq")
    with pytest.raises(InputError, match="no_such_indicator"):
        compute_indicators(backend, *DAY, ["no_such_indicator"])
    with pytest.raises(InputError, match="not after start"):
        compute_indicators(backend, DAY[1], DAY[0])


def _register(folder: Path, name: str, rows: list[dict[str, Any]]) -> None:
    pq.write_table(pa.Table.from_pylist(rows, REGISTER_SCHEMAS[name]), folder / f"{name}.parquet")


def test_register_indicators_with_tables_but_no_cases_in_the_period_are_no_data(
    tmp_path: Path,
) -> None:
    log = Log()
    backend = log.write(tmp_path / "pq")
    _register(tmp_path / "pq", "da_cases", [
        {"case_ref": "old", "opened_at": T0 - timedelta(days=40), "dash_status": "completed",
         "risk_level": "high", "signed_off_at": None, "marac_referred_on": None},
    ])  # fmt: skip
    _register(tmp_path / "pq", "armed_deployments", [
        {"deployment_id": "a", "incident_ref": "i", "call_at": T0 + timedelta(hours=1), "arrived_at": None},
    ])  # fmt: skip
    keys = [
        "dash_completion_rate",
        "marac_referral_rate_high_risk",
        "arv_attendance_median_minutes",
    ]
    got = compute_indicators(backend, *DAY, keys)
    for key in keys:
        assert got[key].status == "no-data" and got[key].value is None, key
    assert "no ARV arrival" in got["arv_attendance_median_minutes"].note


def test_the_return_home_interview_clock_is_72_hours_from_return(tmp_path: Path) -> None:
    log = Log()
    backend = log.write(tmp_path / "pq")
    found = T0 + timedelta(hours=2)
    rows = [
        {"episode_ref": ref, "reported_at": T0, "is_child": True, "risk": "medium",
         "supervisor_rationale": None, "found_at": found, "rhi_offered_at": found + timedelta(hours=h)}
        for ref, h in (("on-time", 72), ("late", 72.5))
    ]  # fmt: skip
    _register(tmp_path / "pq", "missing_episodes", rows)
    key = "return_home_interviews_within_72h"
    v = compute_indicators(backend, *DAY, [key])[key]
    assert (v.numerator, v.denominator) == (1.0, 2.0)
