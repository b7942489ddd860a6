"""The assessment report as HTML (Jinja2): a whole document, or its body for the web app."""

from __future__ import annotations

from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from watchkeeper.assessment.framework import NOT_ASSESSED, UNGRADED
from watchkeeper.assessment.report_model import Report, Series
from watchkeeper.assessment.statements import Evidence
from watchkeeper.reporting.charts import Bar, bar_chart, line_chart

ATTENDANCE_BARS = (
    ("emergency_attendance_within_target", "Emergency, all incidents"),
    ("emergency_attendance_within_target_vulnerable", "Emergency, vulnerable victim"),
    ("priority_attendance_within_target", "Priority, all incidents"),
    ("priority_attendance_within_target_vulnerable", "Priority, vulnerable victim"),
)
GRADE_CLASS = {
    "outstanding": "g-outstanding",
    "good": "g-good",
    "adequate": "g-adequate",
    "requires improvement": "g-ri",
    "inadequate": "g-inadequate",
    NOT_ASSESSED: "g-none",
    UNGRADED: "g-none",
}
KIND_TITLE = {
    "cause-of-concern": "Cause of concern",
    "recommendation": "Recommendation",
    "area-for-improvement": "Area for improvement",
}


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("watchkeeper.reporting", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["grade_class"] = lambda g: GRADE_CLASS.get(str(g), "g-none")
    env.filters["kind_title"] = lambda k: KIND_TITLE.get(str(k), str(k))
    return env


def stylesheet() -> str:
    """The report's own stylesheet (screen and print)."""
    css = resources.files("watchkeeper.reporting").joinpath("templates/report.css")
    return css.read_text(encoding="utf-8")


def _latest(report: Report) -> dict[str, Evidence]:
    found: dict[str, Evidence] = {}
    for q in report.judgement.questions:
        for e in q.evidence:
            found.setdefault(e.key, e)
    return found


def charts(report: Report) -> list[dict[str, object]]:
    """The figures: (title, svg, caption naming the indicators and periods)."""
    period = report.judgement.period.label
    evidence = _latest(report)
    bars = [
        Bar(label, evidence[key].value if key in evidence else None, "percent")
        for key, label in ATTENDANCE_BARS
    ]
    out: list[dict[str, object]] = [
        _figure(
            f"Attendance within target, {period}",
            bar_chart(f"Attendance within target by grade and vulnerability, {period}", bars),
            [k for k, _ in ATTENDANCE_BARS],
            period,
        )
    ]
    by_key = report.series_by_key()
    groups = (
        ("Attendance within target, month by month", ATTENDANCE_BARS_KEYS),
        ("Open incidents at each month end", ("backlog_open_count",)),
        ("The backlog: never reviewed, and callers waiting without contact", ("backlog_unreviewed_share", "no_contact_wait_share")),
        ("Safeguarding and SOC compliance, month by month", ("dash_completion_rate", "missing_person_reviews_on_time", "rso_visits_on_time", "scpo_checks_on_schedule")),
    )  # fmt: skip
    for title, keys in groups:
        series = [by_key[k] for k in keys if k in by_key]
        if series:
            months = f"{series[0].points[0].period} to {series[0].points[-1].period}"
            out.append(
                _figure(title, line_chart(f"{title} ({months})", series), list(keys), months)
            )
    return out


ATTENDANCE_BARS_KEYS = tuple(k for k, _ in ATTENDANCE_BARS)


def _figure(title: str, svg: str, keys: list[str], period: str) -> dict[str, object]:
    return {"title": title, "svg": Markup(svg), "indicators": keys, "period": period}  # noqa: S704 - built from escaped parts


def _context(report: Report) -> dict[str, object]:
    j = report.judgement
    return {
        "report": report,
        "j": j,
        "fw": j.framework,
        "figures": charts(report),
        "concerns": j.raised("cause-of-concern"),
        "afis": j.raised("area-for-improvement"),
        "changes": {c.question: c for c in j.changes},
    }


def render_body(report: Report) -> Markup:
    """The report's body (no <html>/<head>), for embedding in the web app's page."""
    html = _environment().get_template("_report_body.html").render(_context(report))
    return Markup(html)  # noqa: S704 - rendered by an autoescaping environment


def render_document(report: Report) -> str:
    """A standalone HTML document (styles inline), also the PDF's source."""
    return (
        _environment()
        .get_template("report.html")
        .render(
            {**_context(report), "css": Markup(stylesheet())}  # noqa: S704 - our own stylesheet
        )
    )


def series_values(series: Series) -> list[float | None]:
    return [p.value for p in series.points]
