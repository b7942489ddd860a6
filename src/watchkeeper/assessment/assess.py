"""One assessment run: indicators for the period and the one before, judgements, trends,
progress on earlier findings, and the report model. The indicator engine is an input."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from watchkeeper.assessment.findings import Finding, StatusDecision
from watchkeeper.assessment.framework import Framework
from watchkeeper.assessment.indicators import IndicatorDefinition, IndicatorValue
from watchkeeper.assessment.judgements import judge
from watchkeeper.assessment.periods import Period, parse_period
from watchkeeper.assessment.report_model import (
    Report,
    Series,
    SeriesPoint,
    appendix_for,
    previous_values,
    progress_for,
)

ValuesFor = Callable[[Period, Iterable[str] | None], Mapping[str, IndicatorValue]]

# The monthly trend charts: attendance, the backlog, and safeguarding / SOC compliance.
TREND_KEYS = (
    "emergency_attendance_within_target",
    "emergency_attendance_within_target_vulnerable",
    "priority_attendance_within_target",
    "priority_attendance_within_target_vulnerable",
    "backlog_open_count",
    "backlog_age_p90_minutes",
    "backlog_unreviewed_share",
    "no_contact_wait_share",
    "dash_completion_rate",
    "missing_person_reviews_on_time",
    "rso_visits_on_time",
    "scpo_checks_on_schedule",
)


@dataclass(frozen=True, slots=True)
class AssessmentRequest:
    framework: Framework
    definitions: Mapping[str, IndicatorDefinition]
    force_code: str
    force_name: str
    period: Period
    zone: ZoneInfo
    trend_months: int = 6


def trend_months(period: Period, count: int, zone: ZoneInfo) -> list[Period]:
    """The ``count`` calendar months ending with the period's last month, oldest first."""
    months = [parse_period(f"{period.last_day:%Y-%m}", zone)]
    while len(months) < count:
        months.insert(0, months[0].previous(zone))
    return months


def steps_for(request: AssessmentRequest) -> int:
    """How many engine runs an assessment makes (for a progress bar)."""
    return 2 + request.trend_months


def assess(
    request: AssessmentRequest,
    values_for: ValuesFor,
    found: Sequence[Finding],
    decisions: Sequence[StatusDecision],
    *,
    now: datetime,
    on_step: Callable[[str], None] | None = None,
) -> Report:
    """Run the whole assessment; ``on_step`` is told after each engine run."""
    tick = on_step or (lambda _label: None)
    fw, defs, period = request.framework, request.definitions, request.period
    keys = tuple(defs)
    previous_period = period.previous(request.zone)
    before = values_for(previous_period, keys)
    tick(f"indicators for {previous_period.label}")
    current = values_for(period, keys)
    tick(f"indicators for {period.label}")
    earlier = judge(fw, request.force_code, previous_period, before, defs)
    judgement = judge(fw, request.force_code, period, current, defs, previous=earlier)
    wanted = tuple(k for k in TREND_KEYS if k in defs)
    monthly: list[tuple[str, Mapping[str, IndicatorValue]]] = []
    for month in trend_months(period, request.trend_months, request.zone):
        monthly.append((month.label, values_for(month, wanted)))
        tick(f"trend for {month.label}")
    series = tuple(
        Series(k, defs[k].name, defs[k].unit, tuple(SeriesPoint(lbl, _value(v.get(k))) for lbl, v in monthly))
        for k in wanted
    )  # fmt: skip
    progress = progress_for(
        found,
        decisions,
        fw,
        defs,
        now=(period.label, current),
        before=(previous_period.label, before),
    )
    notes: tuple[str, ...] = ()
    if period.end > now:
        notes = (
            f"The period {period.label} has not ended: its figures run only to the time this "
            "report was generated and will change.",
        )
    return Report(
        request.force_code, request.force_name, judgement, now, progress, series,
        appendix_for(fw, defs), notes, previous_values(earlier),
    )  # fmt: skip


def _value(iv: IndicatorValue | None) -> float | None:
    return iv.value if iv is not None and iv.status == "ok" else None
