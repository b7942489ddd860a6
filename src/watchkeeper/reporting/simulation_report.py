"""Simulation results as files: the results table (CSV), every run (CSV), and SVG plots."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping

import numpy as np

from watchkeeper.reporting.plots import Bars, Line, bar_chart, line_chart
from watchkeeper.simulation.replicate import Replications
from watchkeeper.simulation.results import QUANTILES

RESULT_COLUMNS = (
    "policy",
    "measure",
    "mean",
    "ci95_low",
    "ci95_high",
    "replications",
    "target",
    "meets_target",
)
COMPARED = (
    ("attended_within_target.emergency", "emergency"),
    ("attended_within_target.priority", "priority"),
    ("attended_within_target.vulnerable", "vulnerable"),
    ("attended_within_target.not-vulnerable", "not vulnerable"),
    ("attended_within_target.all", "all timed"),
)


def _fmt(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.6g}"


def result_rows(reps: Replications, targets: Mapping[str, float]) -> list[dict[str, str]]:
    """One row per (policy, measure): mean, 95 % t-interval, and the target if one is set.

    A target is met when the interval's lower end reaches it (or the mean does, with one
    replication and no interval).
    """
    rows = []
    for policy, measures in reps.estimates().items():
        for name, est in measures.items():
            target = targets.get(name, math.nan)
            bound = est.low if math.isfinite(est.half_width) else est.mean
            meets = "" if math.isnan(target) else ("yes" if bound >= target else "no")
            rows.append(
                {
                    "policy": policy,
                    "measure": name,
                    "mean": _fmt(est.mean),
                    "ci95_low": _fmt(est.low),
                    "ci95_high": _fmt(est.high),
                    "replications": str(est.n),
                    "target": _fmt(target),
                    "meets_target": meets,
                }
            )
    return rows


def to_csv(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def run_rows(reps: Replications) -> tuple[list[dict[str, str]], tuple[str, ...]]:
    """Every replication's measures, one row per (policy, seed)."""
    names = sorted({n for s in reps.summaries for n in s.measures})
    rows = [
        {
            "policy": s.policy,
            "seed": str(s.seed),
            **{n: _fmt(s.measures.get(n, math.nan)) for n in names},
        }
        for s in reps.summaries
    ]
    return rows, ("policy", "seed", *names)


def backlog_plot(reps: Replications) -> str:
    """Mean backlog over the replications, per policy, against hours from the start."""
    lines = []
    for policy in reps.policies:
        runs = reps.of(policy)
        length = min(s.backlog.size for s in runs)
        mean = np.mean([s.backlog[:length] for s in runs], axis=0)
        hours = runs[0].backlog_times[:length] / 60.0
        lines.append(Line(policy, hours.tolist(), mean.tolist()))
    return line_chart(
        "Backlog: incidents waiting without a unit (mean of replications)",
        lines,
        "hours from the start of the trace",
        "incidents waiting",
    )


def attendance_plot(reps: Replications) -> str:
    """Distribution (CDF) of received-to-arrived minutes by grade, first replication."""
    lines = []
    for policy in reps.policies:
        first = reps.of(policy)[0]
        for grade, quantiles in first.attendance_quantiles.items():
            share = (QUANTILES / 100.0).tolist()
            lines.append(Line(f"{policy}: {grade}", np.minimum(quantiles, 240.0).tolist(), share))
    return line_chart(
        "Attendance time by grade (first replication; capped at 240 min)",
        lines,
        "minutes from receipt to arrival",
        "share attended by then",
    )


def comparison_plot(reps: Replications) -> str:
    """Attended within target, per policy, with 95 % intervals."""
    estimates = reps.estimates()
    present = [(m, label) for m, label in COMPARED if any(m in estimates[p] for p in reps.policies)]
    series = []
    for policy in reps.policies:
        got = estimates[policy]
        values = [got[m].mean if m in got else math.nan for m, _ in present]
        halves = [got[m].half_width if m in got else math.nan for m, _ in present]
        series.append(Bars(policy, values, halves))
    return bar_chart(
        "Attended within target, by policy (95 % t-intervals)",
        [label for _, label in present],
        series,
        "share within target",
        y_max=1.0,
    )


def report_files(reps: Replications, targets: Mapping[str, float]) -> dict[str, str]:
    """File name -> content, everything a run writes, built before anything is written."""
    runs, run_columns = run_rows(reps)
    return {
        "results.csv": to_csv(result_rows(reps, targets), RESULT_COLUMNS),
        "runs.csv": to_csv(runs, run_columns),
        "backlog.svg": backlog_plot(reps),
        "attendance_by_grade.svg": attendance_plot(reps),
        "policy_comparison.svg": comparison_plot(reps),
    }
