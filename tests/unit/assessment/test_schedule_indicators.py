"""The schedule indicators' rules against small hand-computed registers (DuckDB over Parquet).

Missing-person reviews, RSO visits and notifications, SCPO checks and the band-weighted LRO
caseload: each rule boundary, the configuration they read (changing a configured interval,
grace or weight changes the result), and the calendar arithmetic against the domain's own
``months_after`` over every day of several years.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from watchkeeper.analytics.indicator_backends import DuckDBParquetBackend
from watchkeeper.analytics.indicator_engine import compute_indicators
from watchkeeper.analytics.register_queries import (
    day_number,
    month_key,
    months_after_key,
    python_month_key,
)
from watchkeeper.assessment.indicators import IndicatorValue
from watchkeeper.organised_crime.config import load_policy
from watchkeeper.persistence.analytics_export import (
    ENTRY_FACTS_SCHEMA,
    INCIDENTS_SCHEMA,
    REGISTER_SCHEMAS,
    SCPO_SCHEMAS,
)
from watchkeeper.safeguarding.policy import default_policy, months_after

T0 = datetime(2026, 7, 1, tzinfo=UTC)
DAY = (T0 - timedelta(hours=1), T0 + timedelta(hours=23))  # 1 July, midnight to midnight BST
TODAY = date(2026, 7, 1)


def _folder(tmp_path: Path, **tables: list[dict[str, Any]]) -> DuckDBParquetBackend:
    folder = tmp_path / "pq"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(INCIDENTS_SCHEMA.empty_table(), folder / "incidents.parquet")
    pq.write_table(ENTRY_FACTS_SCHEMA.empty_table(), folder / "entry_facts.parquet")
    schemas = {**REGISTER_SCHEMAS, **SCPO_SCHEMAS}
    for name, rows in tables.items():
        pq.write_table(pa.Table.from_pylist(rows, schemas[name]), folder / f"{name}.parquet")
    return DuckDBParquetBackend(folder, threads=1)


def _one(backend: DuckDBParquetBackend, key: str, **kw: Any) -> IndicatorValue:
    return compute_indicators(backend, *DAY, [key], **kw)[key]


def _h(hours: float) -> datetime:
    return DAY[0] + timedelta(hours=hours)


# --- missing-person reviews -------------------------------------------------------------


def _episode(ref: str, reported: float, risk: str, found: float | None = None) -> dict[str, Any]:
    return {"episode_ref": ref, "reported_at": _h(reported), "is_child": False,
            "initial_risk": risk, "risk": risk, "supervisor_rationale": None,
            "found_at": None if found is None else _h(found), "rhi_offered_at": None}  # fmt: skip


def _review(ref: str, seq: int, at: float, level: str) -> dict[str, Any]:
    return {"episode_ref": ref, "seq": seq, "at": _h(at), "level": level}


def test_a_review_is_due_the_interval_of_the_risk_then_current(tmp_path: Path) -> None:
    # default intervals: high 1 h, medium 4 h. e1 reported high at 1 -> due 2, reviewed at 2
    # (on time, re-graded medium) -> due 6, reviewed at 6.5 (late); 6.5 medium -> due 10.5,
    # nothing after: late. e2 reported medium at 3 -> due 7, found at 5: owed by nobody.
    backend = _folder(
        tmp_path,
        missing_episodes=[_episode("e1", 1, "high"), _episode("e2", 3, "medium", found=5)],
        missing_reviews=[_review("e1", 1, 2, "medium"), _review("e1", 2, 6.5, "medium")],
    )
    v = _one(backend, "missing_person_reviews_on_time")
    assert (v.status, v.numerator, v.denominator) == ("ok", 1.0, 3.0)


def test_the_review_intervals_come_from_the_safeguarding_policy(tmp_path: Path) -> None:
    backend = _folder(
        tmp_path,
        missing_episodes=[_episode("e1", 1, "high")],
        missing_reviews=[_review("e1", 1, 3, "high")],
    )
    # default: high 1 h -> due 2, reviewed at 3 late; 3 -> due 4, none after: 0 of 2
    assert _one(backend, "missing_person_reviews_on_time").numerator == 0.0
    policy = default_policy()
    longer = dataclasses.replace(
        policy.missing, review_hours={**policy.missing.review_hours, "high": 2.0}
    )
    changed = dataclasses.replace(policy, missing=longer)
    # high every 2 h -> due 3: reviewed at 3 on time; 3 -> due 5, none: 1 of 2
    v = _one(backend, "missing_person_reviews_on_time", safeguarding_policy=changed)
    assert (v.numerator, v.denominator) == (1.0, 2.0)


def test_no_review_due_in_the_period_is_no_data_not_zero(tmp_path: Path) -> None:
    backend = _folder(tmp_path, missing_episodes=[_episode("e1", 23.5, "high")], missing_reviews=[])
    v = _one(backend, "missing_person_reviews_on_time")
    assert (v.status, v.value) == ("no-data", None)
    assert "no supervisory review fell due" in v.note


# --- RSO visits and notifications -------------------------------------------------------


def _offender(ref: str, registered: date, months: int = 6, **kw: Any) -> dict[str, Any]:
    return {"offender_ref": ref, "status": kw.get("status", "active"), "manager_ref": "m",
            "registered_on": registered, "notification_ends_on": kw.get("ends"),
            "no_fixed_abode": kw.get("nfa", False), "reactive": kw.get("reactive", False),
            "visit_interval_months": months}  # fmt: skip


def _visits(ref: str, *days: date) -> list[dict[str, Any]]:
    return [{"offender_ref": ref, "visited_on": d} for d in days]


def test_visits_are_due_the_planned_months_after_the_last_clamped_to_month_end(
    tmp_path: Path,
) -> None:
    # o1: 2025-12-31 + 6 months -> 2026-06-30 (June has 30 days), not 1 July: not due today.
    # o2: 2026-01-01 + 6 months -> due today; visited today: on time.
    # o3: registered 2026-04-01 (3 months) -> due today; next visit 2 July: late.
    backend = _folder(
        tmp_path,
        offenders=[
            _offender("o1", date(2025, 1, 1)),
            _offender("o2", date(2025, 6, 1)),
            _offender("o3", date(2026, 4, 1), 3),
        ],
        offender_visits=[
            *_visits("o1", date(2025, 12, 31)),
            *_visits("o2", date(2026, 1, 1), TODAY),
            *_visits("o3", date(2026, 7, 2)),
        ],
        custody_periods=[],
    )
    v = _one(backend, "rso_visits_on_time")
    assert (v.numerator, v.denominator) == (1.0, 2.0)


def test_custody_reactive_management_and_ended_registration_owe_no_visit(tmp_path: Path) -> None:
    start = date(2026, 1, 1)  # + 6 months: due today for every one of them
    backend = _folder(
        tmp_path,
        offenders=[
            _offender("in-custody", start),
            _offender("released", start),
            _offender("reactive", start, reactive=True),
            _offender("ended", start, status="ended"),
        ],
        offender_visits=[],
        custody_periods=[
            {"offender_ref": "in-custody", "starts_on": date(2026, 6, 1), "ends_on": None},
            {
                "offender_ref": "released",
                "starts_on": date(2026, 3, 1),
                "ends_on": date(2026, 6, 30),
            },
        ],
    )
    v = _one(backend, "rso_visits_on_time")
    assert (v.numerator, v.denominator) == (0.0, 1.0)  # only 'released' is owed a visit


def _notes(ref: str, *made: tuple[str, date]) -> list[dict[str, Any]]:
    return [{"offender_ref": ref, "kind": kind, "notified_on": on} for kind, on in made]


def test_a_change_restarts_the_annual_clock_and_travel_does_not(tmp_path: Path) -> None:
    backend = _folder(
        tmp_path,
        offenders=[_offender(r, date(2025, 1, 1)) for r in ("a", "b", "c")],
        offender_notifications=[
            # a: change 2025-07-01 restarts -> due today, periodic today: on time
            *_notes(
                "a",
                ("initial", date(2025, 1, 1)),
                ("change", date(2025, 7, 1)),
                ("periodic", TODAY),
            ),
            # b: initial 2025-07-01 -> due today; travel in between is ignored; late
            *_notes(
                "b",
                ("initial", date(2025, 7, 1)),
                ("travel", date(2025, 9, 1)),
                ("periodic", date(2026, 7, 3)),
            ),
            # c: initial 2025-07-01 -> due today; a change notified 2026-03-01, before the
            # due day, met it (and restarted the clock: due 2027-03-01)
            *_notes("c", ("initial", date(2025, 7, 1)), ("change", date(2026, 3, 1))),
        ],
    )
    v = _one(backend, "rso_notifications_on_time")
    assert (v.numerator, v.denominator) == (2.0, 3.0)


def test_no_fixed_abode_is_weekly_and_an_ended_period_owes_nothing(tmp_path: Path) -> None:
    # default: 7 days counted from the day after -> 2026-06-24 makes today due
    backend = _folder(
        tmp_path,
        offenders=[
            _offender("nfa-on-time", date(2026, 6, 1), nfa=True),
            _offender("nfa-late", date(2026, 6, 1), nfa=True),
            _offender("ended", date(2025, 1, 1), ends=date(2026, 6, 30)),
        ],
        offender_notifications=[
            *_notes("nfa-on-time", ("periodic", date(2026, 6, 24)), ("periodic", TODAY)),
            *_notes("nfa-late", ("periodic", date(2026, 6, 24)), ("periodic", date(2026, 7, 2))),
            *_notes("ended", ("initial", date(2025, 7, 1))),
        ],
    )
    v = _one(backend, "rso_notifications_on_time")
    assert (v.numerator, v.denominator) == (1.0, 2.0)


# --- SCPO checks and LRO caseload -------------------------------------------------------


def _order(ref: str, starts: date, ends: date, every: int) -> dict[str, Any]:
    return {"order_id": ref, "starts_on": starts, "ends_on": ends, "check_interval_days": every}


def test_a_check_is_on_schedule_within_the_configured_grace(tmp_path: Path) -> None:
    ends = date(2030, 1, 1)
    backend = _folder(
        tmp_path,
        scpo_orders=[
            _order("grace", date(2026, 6, 3), ends, 28),  # due today, done +3 days
            _order("late", date(2026, 6, 3), ends, 28),  # due today, done +4 days
            _order("over", date(2026, 6, 3), date(2026, 6, 30), 28),  # ended before due
        ],
        scpo_checks=[
            {"order_id": "grace", "done_on": date(2026, 7, 4)},
            {"order_id": "late", "done_on": date(2026, 7, 5)},
        ],
    )
    v = _one(backend, "scpo_checks_on_schedule")
    assert (v.numerator, v.denominator) == (1.0, 2.0)
    policy = load_policy()
    stricter = dataclasses.replace(
        policy, scpo=dataclasses.replace(policy.scpo, check_grace_days=0)
    )
    assert _one(backend, "scpo_checks_on_schedule", soc_policy=stricter).numerator == 0.0


def test_the_lro_caseload_is_weighted_by_the_configured_band_weights(tmp_path: Path) -> None:
    def group(ref: str, band: str | None, lro: str, state: str = "active") -> dict[str, Any]:
        return {"group_id": ref, "state": state, "band": band, "lro": lro,
                "created_at": T0 - timedelta(days=10)}  # fmt: skip

    backend = _folder(
        tmp_path,
        ocg_groups=[
            group("g1", "A", "L1"),
            group("g2", "C", "L1"),
            group("g3", None, "L2"),  # unscored: counts 1
            group("g4", "A", "L2", state="archived"),  # not on a caseload
        ],
    )
    # defaults A 3, C 1: L1 4, L2 1 -> 2.5 per LRO
    v = _one(backend, "lro_weighted_caseload")
    assert (v.value, v.numerator, v.denominator) == (2.5, 5.0, 2.0)
    assert v.note == "5 band-weighted groups over 2 LROs"
    policy = load_policy()
    heavier = dataclasses.replace(
        policy, caseload=dataclasses.replace(
            policy.caseload, band_weights={**policy.caseload.band_weights, "A": 4.5}
        )
    )  # fmt: skip
    assert _one(backend, "lro_weighted_caseload", soc_policy=heavier).value == 3.25
    assert _one(backend, "lro_caseload").value == 1.5  # the plain count is still there


# --- calendar arithmetic ------------------------------------------------------------------


@pytest.mark.parametrize("months", [1, 3, 6, 12, 24])
def test_calendar_arithmetic_matches_the_domain_every_day_of_four_years(months: int) -> None:
    days = [date(2023, 1, 1) + timedelta(days=i) for i in range(4 * 366)]
    con = ibis.duckdb.connect()
    t = con.create_table("d", pa.table({"on": pa.array(days, pa.date32())}))
    index = (t.on.year() * 12 + t.on.month() - 1).cast("int64")
    expr = t.select(
        t.on,
        day=day_number(t.on),
        key=month_key(t.on),
        due=months_after_key(index, t.on.day().cast("int64"), months),
    ).order_by("on")
    got = con.execute(expr)
    assert list(got["day"]) == [(d - date(1970, 1, 1)).days for d in days]
    assert list(got["key"]) == [python_month_key(d) for d in days]
    assert list(got["due"]) == [python_month_key(months_after(d, months)) for d in days]


def test_while_the_period_runs_actions_not_yet_due_are_not_counted_as_missed(
    tmp_path: Path,
) -> None:
    # e1 reported high at 1 h -> due 2 h, missed (a missed review counts once). e2 reported
    # medium at 5 h -> due 9 h, no review yet.
    backend = _folder(
        tmp_path,
        missing_episodes=[_episode("e1", 1, "high"), _episode("e2", 5, "medium")],
        missing_reviews=[],
    )
    keys = ["missing_person_reviews_on_time"]
    whole = compute_indicators(backend, *DAY, keys)
    assert whole["missing_person_reviews_on_time"].denominator == 2.0
    # measured at 6 h into the day: e2's review is not due until 9 h
    early = compute_indicators(backend, *DAY, keys, as_of=_h(6))
    assert early["missing_person_reviews_on_time"].denominator == 1.0
    # a measurement after the period end changes nothing
    late = compute_indicators(backend, *DAY, keys, as_of=DAY[1] + timedelta(days=3))
    assert late["missing_person_reviews_on_time"].denominator == 2.0


def test_an_scpo_check_inside_its_grace_is_not_yet_overdue(tmp_path: Path) -> None:
    week = (DAY[0], DAY[0] + timedelta(days=7))  # 1-7 July
    backend = _folder(
        tmp_path,
        scpo_orders=[_order("o", date(2026, 6, 3), date(2030, 1, 1), 28)],  # due 1 July
        scpo_checks=[],
    )
    key = "scpo_checks_on_schedule"
    # on 4 July the 3-day grace has not run out: nothing is owed yet
    during = compute_indicators(backend, *week, [key], as_of=datetime(2026, 7, 4, 12, tzinfo=UTC))
    assert during[key].status == "no-data"
    after = compute_indicators(backend, *week, [key], as_of=datetime(2026, 7, 5, 12, tzinfo=UTC))
    assert (after[key].numerator, after[key].denominator) == (0.0, 1.0)
