"""Graded judgements for a force and a period, from indicator values and a framework.

Each criterion is graded from its indicator's value; a question's grade is the weighted mean
of its assessed criteria (rounded, a half to the worse grade), capped by a triggered
composite criterion or a cause of concern. A question none of whose criteria have data is
"not assessed", and the judgement says it is partial: never presented as complete.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from watchkeeper.assessment.framework import (
    NOT_ASSESSED,
    UNGRADED,
    Criterion,
    Framework,
    Question,
)
from watchkeeper.assessment.indicators import IndicatorDefinition, IndicatorValue
from watchkeeper.assessment.periods import Period
from watchkeeper.assessment.statements import Evidence, Statement, statements_for, summary_for


@dataclass(frozen=True, slots=True)
class RaisedFinding:
    """A cause of concern or area for improvement raised by a criterion, with its evidence."""

    kind: str
    criterion: str
    question: str
    text: str
    recommendations: tuple[str, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class QuestionJudgement:
    question: Question
    grade: str  # a grade of the scale, "not assessed" or "ungraded"
    summary: str
    evidence: tuple[Evidence, ...]
    positives: tuple[Statement, ...]
    failings: tuple[Statement, ...]
    raised: tuple[RaisedFinding, ...]
    assessed: int  # criteria with data
    total: int  # threshold criteria

    @property
    def partial(self) -> bool:
        return self.assessed < self.total


@dataclass(frozen=True, slots=True)
class Change:
    """How a question's grade moved since the previous period."""

    question: str
    previous: str
    current: str
    direction: str  # "better" | "worse" | "same" | "not comparable"


@dataclass(frozen=True, slots=True)
class Judgement:
    framework: Framework
    force: str
    period: Period
    headline: str
    questions: tuple[QuestionJudgement, ...]
    changes: tuple[Change, ...]
    previous_period: Period | None

    @property
    def complete(self) -> bool:
        """True only when every criterion of every question had data."""
        return not any(q.partial for q in self.questions)

    @property
    def missing(self) -> tuple[str, ...]:
        """Indicator keys with no data, in framework order."""
        keys = [e.key for q in self.questions for e in q.evidence if e.value is None]
        return tuple(dict.fromkeys(keys))

    def raised(self, kind: str) -> tuple[RaisedFinding, ...]:
        return tuple(r for q in self.questions for r in q.raised if r.kind == kind)


def grade_value(criterion: Criterion, value: float | None, scale: tuple[str, ...]) -> str | None:
    """The best grade whose threshold the value meets (meeting it exactly counts)."""
    if value is None:
        return None
    for grade, threshold in criterion.thresholds:
        met = value >= threshold if criterion.higher_is_better else value <= threshold
        if met:
            return grade
    return scale[-1]


def _evidence(
    criterion: Criterion,
    values: Mapping[str, IndicatorValue],
    definitions: Mapping[str, IndicatorDefinition],
    period: Period,
    scale: tuple[str, ...],
) -> Evidence:
    key = criterion.indicator or ""
    iv = values.get(key)
    definition = definitions[key]
    usable = iv is not None and iv.status == "ok" and iv.value is not None
    value = iv.value if usable and iv is not None else None
    note = iv.note if iv is not None else "not computed"
    return Evidence(
        key, definition.name, definition.unit, value,
        iv.numerator if usable and iv else None, iv.denominator if usable and iv else None,
        period.label, note, criterion.id, grade_value(criterion, value, scale),
    )  # fmt: skip


def _mean_rank(pairs: list[tuple[int, float]]) -> int:
    total = sum(w for _, w in pairs)
    mean = sum(r * w for r, w in pairs) / total
    return math.floor(mean + 0.5 + 1e-9)  # a half rounds to the worse (higher) rank


def _raised_by(
    c: Criterion, fw: Framework, ev: tuple[Evidence, ...], grade: str
) -> list[RaisedFinding]:
    hits = [r for r in c.raises if c.composite or fw.at_or_below(grade, r.at)]
    hits.sort(key=lambda r: r.kind != "cause-of-concern")  # the more serious one only
    return [
        RaisedFinding(r.kind, c.id, c.question, r.text, r.recommendations, ev) for r in hits[:1]
    ]


