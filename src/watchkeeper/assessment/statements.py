"""The words of a judgement: evidence lines, "positively..." and "however..." statements.

Every statement carries the evidence (indicator, value, period) it was generated from, so a
reader can always see which number, from which indicator and period, stands behind it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from watchkeeper.assessment.framework import NOT_ASSESSED, UNGRADED, Criterion, Question

if TYPE_CHECKING:
    from watchkeeper.assessment.framework import Framework


@dataclass(frozen=True, slots=True)
class Evidence:
    """One indicator value behind a criterion, for one period."""

    key: str
    name: str
    unit: str
    value: float | None  # None: no data (never shown as zero)
    numerator: float | None
    denominator: float | None
    period: str
    note: str
    criterion: str
    grade: str | None  # None: not assessed

    def value_text(self) -> str:
        return format_value(self.value, self.unit)

    def citation(self) -> str:
        """'Emergency incidents attended within target: 86.0% (430 of 500), 2026-Q3'."""
        base = f"{self.name}: {self.value_text()}"
        if self.value is not None and self.numerator is not None and self.denominator:
            base += f" ({self.numerator:,.0f} of {self.denominator:,.0f})"
        return f"{base}, {self.period}"


@dataclass(frozen=True, slots=True)
class Statement:
    """A generated sentence and the evidence it cites."""

    text: str
    evidence: tuple[Evidence, ...]

    def cited(self) -> str:
        return f"{self.text} ({'; '.join(e.citation() for e in self.evidence)})"


def format_value(value: float | None, unit: str) -> str:
    """How a value reads in the report, in its unit; no data is said, never zero."""
    if value is None:
        return "no data"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "minutes":
        return _minutes(value)
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _minutes(value: float) -> str:
    """Long waits read better in hours or days; the minutes stay for the exact figure."""
    if value >= 2 * 1440:
        return f"{value / 1440:,.1f} days ({value:,.0f} min)"
    if value >= 120:
        return f"{value / 60:,.1f} h ({value:,.0f} min)"
    return f"{value:,.1f} min"


def statements_for(
    fw: Framework,
    criteria: Sequence[Criterion],
    evidence: Mapping[str, Evidence],
    composites: Sequence[tuple[str, tuple[Evidence, ...]]],
) -> tuple[tuple[Statement, ...], tuple[Statement, ...]]:
    """Positives (graded at or above ``positive_from``) and failings (at or below
    ``failing_from``), each citing its evidence; triggered composites lead the failings."""
    positives: list[Statement] = []
    failings: list[Statement] = []
    by_id = {c.id: c for c in criteria}
    for cid, parts in composites:
        failings.append(Statement(by_id[cid].failing, parts))
    for c in criteria:
        ev = evidence.get(c.id)
        if ev is None or ev.grade is None:
            continue
        if fw.rank(ev.grade) <= fw.rank(fw.positive_from):
            positives.append(Statement(c.positive, (ev,)))
        elif fw.rank(ev.grade) >= fw.rank(fw.failing_from):
            failings.append(Statement(c.failing, (ev,)))
    return tuple(positives), tuple(failings)


def summary_for(question: Question, grade: str, assessed: int, total: int) -> str:
    """One paragraph under the question's grade, saying plainly what it rests on."""
    topic = question.short[0].lower() + question.short[1:]
    coverage = f"It rests on {assessed} of {total} criteria that had data in the period."
    if grade == NOT_ASSESSED:
        return (
            f"The force's effectiveness at {topic} could not be assessed: none of its "
            f"{total} criteria had data in the period. This part of the report is partial."
        )
    if grade == UNGRADED:
        return f"This question is not graded. {coverage}"
    partial = " Criteria without data are listed as not assessed." if assessed < total else ""
    return f"The force's effectiveness at {topic} is judged {grade}. {coverage}{partial}"
