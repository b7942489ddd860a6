"""Risk scores: explainable, bounded, monotone, and the same on both paths."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.incidents.entries import (
    CallSource,
    Grade,
    Graded,
    Level,
    Location,
    Opened,
    ThriveAssessed,
    ThriveElement,
    ThriveRating,
)
from watchkeeper.incidents.model import IncidentState, Status
from watchkeeper.incidents.policy import BANDS
from watchkeeper.incidents.risk import (
    RiskContext,
    explain,
    features_of,
    max_score,
    score_features,
)
from watchkeeper.kernel.errors import DomainRuleViolation
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.settings import load_force_profile

T0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
PROFILE = load_force_profile()
PROFILES = [
    PROFILE,
    dataclasses.replace(PROFILE, clock_start="graded"),
    dataclasses.replace(PROFILE, regrade_restarts_clock=True),
]
LEVELS = list(Level)
NOTHING = RiskContext()


def _minutes(m: float) -> datetime:
    return T0 + timedelta(minutes=m)


def _thrive(level: Level = Level.NONE, **levels: Level) -> ThriveAssessed:
    chosen = {e: levels.get(e.value, level) for e in ThriveElement}
    return ThriveAssessed({e: ThriveRating(lv, "assessed on the call") for e, lv in chosen.items()})


def _state(
    grade: Grade | None = Grade.PRIORITY, category: str = "burglary", area: str = "north", **kw
) -> IncidentState:
    opened = Opened(CallSource.NON_EMERGENCY_101, Location("1 High Street", area), category)
    graded = Graded(grade, "label") if grade else None
    return IncidentState(
        IncidentId(kw.pop("incident_id", "INC-1")),
        opened,
        T0,
        grade=graded,
        graded_at=T0 if grade else None,
        **kw,
    )


def _points(assessment, name: str) -> float | None:
    found = [f.points for f in assessment.factors if f.name == name]
    return found[0] if found else None


# --- worked examples against the default profile ---------------------------------------


def test_every_factor_is_named_and_the_factors_sum_to_the_score() -> None:
    state = _state(
        Grade.EMERGENCY,
        "domestic-abuse",
        thrive=_thrive(Level.LOW, threat=Level.HIGH),
        markers=frozenset({"child", "domestic-abuse"}),
    )
    context = RiskContext(repeat_location=2, repeat_victim=1, known_records=1)
    assessment = explain(state, context, PROFILE, _minutes(7.5))
    # harm 32; THRIVE threat 6x1.5 + (harm 1 + risk 1 + inv .5 + vul 1.5 + eng .5) x 1 point;
    # markers 12 + 10; repeat victim 6, location 4, one record 10; waited 7.5/15 x 20 = 10.
    expected = {
        "harm": 32.0,
        "thrive:threat": 9.0,
        "thrive:harm": 1.0,
        "thrive:risk": 1.0,
        "thrive:investigation": 0.5,
        "thrive:vulnerability": 1.5,
        "thrive:engagement": 0.5,
        "marker:child": 12.0,
        "marker:domestic-abuse": 10.0,
        "repeat-victim": 6.0,
        "repeat-location": 4.0,
        "safeguarding-records": 10.0,
        "waiting": 10.0,
    }
    assert {f.name: f.points for f in assessment.factors} == pytest.approx(expected)
    assert assessment.score == pytest.approx(97.5)
    assert assessment.score == sum(f.points for f in assessment.factors)
    assert assessment.band == "critical"


def test_an_unknown_marker_is_listed_but_scores_nothing() -> None:
    assessment = explain(_state(markers=frozenset({"typo"})), NOTHING, PROFILE, T0)
    marker = next(f for f in assessment.factors if f.name == "marker:typo")
    assert marker.points == 0.0
    assert "not in the force profile" in marker.detail


def test_an_unmapped_category_carries_the_unknown_category_harm() -> None:
    assessment = explain(_state(category="no-such-code"), NOTHING, PROFILE, T0)
    assert _points(assessment, "harm") == PROFILE.harm_of(PROFILE.unknown_category)


def test_linked_safeguarding_records_count_only_up_to_the_cap() -> None:
    many = explain(_state(), RiskContext(known_records=40), PROFILE, T0)
    capped = PROFILE.risk.safeguarding_records_cap * PROFILE.risk.safeguarding_points
    assert _points(many, "safeguarding-records") == capped


def test_an_incident_without_a_timed_target_has_no_waiting_factor() -> None:
    for grade in (None, Grade.RESOLUTION_WITHOUT_DEPLOYMENT, Grade.SCHEDULED):
        assessment = explain(_state(grade), NOTHING, PROFILE, _minutes(600))
        assert _points(assessment, "waiting") is None
        assert _points(assessment, "breach") is None


def test_waiting_points_grow_with_the_wait_and_stop_at_the_cap() -> None:
    at_target = explain(_state(Grade.PRIORITY), NOTHING, PROFILE, _minutes(60))
    assert _points(at_target, "waiting") == pytest.approx(PROFILE.risk.waiting_points_at_target)
    long_after = explain(_state(Grade.PRIORITY), NOTHING, PROFILE, _minutes(6000))
    assert _points(long_after, "waiting") == PROFILE.risk.waiting_points_cap


def test_breach_points_are_added_only_once_the_deadline_has_passed() -> None:
    state = _state(Grade.EMERGENCY)
    assert _points(explain(state, NOTHING, PROFILE, _minutes(15)), "breach") is None
    late = explain(state, NOTHING, PROFILE, _minutes(15.01))
    assert _points(late, "breach") == PROFILE.risk.breach_points


def test_no_contact_scores_after_the_configured_silence_and_contact_removes_it() -> None:
    silent = explain(_state(), NOTHING, PROFILE, _minutes(31))
    assert _points(silent, "no-contact") == PROFILE.risk.no_contact_points
    assert _points(explain(_state(), NOTHING, PROFILE, _minutes(30)), "no-contact") is None
    called_back = _state(last_contact_at=_minutes(20))
    assert _points(explain(called_back, NOTHING, PROFILE, _minutes(31)), "no-contact") is None


def test_a_closed_incident_is_not_scored() -> None:
    closed = _state(status=Status.CLOSED, closed_at=_minutes(10))
    with pytest.raises(DomainRuleViolation, match="closed"):
        explain(closed, NOTHING, PROFILE, _minutes(20))
    with pytest.raises(DomainRuleViolation, match="closed"):
        features_of([closed], {}, PROFILE)


def test_the_maximum_score_is_reached_when_every_factor_is_at_its_ceiling() -> None:
    worst = max(PROFILE.categories.values(), key=lambda c: c.harm).code
    state = _state(
        Grade.EMERGENCY, worst, thrive=_thrive(Level.HIGH), markers=frozenset(PROFILE.markers)
    )
    context = RiskContext(1, 1, PROFILE.risk.safeguarding_records_cap)
    assert explain(state, context, PROFILE, _minutes(10_000)).score == max_score(PROFILE)


@pytest.mark.parametrize("at", [14.999999, 15, 15.000001, 29.999999, 30, 30.000001])
def test_both_paths_agree_exactly_at_the_deadline_and_the_no_contact_moment(at) -> None:
    # Random times almost never land on an edge; these do (emergency due at 15, silence at 30).
    states = [
        _state(Grade.EMERGENCY),
        _state(Grade.EMERGENCY, incident_id="INC-2", arrived_at=T0 + timedelta(minutes=15)),
    ]
    now = T0 + timedelta(minutes=at)
    scores, _ = score_features(features_of(states, {}, PROFILE), PROFILE, now)
    explained = [explain(s, NOTHING, PROFILE, now).score for s in states]
    assert scores.tolist() == pytest.approx(explained, rel=1e-12, abs=1e-12)


def test_an_empty_backlog_scores_to_empty_arrays() -> None:
    scores, bands = score_features(features_of([], {}, PROFILE), PROFILE, T0)
    assert scores.shape == (0,) and bands.shape == (0,)


# --- properties ---------------------------------------------------------------------------

offsets = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=8))
thrives = st.none() | st.fixed_dictionaries(
    {e: st.sampled_from(LEVELS) for e in ThriveElement}
).map(lambda d: ThriveAssessed({e: ThriveRating(lv, "why") for e, lv in d.items()}))
contexts = st.builds(RiskContext, st.integers(0, 5), st.integers(0, 5), st.integers(0, 6))


@st.composite
def open_states(draw: st.DrawFn, incident_id: str = "INC-1") -> IncidentState:
    logged = draw(st.datetimes(datetime(2024, 1, 1), datetime(2028, 1, 1), timezones=st.just(UTC)))
    grade = draw(st.none() | st.sampled_from(Grade))
    opened = Opened(
        CallSource.EMERGENCY_999,
        Location("1 High Street", draw(st.sampled_from(["north", "west", "nowhere"]))),
        draw(st.sampled_from([*PROFILE.categories, "no-such-code"])),
    )

    def later() -> datetime | None:
        return draw(st.none() | offsets.map(lambda d: logged + d))

    return IncidentState(
        IncidentId(incident_id),
        opened,
        logged,
        status=draw(st.sampled_from([s for s in Status if s is not Status.CLOSED])),
        grade=Graded(grade, "label") if grade else None,
        graded_at=logged + draw(offsets) if grade else None,
        thrive=draw(thrives),
        markers=draw(st.frozensets(st.sampled_from([*PROFILE.markers, "typo"]))),
        last_contact_at=later(),
        appointment_at=later(),
        arrived_at=later(),
    )


def _now_after(state: IncidentState, wait: timedelta) -> datetime:
    return state.logged_at + wait


@given(open_states(), contexts, st.sampled_from(PROFILES), offsets)
def test_scoring_is_deterministic(state, context, profile, wait) -> None:
    now = _now_after(state, wait)
    assert explain(state, context, profile, now) == explain(state, context, profile, now)


@given(open_states(), contexts, st.sampled_from(PROFILES), offsets)
def test_the_score_stays_between_zero_and_the_profile_maximum(state, context, profile, wait):
    assessment = explain(state, context, profile, _now_after(state, wait))
    assert 0.0 <= assessment.score <= max_score(profile)
    assert assessment.score == sum(f.points for f in assessment.factors)
    assert assessment.band == profile.risk.band_of(assessment.score)


@given(
    open_states(),
    contexts,
    st.sampled_from(PROFILES),
    offsets,
    st.sampled_from([*PROFILE.markers, "typo"]),
)
def test_adding_a_marker_never_lowers_the_score(state, context, profile, wait, marker):
    now = _now_after(state, wait)
    marked = dataclasses.replace(state, markers=state.markers | {marker})
    assert (
        explain(marked, context, profile, now).score >= explain(state, context, profile, now).score
    )


@given(
    open_states(),
    contexts,
    st.sampled_from(PROFILES),
    offsets,
    st.sampled_from(ThriveElement),
    st.sampled_from(LEVELS),
)
def test_raising_a_thrive_level_never_lowers_the_score(
    state, context, profile, wait, element, level
):
    now = _now_after(state, wait)
    base = (
        state.thrive.ratings
        if state.thrive
        else {e: ThriveRating(Level.NONE, "why") for e in ThriveElement}
    )
    current = base[element].level
    raised_level = max(current, level, key=LEVELS.index)
    raised = dataclasses.replace(
        state, thrive=ThriveAssessed({**base, element: ThriveRating(raised_level, "new facts")})
    )
    assert (
        explain(raised, context, profile, now).score >= explain(state, context, profile, now).score
    )


@given(open_states(), contexts, st.sampled_from(PROFILES), offsets, offsets)
def test_time_passing_never_lowers_the_score(state, context, profile, wait, more):
    now = _now_after(state, wait)
    earlier = explain(state, context, profile, now).score
    assert explain(state, context, profile, now + more).score >= earlier


@given(
    st.lists(st.tuples(open_states(), contexts), min_size=1, max_size=12),
    st.sampled_from(PROFILES),
    offsets,
)
def test_the_vectorised_scores_agree_with_the_explained_ones(rows, profile, wait) -> None:
    states = [
        dataclasses.replace(s, incident_id=IncidentId(f"INC-{i}")) for i, (s, _) in enumerate(rows)
    ]
    ctx = {s.incident_id: c for s, (_, c) in zip(states, rows, strict=True)}
    now = max(s.logged_at for s in states) + wait
    scores, bands = score_features(features_of(states, ctx, profile), profile, now)
    explained = [explain(s, ctx[s.incident_id], profile, now) for s in states]
    assert np.allclose(scores, [a.score for a in explained], rtol=1e-9, atol=1e-9)
    for code, assessment in zip(bands, explained, strict=True):
        near_edge = any(
            math.isclose(assessment.score, t, abs_tol=1e-6)
            for t in profile.risk.band_thresholds.values()
        )
        assert near_edge or BANDS[code] == assessment.band
