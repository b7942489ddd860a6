"""The risk-ranked backlog: ranking, recommended actions, filters and the inspector's totals."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.incidents.backlog import BacklogFilters, build_backlog
from watchkeeper.incidents.entries import (
    CallSource,
    ContactMade,
    Grade,
    Graded,
    Level,
    Location,
    Opened,
    ThriveAssessed,
    ThriveElement,
    ThriveRating,
    VulnerabilityMarked,
)
from watchkeeper.incidents.model import Incident, IncidentState, Status
from watchkeeper.incidents.risk import RiskContext
from watchkeeper.kernel.errors import NotFound
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.settings import load_force_profile

T0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
PROFILE = load_force_profile()


def _minutes(m: float) -> datetime:
    return T0 + timedelta(minutes=m)


def _thrive(level: Level) -> ThriveAssessed:
    return ThriveAssessed({e: ThriveRating(level, "assessed on the call") for e in ThriveElement})


def _state(
    incident_id: str,
    grade: Grade | None = Grade.PRIORITY,
    category: str = "burglary",
    area: str = "north",
    logged: float = 0.0,
    **kw,
) -> IncidentState:
    opened = Opened(CallSource.NON_EMERGENCY_101, Location("1 High Street", area), category)
    return IncidentState(
        IncidentId(incident_id),
        opened,
        _minutes(logged),
        grade=Graded(grade, PROFILE.label_for(grade)) if grade else None,
        graded_at=_minutes(logged) if grade else None,
        **kw,
    )


def _critical(incident_id: str, grade: Grade, **kw) -> IncidentState:
    # weapons harm 36 + every THRIVE element high (36) = 72: critical in the default bands.
    return _state(incident_id, grade, "weapons", thrive=_thrive(Level.HIGH), **kw)


def _row(states, incident_id: str, now: datetime, contexts=None):
    backlog = build_backlog(states, contexts or {}, PROFILE, now)
    return next(r for r in backlog.rows if r.incident_id == incident_id)


def _rules(state: IncidentState, now: datetime) -> set[str]:
    return {a.rule for a in _row([state], state.incident_id, now).actions}


# --- ranking ------------------------------------------------------------------------------


def test_rows_are_ranked_by_risk_highest_first() -> None:
    states = [
        _state("INC-LOW", category="admin"),
        _critical("INC-CRIT", Grade.EMERGENCY),
        _state("INC-MID", category="domestic-abuse"),
    ]
    rows = build_backlog(states, {}, PROFILE, _minutes(5)).rows
    assert [r.incident_id for r in rows] == ["INC-CRIT", "INC-MID", "INC-LOW"]
    assert rows[0].band == "critical"


def test_equal_scores_go_to_the_earlier_deadline_first() -> None:
    states = [
        _state("INC-LATER", Grade.SCHEDULED, appointment_at=_minutes(600)),
        _state("INC-SOONER", Grade.SCHEDULED, appointment_at=_minutes(300)),
    ]
    rows = build_backlog(states, {}, PROFILE, _minutes(5)).rows
    assert rows[0].score == rows[1].score
    assert [r.incident_id for r in rows] == ["INC-SOONER", "INC-LATER"]


def test_equal_scores_without_deadlines_go_to_the_older_incident_first() -> None:
    states = [_state("INC-NEW", None, logged=10), _state("INC-OLD", None, logged=0)]
    rows = build_backlog(states, {}, PROFILE, _minutes(12)).rows
    assert rows[0].score == rows[1].score
    assert [r.incident_id for r in rows] == ["INC-OLD", "INC-NEW"]


def test_closed_incidents_are_not_in_the_backlog() -> None:
    states = [_state("INC-OPEN"), _state("INC-SHUT", status=Status.CLOSED, closed_at=_minutes(1))]
    backlog = build_backlog(states, {}, PROFILE, _minutes(5))
    assert [r.incident_id for r in backlog.rows] == ["INC-OPEN"]
    assert backlog.summary.total_open == 1


def test_a_row_built_from_a_real_log_carries_what_the_dispatcher_needs() -> None:
    opened = Opened(CallSource.EMERGENCY_999, Location("2 Mill Lane", "west"), "domestic-abuse")
    incident = Incident.open(IncidentId("INC-LOG"), opened, T0, "ch-1", T0)
    incident.record(Graded(Grade.EMERGENCY, "P1"), _minutes(1), "ch-1", _minutes(1))
    incident.record(VulnerabilityMarked("child"), _minutes(2), "ch-1", _minutes(2))
    row = _row([incident.state], "INC-LOG", _minutes(8))
    assert (row.grade, row.grade_label, row.area, row.category) == (
        Grade.EMERGENCY,
        "P1",
        "west",
        "domestic-abuse",
    )
    assert row.waited_minutes == pytest.approx(8.0)
    assert row.minutes_to_breach == pytest.approx(12.0)  # rural emergency: 20 minutes
    assert row.markers == ("child",)
    assert row.has_contact is False and row.last_review_at is None
    assert row.status is Status.OPEN


def test_the_explanation_of_a_row_is_built_on_demand_and_matches_its_score() -> None:
    states = [_critical("INC-1", Grade.PRIORITY), _state("INC-2")]
    backlog = build_backlog(states, {IncidentId("INC-1"): RiskContext(1, 1, 1)}, PROFILE, T0)
    assessment = backlog.explain(IncidentId("INC-1"))
    assert math.isclose(assessment.score, backlog.rows[0].score)
    assert "safeguarding-records" in {f.name for f in assessment.factors}
    with pytest.raises(NotFound):
        backlog.explain(IncidentId("INC-NOT-HERE"))


# --- recommended actions -----------------------------------------------------------------


def test_a_caller_not_contacted_within_the_callback_time_is_called_back() -> None:
    assert "call-back-now" in _rules(_state("INC-1"), _minutes(31))
    assert "call-back-now" not in _rules(_state("INC-1"), _minutes(30))
    called = _state("INC-1", last_contact_at=_minutes(10))
    assert "call-back-now" not in _rules(called, _minutes(31))


def test_a_long_wait_without_a_recent_supervisor_review_asks_for_one() -> None:
    action = next(
        a
        for a in _row([_state("INC-1")], "INC-1", _minutes(121)).actions
        if a.rule == "supervisor-review"
    )
    assert "never reviewed" in action.reason
    recently = _state("INC-1", last_review_at=_minutes(100))
    assert "supervisor-review" not in _rules(recently, _minutes(121))
    long_ago = _state("INC-1", last_review_at=_minutes(0))
    assert "supervisor-review" in _rules(long_ago, _minutes(121))
    assert "supervisor-review" not in _rules(_state("INC-1"), _minutes(119))


def test_high_risk_held_at_a_low_grade_is_recommended_for_re_grading() -> None:
    high_scheduled = _state("INC-1", Grade.SCHEDULED, "weapons", thrive=_thrive(Level.MEDIUM))
    assert _row([high_scheduled], "INC-1", T0).band == "high"
    assert "re-grade" in _rules(high_scheduled, T0)
    assert "re-grade" in _rules(_critical("INC-1", Grade.PRIORITY), T0)
    high_priority = _state("INC-1", Grade.PRIORITY, "weapons", thrive=_thrive(Level.MEDIUM))
    assert "re-grade" not in _rules(high_priority, T0)
    assert "re-grade" not in _rules(_critical("INC-1", Grade.EMERGENCY), T0)


def test_an_emergency_or_critical_incident_with_no_unit_is_recommended_for_deployment() -> None:
    assert "deploy" in _rules(_state("INC-1", Grade.EMERGENCY), T0)
    assert "deploy" in _rules(_critical("INC-1", Grade.PRIORITY), T0)
    assigned = _state("INC-1", Grade.EMERGENCY, units=("unit-1",), status=Status.ASSIGNED)
    assert "deploy" not in _rules(assigned, T0)
    assert "deploy" not in _rules(_state("INC-1", Grade.PRIORITY), T0)


def test_an_unassigned_incident_about_to_breach_is_flagged() -> None:
    emergency = _state("INC-1", Grade.EMERGENCY)
    assert "breach-imminent" in _rules(emergency, _minutes(5))
    assert "breach-imminent" not in _rules(emergency, _minutes(16))  # already breached
    assert "breach-imminent" not in _rules(_state("INC-1", Grade.PRIORITY), _minutes(5))
    assigned = _state("INC-1", Grade.EMERGENCY, units=("unit-1",), status=Status.ASSIGNED)
    assert "breach-imminent" not in _rules(assigned, _minutes(5))


def test_a_quiet_fresh_incident_needs_no_action() -> None:
    assert _row([_state("INC-1")], "INC-1", _minutes(1)).actions == ()


# --- filters and the summary -------------------------------------------------------------


def _mixed() -> list[IncidentState]:
    return [
        _critical("INC-A", Grade.EMERGENCY, area="west", markers=frozenset({"child"})),
        _state("INC-B", Grade.PRIORITY, area="north", last_contact_at=_minutes(1)),
        _state("INC-C", Grade.SCHEDULED, "admin", area="north", last_review_at=_minutes(2)),
        _state("INC-D", None, area="east", logged=-200, thrive=_thrive(Level.MEDIUM)),
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (BacklogFilters(grade=Grade.PRIORITY), {"INC-B"}),
        (BacklogFilters(band="critical"), {"INC-A"}),
        (BacklogFilters(area="north"), {"INC-B", "INC-C"}),
        (BacklogFilters(marker="child"), {"INC-A"}),
        (BacklogFilters(area="north", grade=Grade.SCHEDULED), {"INC-C"}),
    ],
)
def test_filters_narrow_the_rows_but_not_the_inspectors_totals(filters, expected) -> None:
    backlog = build_backlog(_mixed(), {}, PROFILE, _minutes(90), filters)
    assert {r.incident_id for r in backlog.rows} == expected
    assert backlog.summary.total_open == 4


def test_the_summary_answers_the_duty_inspectors_questions() -> None:
    summary = build_backlog(_mixed(), {}, PROFILE, _minutes(90)).summary
    assert summary.as_of == _minutes(90)
    assert summary.by_grade == {
        "emergency": 1,
        "priority": 1,
        "scheduled": 1,
        "resolution-without-deployment": 0,
        "ungraded": 1,
    }
    assert sum(summary.by_band.values()) == 4 and summary.by_band["critical"] == 1
    assert summary.oldest is not None
    assert summary.oldest.incident_id == "INC-D"
    assert summary.oldest.waited_minutes == pytest.approx(290.0)
    assert summary.breached == 2  # INC-A (15 min) and INC-B (60 min) at 90 minutes
    assert summary.vulnerable == 2  # INC-A's marker, INC-D's THRIVE vulnerability
    assert summary.no_contact == 3  # all but INC-B, each waiting more than 60 minutes
    assert summary.unreviewed == 3


def test_an_empty_backlog_has_an_empty_summary() -> None:
    summary = build_backlog([], {}, PROFILE, T0).summary
    assert summary.total_open == 0 and summary.oldest is None
    assert set(summary.by_band.values()) == {0}


@given(
    st.lists(
        st.tuples(
            st.sampled_from([None, *Grade]),
            st.sampled_from(list(PROFILE.categories)),
            st.floats(-600, 0),
            st.booleans(),
        ),
        max_size=25,
    ),
    st.floats(0, 600),
)
def test_rows_are_always_in_descending_score_and_every_open_incident_is_counted(specs, now):
    states = [
        _state(f"INC-{i}", grade, category, logged=logged, units=("u",) if assigned else ())
        for i, (grade, category, logged, assigned) in enumerate(specs)
    ]
    backlog = build_backlog(states, {}, PROFILE, _minutes(now))
    scores = [r.score for r in backlog.rows]
    assert scores == sorted(scores, reverse=True)
    assert len(backlog.rows) == backlog.summary.total_open == len(states)
    assert sum(backlog.summary.by_grade.values()) == len(states)


def test_contact_recorded_on_the_log_clears_the_call_back_recommendation() -> None:
    opened = Opened(CallSource.NON_EMERGENCY_101, Location("3 Park Road", "north"), "theft")
    incident = Incident.open(IncidentId("INC-CB"), opened, T0, "ch-1", T0)
    incident.record(Graded(Grade.PRIORITY, "P2"), T0, "ch-1", T0)
    assert "call-back-now" in _rules(incident.state, _minutes(45))
    incident.record(ContactMade("reassured, waiting"), _minutes(40), "ch-1", _minutes(40))
    assert "call-back-now" not in _rules(incident.state, _minutes(45))


# --- the array-built board against the row-by-row definitions ------------------------


def _by_definition(backlog, states, now):
    """Rank order and totals worked out row by row from the rows' own fields, as the
    module's documentation defines them (highest score; earlier deadline, none last; older
    call; incident id)."""
    logged = {s.incident_id: s.logged_at for s in states}
    rows = sorted(
        backlog.rows,
        key=lambda r: (
            -r.score,
            r.deadline is None,
            r.deadline or T0,
            logged[r.incident_id],
            r.incident_id,
        ),
    )
    oldest = max(
        sorted(backlog.rows, key=lambda r: [s.incident_id for s in states].index(r.incident_id)),
        key=lambda r: r.waited_minutes,
        default=None,
    )
    silent = PROFILE.backlog.no_contact_minutes
    totals = {
        "by_band": {b: sum(r.band == b for r in backlog.rows) for b in backlog.summary.by_band},
        "oldest": None if oldest is None else (oldest.incident_id, oldest.waited_minutes),
        "breached": sum(r.minutes_to_breach is not None and r.minutes_to_breach < 0
                        for r in backlog.rows),
        "no_contact": sum(not r.has_contact and r.waited_minutes > silent for r in backlog.rows),
        "unreviewed": sum(r.last_review_at is None for r in backlog.rows),
    }  # fmt: skip
    return [r.incident_id for r in rows], totals


SPEC = st.tuples(
    st.sampled_from([None, *Grade]),
    st.sampled_from(["weapons", "burglary", "domestic-abuse", "theft"]),
    st.integers(-300, 0),  # logged, whole minutes: ties are common
    st.one_of(st.none(), st.integers(-300, 60)),  # arrived (maybe after now)
    st.booleans(),  # contact made
    st.booleans(),  # reviewed
)


@given(st.lists(SPEC, max_size=30), st.integers(0, 240))
def test_the_array_built_board_ranks_and_counts_as_the_row_definitions_say(specs, now_minute):
    now = _minutes(now_minute)
    states = [
        _state(
            f"INC-{i:02d}",
            grade,
            category,
            logged=logged,
            arrived_at=None if arrived is None else _minutes(max(arrived, logged)),
            last_contact_at=_minutes(logged) if contact else None,
            last_review_at=_minutes(logged) if reviewed else None,
        )
        for i, (grade, category, logged, arrived, contact, reviewed) in enumerate(specs)
    ]
    backlog = build_backlog(states, {}, PROFILE, now)
    order, totals = _by_definition(backlog, states, now)
    summary = backlog.summary

    assert [r.incident_id for r in backlog.rows] == order
    assert summary.by_band == totals["by_band"]
    oldest = summary.oldest
    assert (None if oldest is None else (oldest.incident_id, oldest.waited_minutes)) == totals[
        "oldest"
    ]
    assert summary.breached == totals["breached"]
    assert summary.no_contact == totals["no_contact"]
    assert summary.unreviewed == totals["unreviewed"]
    alerting = {r.incident_id for r in backlog.rows.alerting()}
    assert alerting == {
        r.incident_id
        for r in backlog.rows
        if r.band == "critical" or (r.minutes_to_breach is not None and r.minutes_to_breach < 0)
    }
    for n, row in enumerate(backlog.rows, start=1):
        assert backlog.rows.rank_of(row.incident_id) == n
    assert backlog.rows[-1:] == tuple(backlog.rows)[-1:]
