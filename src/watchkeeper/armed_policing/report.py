"""The firearms commander's summary: an HTML page and its SVG charts, as text.

Written for the six-monthly review of the Armed Policing Strategic Threat and Risk Assessment
(APSTRA; College of Policing APP, STANDARDS.md §8). The caller writes the files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from watchkeeper.armed_policing.analysis import ArmedAnalysis, GroupStat
from watchkeeper.armed_policing.charts import bar_chart, line_chart
from watchkeeper.armed_policing.config import ArmedPolicy


@dataclass(frozen=True, slots=True)
class Report:
    html: str
    charts: dict[str, str]  # file name -> SVG text


def charts_of(analysis: ArmedAnalysis, policy: ArmedPolicy) -> dict[str, str]:
    expected = policy.default_minutes
    return {
        "attendance-by-area.svg": bar_chart(
            "Attendance by area (median, 90th)", analysis.by_area, expected
        ),
        "attendance-by-hour.svg": line_chart(
            "Attendance by hour of call", analysis.by_hour, expected
        ),
        "attendance-by-day.svg": bar_chart("Attendance by day of week", analysis.by_day, expected),
        "attendance-by-month.svg": line_chart(
            "Attendance trend by month", analysis.by_month, expected
        ),
    }


def _rows(stats: Sequence[GroupStat]) -> str:
    return "".join(
        f"<tr><td>{escape(s.key)}</td><td>{s.count}</td><td>{s.median:.1f}</td>"
        f"<td>{s.p90:.1f}</td><td>{s.mean:.1f}</td><td>{s.share_within:.0%}</td></tr>"
        for s in stats
    )


def _table(title: str, stats: Sequence[GroupStat]) -> str:
    head = ("<tr><th>group</th><th>attended</th><th>median min</th><th>90th min</th>"
            "<th>mean min</th><th>within expectation</th></tr>")  # fmt: skip
    return f"<h2>{escape(title)}</h2><table>{head}{_rows(stats)}</table>"


def render(analysis: ArmedAnalysis, policy: ArmedPolicy, generated_at: datetime) -> Report:
    """The summary page (charts linked as files beside it) and the charts."""
    charts = charts_of(analysis, policy)
    o = analysis.overall
    headline = (
        f"<p>{analysis.deployments} deployments, {analysis.attended} attended; median "
        f"{o.median:.1f} min, 90th percentile {o.p90:.1f} min, {o.share_within:.0%} within the "
        f"expectation.</p>" if o else "<p>No attended deployments in the period.</p>"
    )  # fmt: skip
    source = policy.sources["expectation"].source
    stages = "".join(f"<li>{escape(k.replace('_', ' '))}: "
                     f"{'n/a' if v is None else f'{v:.1f} min'}</li>"
                     for k, v in analysis.stage_medians.items())  # fmt: skip
    outliers = "".join(
        f"<tr><td>{escape(x.incident_ref)}</td><td>{escape(x.area)}</td><td>{x.minutes:.1f}</td></tr>"
        for x in analysis.outliers[:50]
    )
    threshold = "" if analysis.outlier_threshold is None else f"{analysis.outlier_threshold:.1f}"
    images = "".join(f'<figure><img src="{name}" alt="{escape(name)}"></figure>' for name in charts)
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Armed response attendance</title><style>body{font-family:sans-serif;"
        "max-width:60em;margin:auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:2px 6px;text-align:right}</style></head><body>"
        f"<h1>Armed response attendance</h1><p>Generated {generated_at:%Y-%m-%d %H:%M} UTC.</p>"
        f"{headline}<p>Expectation: {policy.default_minutes:g} min by default "
        f"(<em>{escape(source)}</em>).</p><h2>Stages (medians)</h2><ul>{stages}</ul>"
        f"{_table('Slowest areas', analysis.slowest_areas)}"
        f"{_table('Slowest hours', analysis.slowest_hours)}"
        f"{_table('Slowest days', analysis.slowest_days)}{images}"
        f"{_table('By area', analysis.by_area)}{_table('By month', analysis.by_month)}"
        f"<h2>Outliers (above {threshold} min; first 50 of {len(analysis.outliers)})</h2>"
        f"<table><tr><th>incident</th><th>area</th><th>minutes</th></tr>{outliers}</table>"
        "</body></html>"
    )
    return Report(html, charts)
