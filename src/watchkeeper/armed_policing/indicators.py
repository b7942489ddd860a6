"""Indicator for the effectiveness report: armed attendance within the expectation."""

from __future__ import annotations

from dataclasses import dataclass

from watchkeeper.armed_policing.analysis import ArmedAnalysis


@dataclass(frozen=True, slots=True)
class Ratio:
    value: float
    numerator: int
    denominator: int


def attendance_within_expectation(analysis: ArmedAnalysis) -> Ratio | None:
    """Share of attended armed deployments that arrived within the expectation (None: none)."""
    overall = analysis.overall
    if overall is None or overall.count == 0:
        return None
    return Ratio(overall.within / overall.count, overall.within, overall.count)
