"""A small incident log with hand-computed indicator values, stored through the repository.

Period: 2026-03-01 00:00 to 2026-03-02 00:00 UTC. Targets (default profile): emergency
15 min urban / 20 min rural (area "west" is rural), priority 60 min. Hand-computed values
are in EXPECTED; every engine must return exactly these.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from watchkeeper.incidents.entries import (
    Arrived,
    BacklogReviewed,
    CallSource,
    Closed,
    ContactMade,
    Grade,
    Graded,
    Location,
    Opened,
    Struck,
    VulnerabilityMarked,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.organised_crime.config import load_policy
from watchkeeper.organised_crime.scpo import ComplianceCheck, ScpoOrder, Term, make_order
from watchkeeper.persistence.repository import SqlIncidentRepository
from watchkeeper.persistence.soc_codec import encode
from watchkeeper.persistence.tables import incident_entries, incidents, metadata

T0 = datetime(2026, 3, 1, tzinfo=UTC)
PERIOD = (T0, T0 + timedelta(days=1))
LABEL = {"emergency": "P1", "priority": "P2", "scheduled": "P3"}


def _incident(n: int, logged_min: float, grade: str, area: str = "north", **kw: Any) -> Incident:
    at = T0 + timedelta(minutes=logged_min)
    opened = Opened(CallSource.EMERGENCY_999, Location("somewhere", area), "violence")
    inc = Incident.open(IncidentId(f"inc-{n:03d}"), opened, at, "tester", at)
    inc.record(Graded(Grade(grade), LABEL[grade]), at, "tester", at)
    events: list[tuple[float, Any]] = []
    for marker in kw.get("markers", ()):
        events.append((1, VulnerabilityMarked(marker)))
    if "contact" in kw:
        events.append((kw["contact"], ContactMade("spoke to caller")))
    if "review" in kw:
        events.append((kw["review"], BacklogReviewed("looked at it")))
    if "arrive" in kw:
        events.append((kw["arrive"], Arrived("U1")))
    if "close" in kw:
        events.append((kw["close"], Closed("resolved")))
    for offset, payload in sorted(events, key=lambda e: e[0]):
        when = at + timedelta(minutes=offset)
        inc.record(payload, when, "tester", when)
    return inc


def build_incidents() -> list[Incident]:
    """Twelve incidents; comments give what each contributes."""
    incs = [
        # emergency urban, 10 min: within; child marker (vulnerable)
        _incident(1, 60, "emergency", markers=["child"], arrive=10, close=40),
        # emergency urban, 20 min: late; vulnerable
        _incident(2, 120, "emergency", markers=["mental-health"], arrive=20, close=60),
        # emergency rural (west, 20 min target), 18 min: within
        _incident(3, 180, "emergency", area="west", arrive=18, close=50),
        # emergency, never attended, closed at 30 with no contact: excluded from attendance;
        # a no-contact wait (open at its 15-minute deadline, no arrival, no contact)
        _incident(4, 240, "emergency", close=30),
        # priority 45 min: within; contact at 5
        _incident(5, 300, "priority", contact=5, arrive=45, close=90),
        # priority 90 min: late; contact at 70 (after the deadline) -> no-contact wait
        _incident(6, 360, "priority", contact=70, arrive=90, close=120),
        # priority 75 min: late, but contact at 30 -> not a no-contact wait; vulnerable
        _incident(7, 420, "priority", markers=["older-person"], contact=30, arrive=75, close=100),
        # scheduled, still open at period end (logged 22:00 -> 120 min old), reviewed
        _incident(8, 1320, "scheduled", review=10),
        # priority, still open at the end, logged 23:00 (60 min old): deadline 24:00 is the
        # period end, not before it, so not in the no-contact denominator; unreviewed
        _incident(9, 1380, "priority"),
        # emergency logged before the period (open at end, 1500 min old, reviewed after end)
        _incident(10, -60, "emergency", review=2000),
        # emergency in the next period: counts nowhere in this one
        _incident(11, 1500, "emergency", arrive=5, close=20),
    ]
    # A struck arrival: emergency, "arrived" at 5 struck, real arrival at 25 -> late
    struck = _incident(12, 600, "emergency", close=60)
    at = T0 + timedelta(minutes=600)
    struck.entries.pop()  # re-record close after the strike and real arrival
    struck.record(Arrived("U9"), at + timedelta(minutes=5), "tester", at + timedelta(minutes=5))
    struck.record(
        Struck(len(struck.entries), "wrong unit"),
        at + timedelta(minutes=6),
        "t",
        at + timedelta(minutes=6),
    )
    struck.record(Arrived("U2"), at + timedelta(minutes=25), "tester", at + timedelta(minutes=25))
    struck.record(
        Closed("resolved"), at + timedelta(minutes=60), "tester", at + timedelta(minutes=60)
    )
    incs.append(struck)
    return incs


# Hand computation (period 2026-03-01):
# emergency in period: 1,2,3,4,12. attended 1,2,3,12; within: 1 (10<=15), 3 (18<=20) -> 2/4
# emergency vulnerable attended: 1 (within), 2 (late) -> 1/2
# priority in period: 5,6,7,9; attended 5,6,7; within: 5 -> 1/3; vulnerable: 7 late -> 0/1
# emergency attendance minutes: 10,18,20,25 -> median 19; priority 45,75,90 -> median 75
# open at end (24:00): 8 (120 min), 9 (60 min), 10 (1500 min); logged by end: 12 of 13...
#   incidents logged by end: 1-10 and 12 = 11 -> count 3 open of 11
# backlog ages 60,120,1500: p50 = 120; p90 = 120 + 0.8*(1500-120) = 1224
# unreviewed at end: 9 and 10 (its review is after the end) -> 2/3
# no-contact: emergency/priority in period with deadline before end: 1,2,3,4,5,6,7,12 = 8;
#   waits: 4 (never attended, open at deadline, no contact), 6 (late, contact after deadline),
#   2 (late at 20 > 15, no contact, open), 12 (late 25 > 15, no contact) -> 4/8
EXPECTED: dict[str, float | None] = {
    "emergency_attendance_within_target": 50.0,
    "emergency_attendance_within_target_vulnerable": 50.0,
    "priority_attendance_within_target": 100.0 / 3,
    "priority_attendance_within_target_vulnerable": 0.0,
    "emergency_attendance_median_minutes": 19.0,
    "priority_attendance_median_minutes": 75.0,
    "backlog_open_count": 3.0,
    "backlog_age_p50_minutes": 120.0,
    "backlog_age_p90_minutes": 1224.0,
    "backlog_unreviewed_share": 200.0 / 3,
    "no_contact_wait_share": 50.0,
    # no evidence-at-risk marker in the default profile; no call-answering data
    "evidence_at_risk_late_attendance": None,
    "call_999_answered_within_10s": None,
    "call_101_mean_answer_minutes": None,
}


def store_incidents(engine: sa.Engine) -> None:
    """Create only the incident tables (other capabilities absent) and store the log."""
    metadata.create_all(engine, tables=[incidents, incident_entries])
    with engine.begin() as conn:
        repo = SqlIncidentRepository(conn)
        for inc in build_incidents():
            repo.add(inc)


def _java_available() -> bool:
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """One Spark local-mode session for the whole run: one core, small memory, UTC.

    Skipped with a message when Java or pyspark is missing, unless WATCHKEEPER_REQUIRE_SPARK=1
    (then a missing engine fails the run). Whole-stage code generation is off: on test-sized
    data compiling generated code costs more than it saves.
    """
    required = os.environ.get("WATCHKEEPER_REQUIRE_SPARK") == "1"
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - depends on the machine
        if required:
            pytest.fail("WATCHKEEPER_REQUIRE_SPARK=1 but pyspark is not installed")
        pytest.skip("pyspark is not installed: Spark indicator tests skipped")
    if not _java_available():
        if required:
            pytest.fail(
                "WATCHKEEPER_REQUIRE_SPARK=1 but no Java runtime (java on PATH / JAVA_HOME)"
            )
        pytest.skip("no Java runtime found (Spark needs Java 17): Spark indicator tests skipped")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[1]")
        .appName("watchkeeper-indicator-tests")
        .config("spark.driver.memory", "512m")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def _t(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


REGISTER_TABLES = (
    "da_cases",
    "missing_episodes",
    "missing_reviews",
    "offenders",
    "offender_visits",
    "offender_notifications",
    "custody_periods",
    "scpo_considerations",
    "scpo_orders",
    "ocg_groups",
    "ocg_plans",
    "armed_deployments",
)


def _register_rows() -> dict[str, list[dict[str, Any]]]:
    from datetime import date

    def da(
        ref: str, h: float, dash: str, risk: str | None, signed: bool, marac: bool
    ) -> dict[str, Any]:
        return {"case_ref": ref, "victim_ref": f"v-{ref}", "opened_at": _t(h), "status": "open",
                "dash_status": dash, "risk_level": risk,
                "signed_off_by": "sgt" if signed else None, "signed_off_at": _t(h + 2) if signed else None,
                "marac_referred_on": date(2026, 3, 2) if marac else None}  # fmt: skip

    def mp(
        ref: str,
        h: float,
        child: bool,
        rationale: str | None,
        found: float | None,
        rhi: float | None,
        initial: str = "no-apparent-risk",
    ) -> dict[str, Any]:
        return {"episode_ref": ref, "person_ref": f"p-{ref}", "reported_at": _t(h),
                "date_of_birth": date(2012 if child else 1980, 1, 1), "is_child": child,
                "looked_after": False, "markers": [], "initial_risk": initial,
                "risk": initial, "call_answers": {}, "supervisor_rationale": rationale,
                "found_at": None if found is None else _t(found),
                "rhi_offered_at": None if rhi is None else _t(rhi), "status": "open",
                "reported_by": "ch"}  # fmt: skip

    def review(ref: str, seq: int, h: float, level: str) -> dict[str, Any]:
        return {"episode_ref": ref, "seq": seq, "at": _t(h), "by": "sgt", "level": level,
                "rationale": "reviewed"}  # fmt: skip

    def rso(ref: str, manager: str, status: str, registered: date = date(2025, 1, 1),
            months: int = 6, **kw: Any) -> dict[str, Any]:  # fmt: skip
        return {"offender_ref": ref, "person_ref": f"p-{ref}", "manager_ref": manager,
                "registered_on": registered, "risk_level": "medium", "mappa_category": 1,
                "mappa_level": 1, "no_fixed_abode": kw.get("nfa", False),
                "reactive": kw.get("reactive", False), "visit_interval_months": months,
                "visit_basis": "ARMS", "visit_rationale": "r", "status": status,
                "notification_ends_on": kw.get("ends")}  # fmt: skip

    def visits(ref: str, *days: date) -> list[dict[str, Any]]:
        return [{"offender_ref": ref, "seq": i, "visited_on": d, "by": "ppo", "note": "visit"}
                for i, d in enumerate(days, 1)]  # fmt: skip

    def notes(ref: str, *made: tuple[str, date]) -> list[dict[str, Any]]:
        return [{"offender_ref": ref, "seq": i, "kind": kind, "notified_on": on,
                 "recorded_by": "ppo"} for i, (kind, on) in enumerate(made, 1)]  # fmt: skip

    def order(ref: str, starts: date, ends: date, every: int, *checks: date) -> dict[str, Any]:
        made = make_order(ScpoOrder(
            ref, f"p-{ref}", "crown-court", starts, starts, ends, "soc-1", every,
            (Term(f"{ref}-t1", "no more than one phone", starts, ends),),
            checks=tuple(ComplianceCheck(f"{ref}-c{i}", d, "soc-1", "compliant")
                         for i, d in enumerate(checks, 1)),
        ), load_policy().scpo)  # fmt: skip
        return {"order_id": ref, "person_ref": made.person_ref, "group_id": None,
                "court": made.court, "starts_on": starts, "ends_on": ends,
                "monitoring_officer": made.monitoring_officer, "version": 1,
                "document": encode(made)}  # fmt: skip

    def ocg(ref: str, state: str, lro: str | None, band: str | None = None) -> dict[str, Any]:
        return {"group_id": ref, "name": ref, "state": state, "band": band, "lro": lro,
                "created_at": _t(-100), "version": 1, "document": {}}  # fmt: skip

    def arv(ref: str, incident: str, call: float, arrived: float | None) -> dict[str, Any]:
        return {"deployment_id": ref, "incident_ref": incident, "arv": ref, "area": "north",
                "call_at": _t(call), "arrived_at": None if arrived is None else _t(arrived)}  # fmt: skip

    return {
        "da_cases": [
            da("d1", 10, "completed", "high", True, True),
            da("d2", 11, "completed", "high", False, False),
            da("d3", 12, "none", "medium", False, False),
            da("d4", -5, "completed", "high", True, True),
        ],
        "missing_episodes": [
            mp("m1", 9, True, None, 10, 10 + 47),
            mp("m2", 10, True, "checked with school", 20, None),
            mp("m3", 11, False, None, None, None),
            mp("m4", -20, True, "ok", 5, 5 + 73),
            mp("m5", 2, False, None, 22, None, initial="high"),
            mp("m6", -3, False, None, 4.5, None, initial="medium"),
            mp("m7", 23, False, None, None, None, initial="high"),
        ],
        "missing_reviews": [
            review("m4", 1, 3, "high"),
            review("m5", 1, 2.5, "medium"),
            review("m5", 2, 7, "medium"),
            review("m5", 3, 11, "low"),
            review("m6", 1, 0.5, "medium"),
        ],
        "offenders": [
            rso("o1", "A", "active"),
            rso("o2", "A", "active"),
            rso("o3", "B", "active"),
            rso("o4", "C", "ended"),
            rso("o5", "B", "active", date(2025, 9, 1), reactive=True),
            rso("o6", "B", "active", date(2025, 12, 1), 3, nfa=True),
            rso("o7", "B", "active", ends=date(2026, 2, 28)),
        ],
        "offender_visits": [
            *visits("o1", date(2025, 6, 20), date(2025, 9, 1), date(2026, 3, 1)),
            *visits("o2", date(2025, 8, 29)),
            *visits("o3", date(2025, 9, 1)),
            *visits("o4", date(2025, 9, 1)),
            *visits("o6", date(2026, 3, 2)),
        ],
        "offender_notifications": [
            *notes(
                "o1",
                ("initial", date(2025, 1, 1)),
                ("change", date(2025, 3, 1)),
                ("periodic", date(2026, 2, 27)),
            ),
            *notes(
                "o2",
                ("initial", date(2025, 3, 1)),
                ("travel", date(2025, 6, 1)),
                ("periodic", date(2026, 3, 2)),
            ),
            *notes("o4", ("initial", date(2025, 3, 1))),
            *notes(
                "o6",
                ("initial", date(2025, 12, 1)),
                ("periodic", date(2026, 2, 22)),
                ("periodic", date(2026, 3, 1)),
            ),
            *notes("o7", ("initial", date(2025, 3, 1))),
        ],
        "custody_periods": [
            {"offender_ref": "o3", "seq": 1, "starts_on": date(2026, 2, 15), "ends_on": None},
        ],
        "scpo_orders": [
            order(
                "ord1", date(2026, 1, 4), date(2030, 12, 31), 28, date(2026, 2, 1), date(2026, 3, 4)
            ),
            order("ord2", date(2026, 2, 1), date(2030, 12, 31), 28, date(2026, 3, 5)),
            order("ord3", date(2025, 3, 1), date(2026, 2, 28), 365),
            order("ord4", date(2026, 2, 22), date(2030, 12, 31), 7, date(2026, 2, 25)),
        ],
        "scpo_considerations": [
            {
                "case_id": "s1",
                "person_ref": "x",
                "offence": "o",
                "heading": "h",
                "stage": "s",
                "flagged_at": _t(9),
                "decision": "apply",
                "reason": "r",
                "decided_by": "i",
                "decided_at": _t(30),
            },
            {
                "case_id": "s2",
                "person_ref": "y",
                "offence": "o",
                "heading": "h",
                "stage": "s",
                "flagged_at": _t(10),
                "decision": "pending",
                "reason": "",
                "decided_by": "",
                "decided_at": None,
            },
        ],
        "ocg_groups": [
            ocg("g1", "active", "L1", "A"),
            ocg("g2", "active", "L1", "D"),
            ocg("g3", "active", None, "A"),
            ocg("g4", "archived", "L2", "A"),
            ocg("g5", "dormant", "L2", "B"),
        ],
        "ocg_plans": [
            {
                "plan_id": "pl1",
                "group_id": "g1",
                "created_at": _t(-50),
                "review_by": _t(24 * 30),
                "document": {},
            },
            {
                "plan_id": "pl2",
                "group_id": "g2",
                "created_at": _t(-50),
                "review_by": _t(12),
                "document": {},
            },
        ],
        "armed_deployments": [
            arv("a1", "A", 10, 10.2),
            arv("a2", "A", 10, 10.15),
            arv("b1", "B", 11, 11 + 20 / 60),
            arv("c1", "C", 12, None),
            arv("d1", "D", -3, -2.5),
        ],
    }


# Hand computation: DASH completed 2 of 3 cases opened in the period; signed off 1 of those
# 2; high risk d1, d2 -> MARAC 1 of 2. Children with no-apparent-risk reported in the period
# m1, m2 -> no rationale 1 of 2. Children found in the period m1 (RHI 47 h), m2 (none), m4
# (73 h) -> 1 of 3. Active offenders o1, o2, o3, o5, o6, o7 over managers A, B -> 3.0. SCPO
# decided 1 of 2. Active groups g1, g2, g3 -> owned and with a current plan: g1 -> 1 of 3.
# Caseload states with an LRO: g1, g2 (L1), g5 (L2) -> 1.5; band-weighted with the default
# weights (A 3, B 2, D 0.5): L1 3 + 0.5, L2 2 -> 5.5 / 2 = 2.75. ARV: A first arrival 9 min,
# B 20 -> median 14.5, p90 9 + 0.9 * 11 = 18.9.
#
# Missing-person reviews (default intervals: high 1 h, medium 4 h, low 12 h, no apparent
# risk 24 h; hours from T0, period [0, 24)):
#   m1-m3 reported 9-11 h at no apparent risk: due 33-35 h, after the period.
#   m4 reported -20 (24 h) -> due 4, found at 5: counted, review at 3 -> on time;
#      review at 3 (high, 1 h) -> due 4, still missing, no later review -> late.
#   m5 reported 2 (high) -> due 3, review 2.5 on time; 2.5 (medium) -> due 6.5, next 7 late;
#      7 (medium) -> due 11, next at 11 on time (at the due time); 11 (low) -> due 23, but
#      found at 22: not counted.
#   m6 reported -3 (medium) -> due 1, review 0.5 on time; 0.5 -> due 4.5, found at 4.5
#      (found by then): not counted.
#   m7 reported 23 (high) -> due 24 = the period end: not in the period.
#   -> 4 of 6.
# RSO visits (period day 2026-03-01 in Europe/London):
#   o1 visited 2025-09-01 (6 months) -> due 2026-03-01, visited that day -> on time.
#   o2 visited 2025-08-29 -> due 2026-02-28 (clamped to February's end, not rolled to
#      1 March): before the period. o3's due 2026-03-01 falls in custody (from 2026-02-15):
#      not counted. o4 ended, o5 reactively managed: not counted.
#   o6 registered 2025-12-01 (3 months) -> due 2026-03-01, visited 2026-03-02 -> late.
#   -> 1 of 2.
# RSO s85 re-notification (12 months; no fixed abode 7 days after):
#   o1 change 2025-03-01 restarts the clock -> due 2026-03-01, periodic 2026-02-27: on time.
#   o2 initial 2025-03-01 -> due 2026-03-01; the travel notice does not restart it; periodic
#      2026-03-02: late. o6 (no fixed abode) periodic 2026-02-22 -> due 2026-03-01, next on
#      2026-03-01: on time. o4 ended; o7's period ended 2026-02-28: not counted.
#   -> 2 of 3.
# SCPO checks (grace 3 days):
#   ord1 check 2026-02-01 (28 days) -> due 2026-03-01, next 2026-03-04 = due + 3: on time.
#   ord2 from 2026-02-01 -> due 2026-03-01, first check 2026-03-05 = due + 4: late.
#   ord3 from 2025-03-01 (365 days) -> due 2026-03-01, after its last day 2026-02-28: none.
#   ord4 from 2026-02-22 (7 days) -> due 2026-03-01, checked early on 2026-02-25: on time.
#   -> 2 of 3.
REGISTER_EXPECTED: dict[str, float | None] = {
    "dash_completion_rate": 200.0 / 3,
    "dash_supervisor_signoff_rate": 50.0,
    "marac_referral_rate_high_risk": 50.0,
    "child_no_apparent_risk_without_rationale": 50.0,
    "return_home_interviews_within_72h": 100.0 / 3,
    "offender_manager_caseload": 3.0,
    "scpo_considered_rate": 50.0,
    "ocg_owned_with_current_4p_plan": 100.0 / 3,
    "lro_caseload": 1.5,
    "lro_weighted_caseload": 2.75,
    "arv_attendance_median_minutes": 14.5,
    "arv_attendance_p90_minutes": 18.9,
    "missing_person_reviews_on_time": 400.0 / 6,
    "rso_visits_on_time": 50.0,
    "rso_notifications_on_time": 200.0 / 3,
    "scpo_checks_on_schedule": 200.0 / 3,
}
REGISTER_COUNTS: dict[str, tuple[float, float]] = {
    "missing_person_reviews_on_time": (4, 6),
    "rso_visits_on_time": (1, 2),
    "rso_notifications_on_time": (2, 3),
    "scpo_checks_on_schedule": (2, 3),
    "lro_weighted_caseload": (5.5, 2),
}


def store_registers(engine: sa.Engine) -> None:
    """Create the register tables the indicators read, with the rows above."""
    tables = [metadata.tables[name] for name in REGISTER_TABLES]
    metadata.create_all(engine, tables=tables)
    rows = _register_rows()
    with engine.begin() as conn:
        for table in tables:
            conn.execute(table.insert(), rows[table.name])
