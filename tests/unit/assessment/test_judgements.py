"""Judgement criteria on given indicator values: boundaries, aggregation, causes, partiality."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watchkeeper.assessment.framework import NOT_ASSESSED, UNGRADED, load_framework, parse_framework
from watchkeeper.assessment.indicators import IndicatorValue, registry
from watchkeeper.assessment.judgements import grade_value, headline_grade, judge
from watchkeeper.assessment.periods import parse_period

DEFS = registry()
Q3 = parse_period("2026-Q3")
Q2 = parse_period("2026-Q2")


def iv(
    key: str, value: float | None, num: float | None = None, den: float | None = None
) -> IndicatorValue:
    """A hand-made indicator value (None: no data)."""
    start, end = datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)
    if value is None:
        return IndicatorValue(key, start, end, None, None, None, "no-data", "not present")
    return IndicatorValue(key, start, end, value, num, den, "ok", "hand-made")


def small_framework():
    """One graded question with two threshold criteria and a composite cause of concern."""
    return parse_framework(
        {
            "framework": {
                "id": "t", "version": "1", "title": "T", "headline": "H?", "source": "test",
                "scale": ["outstanding", "good", "requires improvement", "inadequate"],
            },
            "question": [
                {"key": "v", "number": 1, "title": "V?", "short": "Vulnerability",
                 "indicators": ["emergency_attendance_within_target", "backlog_unreviewed_share"]},
                {"key": "s", "number": 2, "title": "S?", "short": "SOC", "indicators": ["lro_caseload"]},
            ],
            "criterion": [
                {"id": "att", "question": "v", "indicator": "emergency_attendance_within_target",
                 "thresholds": {"outstanding": 95, "good": 90, "requires improvement": 80},
                 "positive": "attending promptly", "failing": "attending late", "source": "test",
                 "area-for-improvement": {"at": "requires improvement", "text": "Attend faster."}},
                {"id": "rev", "question": "v", "indicator": "backlog_unreviewed_share", "better": "lower",
                 "thresholds": {"outstanding": 5, "good": 15, "requires improvement": 35},
                 "positive": "reviewing the backlog", "failing": "not reviewing", "source": "test"},
                {"id": "both", "question": "v", "all_of": ["att", "rev"], "at": "requires improvement",
                 "failing": "late and unreviewed", "source": "test",
                 "cause-of-concern": {"at": "requires improvement", "text": "Failing to attend.",
                                      "recommendations": ["Understand the backlog."]}},
                {"id": "lro", "question": "s", "indicator": "lro_caseload", "better": "lower",
                 "thresholds": {"good": 3, "requires improvement": 5}, "positive": "manageable",
                 "failing": "too many", "source": "test"},
            ],
        },
        DEFS,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "grade"),
    [(100, "outstanding"), (95, "outstanding"), (94.99, "good"), (90, "good"),
     (89.99, "requires improvement"), (80, "requires improvement"), (79.99, "inadequate"), (0, "inadequate")],
)  # fmt: skip
def test_a_value_exactly_on_a_threshold_earns_that_grade_and_just_below_does_not(value, grade):
    att = small_framework().criteria[0]
    assert grade_value(att, value, small_framework().scale) == grade


@pytest.mark.parametrize(
    ("value", "grade"),
    [(0, "outstanding"), (5, "outstanding"), (5.01, "good"), (15, "good"), (35, "requires improvement"), (35.01, "inadequate")],
)  # fmt: skip
def test_lower_is_better_thresholds_grade_from_the_other_side(value, grade):
    rev = small_framework().criteria[1]
    assert grade_value(rev, value, small_framework().scale) == grade


def test_a_criterion_without_an_outstanding_threshold_can_reach_good_at_best():
    lro = small_framework().criteria[3]
    assert grade_value(lro, 0.5, small_framework().scale) == "good"


def test_no_data_is_not_graded_at_all():
    assert grade_value(small_framework().criteria[0], None, small_framework().scale) is None


def test_a_question_grade_is_the_rounded_mean_with_a_half_going_to_the_worse_grade():
    fw = small_framework()
    # outstanding (0) and requires improvement (2): mean 1 -> good, composite not triggered
    j = judge(
        fw,
        "f",
        Q3,
        {
            "emergency_attendance_within_target": iv("x", 96),
            "backlog_unreviewed_share": iv("y", 20),
        },
        DEFS,
    )
    assert j.questions[0].grade == "good"
    # good (1) and requires improvement (2): mean 1.5 -> requires improvement
    j = judge(
        fw,
        "f",
        Q3,
        {
            "emergency_attendance_within_target": iv("x", 91),
            "backlog_unreviewed_share": iv("y", 20),
        },
        DEFS,
    )
    assert j.questions[0].grade == "requires improvement"


def test_the_composite_cause_of_concern_triggers_only_when_all_its_parts_fall_and_caps_the_grade():
    fw = small_framework()
    both_bad = {
        "emergency_attendance_within_target": iv("x", 85, 85, 100),
        "backlog_unreviewed_share": iv("y", 30),
    }
    j = judge(fw, "f", Q3, both_bad, DEFS)
    q = j.questions[0]
    concerns = [r for r in q.raised if r.kind == "cause-of-concern"]
    assert [c.text for c in concerns] == ["Failing to attend."]
    assert concerns[0].recommendations == ("Understand the backlog.",)
    assert {e.key for e in concerns[0].evidence} == {
        "emergency_attendance_within_target",
        "backlog_unreviewed_share",
    }
    assert q.grade == "inadequate"  # a cause of concern caps the question (2021 definition)

    one_bad = {
        "emergency_attendance_within_target": iv("x", 85),
        "backlog_unreviewed_share": iv("y", 10),
    }
    q = judge(fw, "f", Q3, one_bad, DEFS).questions[0]
    assert not [r for r in q.raised if r.kind == "cause-of-concern"]
    assert [r.text for r in q.raised] == ["Attend faster."]  # the area for improvement only


def test_statements_cite_the_indicator_values_and_period_behind_them():
    fw = small_framework()
    values = {
        "emergency_attendance_within_target": iv("x", 97.5, 390, 400),
        "backlog_unreviewed_share": iv("y", 40),
    }
    q = judge(fw, "f", Q3, values, DEFS).questions[0]

    assert [s.text for s in q.positives] == ["attending promptly"]
    cited = q.positives[0].cited()
    assert "Emergency incidents attended within target: 97.5% (390 of 400), 2026-Q3" in cited
    assert [s.text for s in q.failings] == ["not reviewing"]
    assert "Open incidents never reviewed by a supervisor: 40.0%, 2026-Q3" in q.failings[0].cited()


def test_a_question_whose_indicators_all_have_no_data_is_not_assessed_and_the_judgement_is_partial():
    fw = small_framework()
    values = {"emergency_attendance_within_target": iv("x", 92), "backlog_unreviewed_share": iv("y", 10),
              "lro_caseload": iv("z", None)}  # fmt: skip
    j = judge(fw, "f", Q3, values, DEFS)

    soc = j.questions[1]
    assert soc.grade == NOT_ASSESSED
    assert "could not be assessed" in soc.summary and "partial" in soc.summary
    assert not j.complete
    assert j.missing == ("lro_caseload",)
    assert soc.evidence[0].value_text() == "no data"  # never shown as zero


def test_a_period_with_no_data_at_all_is_not_assessed_everywhere():
    fw = small_framework()
    j = judge(fw, "f", Q3, {}, DEFS)

    assert j.headline == NOT_ASSESSED
    assert {q.grade for q in j.questions} == {NOT_ASSESSED}
    assert not j.complete


def test_the_headline_reproduces_west_midlands_2017_from_its_question_grades():
    fw = load_framework("peel-2017-effectiveness", DEFS)
    j = judge(fw, "west-midlands", Q3, {}, DEFS)
    graded = tuple(
        type(q)(q.question, {"vulnerability": "inadequate", "serious-organised-crime": "good"}.get(q.question.key, NOT_ASSESSED),
                q.summary, q.evidence, q.positives, q.failings, q.raised, q.assessed, q.total)
        for q in j.questions
    )  # fmt: skip
    # HMICFRS 2017: question 3 inadequate, question 4 good, headline requires improvement.
    assert headline_grade(fw, graded) == "requires improvement"


def test_the_specialist_capabilities_question_is_ungraded_but_still_raises_its_area_for_improvement():
    fw = load_framework("peel-2017-effectiveness", DEFS)
    j = judge(fw, "f", Q3, {"arv_attendance_p90_minutes": iv("arv", 45)}, DEFS)
    q5 = next(q for q in j.questions if q.question.number == 5)

    assert q5.grade == UNGRADED
    assert [r.kind for r in q5.raised] == ["area-for-improvement"]


def test_change_since_the_previous_period_is_reported_per_question():
    fw = small_framework()
    before = judge(
        fw,
        "f",
        Q2,
        {
            "emergency_attendance_within_target": iv("x", 70),
            "backlog_unreviewed_share": iv("y", 50),
        },
        DEFS,
    )
    now = judge(
        fw,
        "f",
        Q3,
        {"emergency_attendance_within_target": iv("x", 96), "backlog_unreviewed_share": iv("y", 4)},
        DEFS,
        previous=before,
    )

    change = {c.question: c for c in now.changes}
    assert (change["v"].previous, change["v"].current, change["v"].direction) == (
        "inadequate",
        "outstanding",
        "better",
    )
    assert change["s"].direction == "not comparable"
    assert now.previous_period == Q2


def test_the_2021_framework_grades_adequate_from_the_same_engine():
    fw = load_framework("peel-2021-five-point", DEFS)
    values = {"emergency_attendance_within_target": iv("e", 77.0), "priority_attendance_within_target": iv("p", 70.0),
              "backlog_unreviewed_share": iv("b", 20.0), "no_contact_wait_share": iv("n", 10.0)}  # fmt: skip
    j = judge(fw, "f", Q3, values, DEFS)
    responding = next(q for q in j.questions if q.question.key == "responding")

    assert {e.grade for e in responding.evidence if e.grade} == {"adequate"}
    assert responding.grade == "adequate"
    assert responding.partial  # 999 answering has no data
