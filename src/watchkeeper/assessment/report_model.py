"""The assessment report as plain data: what the HTML, the PDF and the JSON all show.

Built from a judgement, the findings register and the indicator series; every number in it
carries the indicator key and period it came from. ``as_json`` gives other tools the same
content the pages show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date, datetime
from typing import Any

from watchkeeper.assessment.findings import Finding, StatusDecision
from watchkeeper.assessment.framework import Framework
from watchkeeper.assessment.indicators import IndicatorDefinition, IndicatorValue
from watchkeeper.assessment.judgements import Judgement, grade_value
from watchkeeper.assessment.statements import Evidence, format_value

PARTIAL_WARNING = (
    "This report is partial: some indicators had no data for the period, so the questions or "
    "criteria that rest on them are marked not assessed. It must not be read as a complete "
    "assessment."
)


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    period: str
    value: float | None


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    name: str
    unit: str
    points: tuple[SeriesPoint, ...]


@dataclass(frozen=True, slots=True)
class LinkedIndicator:
    key: str
    name: str
    value: str
    grade: str | None
    period: str
    previous: str  # the same indicator over the previous period


@dataclass(frozen=True, slots=True)
class FindingProgress:
    finding: Finding
    indicators: tuple[LinkedIndicator, ...]
    decisions: tuple[StatusDecision, ...]


@dataclass(frozen=True, slots=True)
class AppendixEntry:
    key: str
    name: str
    meaning: str
    unit: str
    better: str
    sources: tuple[str, ...]
    capability: str
    used_by: tuple[str, ...]  # question numbers


@dataclass(frozen=True, slots=True)
class Report:
    force_code: str
    force_name: str
    judgement: Judgement
    generated_at: datetime
    progress: tuple[FindingProgress, ...]
    series: tuple[Series, ...]  # monthly trends, oldest first
    appendix: tuple[AppendixEntry, ...]
    notes: tuple[str, ...] = field(default=())
    # indicator key -> its value over the previous period (judgement.previous_period), "81.0%"
    previous_values: Mapping[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.judgement.complete

    @property
    def warning(self) -> str:
        return "" if self.complete else PARTIAL_WARNING

    def series_by_key(self) -> dict[str, Series]:
        return {s.key: s for s in self.series}


def progress_for(
    found: Sequence[Finding],
    decisions: Sequence[StatusDecision],
    framework: Framework,
    definitions: Mapping[str, IndicatorDefinition],
    *,
    now: tuple[str, Mapping[str, IndicatorValue]],
    before: tuple[str, Mapping[str, IndicatorValue]] | None,
) -> tuple[FindingProgress, ...]:
    """Each earlier finding with its linked indicators now and before, and its decisions."""
    label, values = now
    out = []
    for f in found:
        linked = []
        for key in f.indicators:
            definition = definitions[key]
            iv = values.get(key)
            value = iv.value if iv is not None and iv.status == "ok" else None
            grades = [
                grade_value(c, value, framework.scale)
                for c in framework.criteria
                if c.indicator == key
            ]
            grade = max(grades, key=lambda g: framework.rank(g) if g else -1, default=None)
            prev = "—"
            if before is not None:
                piv = before[1].get(key)
                pval = piv.value if piv is not None and piv.status == "ok" else None
                prev = f"{format_value(pval, definition.unit)} ({before[0]})"
            linked.append(
                LinkedIndicator(
                    key, definition.name, format_value(value, definition.unit), grade, label, prev
                )
            )
        mine = tuple(d for d in decisions if d.ref == f.ref)
        out.append(FindingProgress(f, tuple(linked), mine))
    return tuple(out)


def previous_values(judgement: Judgement | None) -> dict[str, str]:
    """Each indicator's value over a judgement's period, as the report reads it."""
    if judgement is None:
        return {}
    return {e.key: e.value_text() for q in judgement.questions for e in q.evidence}


def appendix_for(
    framework: Framework, definitions: Mapping[str, IndicatorDefinition]
) -> tuple[AppendixEntry, ...]:
    """Every indicator the framework uses, defined, with the questions using it."""
    entries = []
    for key in framework.indicator_keys():
        d = definitions[key]
        used = tuple(str(q.number) for q in framework.questions if key in q.indicators)
        better = "higher is better" if d.higher_is_better else "lower is better"
        entries.append(
            AppendixEntry(
                key, d.name, d.meaning, d.unit, better, d.source_tables, d.capability, used
            )
        )
    return tuple(entries)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _evidence(e: Evidence, previous: Mapping[str, str] | None = None) -> dict[str, Any]:
    row = {**_plain(e), "value_text": e.value_text(), "citation": e.citation()}
    if previous is not None:
        row["previous"] = previous.get(e.key)
    return row


def as_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (stable keys, ISO dates, no-data as null)."""
    j = report.judgement
    questions = []
    for q in j.questions:
        questions.append({
            "key": q.question.key, "number": q.question.number, "title": q.question.title,
            "grade": q.grade, "summary": q.summary, "assessed_criteria": q.assessed,
            "total_criteria": q.total, "partial": q.partial,
            "evidence": [_evidence(e, report.previous_values) for e in q.evidence],
            "positives": [{"text": s.text, "cites": [_evidence(e) for e in s.evidence]} for s in q.positives],
            "failings": [{"text": s.text, "cites": [_evidence(e) for e in s.evidence]} for s in q.failings],
            "raised": [{**_plain(r), "evidence": [_evidence(e) for e in r.evidence]} for r in q.raised],
        })  # fmt: skip
    return {
        "force": {"code": report.force_code, "name": report.force_name},
        "framework": {"id": j.framework.id, "version": j.framework.version, "title": j.framework.title},
        "period": {"label": j.period.label, "start": j.period.start.isoformat(), "end": j.period.end.isoformat()},
        "previous_period": j.previous_period.label if j.previous_period else None,
        "generated_at": report.generated_at.isoformat(),
        "complete": report.complete,
        "warning": report.warning or None,
        "missing_indicators": list(j.missing),
        "headline": {"question": j.framework.headline, "grade": j.headline},
        "questions": questions,
        "changes": _plain(list(j.changes)),
        "findings_progress": _plain(list(report.progress)),
        "series": _plain(list(report.series)),
        "appendix": _plain(list(report.appendix)),
        "notes": list(report.notes),
    }  # fmt: skip