def judge_question(
    fw: Framework,
    question: Question,
    values: Mapping[str, IndicatorValue],
    definitions: Mapping[str, IndicatorDefinition],
    period: Period,
) -> QuestionJudgement:
    """Grade one question from the indicator values of the period."""
    criteria = fw.criteria_for(question.key)
    by_id = {
        c.id: _evidence(c, values, definitions, period, fw.scale)
        for c in criteria
        if not c.composite
    }
    ranks: list[tuple[int, float]] = []
    raised: list[RaisedFinding] = []
    cap = 0
    for c in criteria:
        if c.composite:
            parts = tuple(by_id[r] for r in c.all_of if r in by_id)
            if parts and all(p.grade and fw.at_or_below(p.grade, c.at or "") for p in parts):
                cap = max(cap, fw.rank(c.at or fw.scale[-1]))
                raised += _raised_by(c, fw, parts, c.at or fw.scale[-1])
            continue
        ev = by_id[c.id]
        if ev.grade is None:
            continue
        ranks.append((fw.rank(ev.grade), c.weight))
        raised += _raised_by(c, fw, (ev,), ev.grade)
    if any(r.kind == "cause-of-concern" for r in raised):
        cap = max(cap, fw.rank(fw.cause_of_concern_caps_at))
    if not question.graded:
        grade = UNGRADED
    elif not ranks:
        grade = NOT_ASSESSED
    else:
        grade = fw.scale[max(_mean_rank(ranks), cap)]
    positives, failings = statements_for(fw, criteria, by_id, raised_failings(raised))
    evidence = tuple(by_id.values())
    return QuestionJudgement(
        question, grade, summary_for(question, grade, len(ranks), len(by_id)), evidence,
        positives, failings, tuple(raised), len(ranks), len(by_id),
    )  # fmt: skip


def raised_failings(raised: list[RaisedFinding]) -> list[tuple[str, tuple[Evidence, ...]]]:
    """Composite findings also read as failings: (criterion id, evidence)."""
    return [(r.criterion, r.evidence) for r in raised if len(r.evidence) > 1]


def headline_grade(fw: Framework, questions: tuple[QuestionJudgement, ...]) -> str:
    """Mean of the graded questions, no more than N grades better than the worst."""
    ranks = [fw.rank(q.grade) for q in questions if q.grade in fw.scale]
    if not ranks:
        return NOT_ASSESSED
    rank = max(_mean_rank([(r, 1.0) for r in ranks]), max(ranks) - fw.headline_steps_above_worst)
    return fw.scale[rank]


def _changes(fw: Framework, now: Judgement, before: Judgement | None) -> tuple[Change, ...]:
    if before is None:
        return ()
    earlier = {q.question.key: q.grade for q in before.questions}
    out = []
    for q in now.questions:
        prev = earlier.get(q.question.key, NOT_ASSESSED)
        if q.grade in fw.scale and prev in fw.scale:
            diff = fw.rank(q.grade) - fw.rank(prev)
            direction = "same" if diff == 0 else ("better" if diff < 0 else "worse")
        else:
            direction = "not comparable"
        out.append(Change(q.question.key, prev, q.grade, direction))
    return tuple(out)


def judge(
    fw: Framework,
    force: str,
    period: Period,
    values: Mapping[str, IndicatorValue],
    definitions: Mapping[str, IndicatorDefinition],
    *,
    previous: Judgement | None = None,
) -> Judgement:
    """Judge every question of the framework for ``force`` over ``period``."""
    questions = tuple(judge_question(fw, q, values, definitions, period) for q in fw.questions)
    draft = Judgement(
        fw, force, period, headline_grade(fw, questions), questions, (),
        previous.period if previous else None,
    )  # fmt: skip
    changes = _changes(fw, draft, previous)
    return Judgement(fw, force, period, draft.headline, questions, changes, draft.previous_period)
