"""The effectiveness report: golden structure of the HTML, the JSON, and the PDF's sections."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from watchkeeper.assessment.assess import AssessmentRequest, assess
from watchkeeper.assessment.findings import bundled_findings_path, known_forces, read_findings_file
from watchkeeper.assessment.framework import load_framework
from watchkeeper.assessment.indicators import IndicatorValue, registry
from watchkeeper.assessment.periods import parse_period
from watchkeeper.assessment.report_model import as_json
from watchkeeper.reporting.html import render_body, render_document
from watchkeeper.reporting.pdf import render_pdf

DEFS = registry()
FW = load_framework("peel-2017-effectiveness", DEFS)
UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SECTIONS = ("report-cover", "headline", "concerns-and-afis", "progress", "charts", "appendix")

# A force failing like 2017 on attendance and the backlog; the other capabilities present.
FAILING = {
    "emergency_attendance_within_target": 62.0, "emergency_attendance_within_target_vulnerable": 58.0,
    "priority_attendance_within_target": 40.0, "priority_attendance_within_target_vulnerable": 38.0,
    "backlog_unreviewed_share": 70.0, "backlog_age_p90_minutes": 1500.0, "no_contact_wait_share": 30.0,
    "backlog_open_count": 140.0,
}  # fmt: skip


def _values(known: dict[str, float], everything: bool):
    def values_for(period, keys):
        wanted = list(keys) if keys is not None else list(DEFS)
        out = {}
        for key in wanted:
            value = (
                known.get(key, 97.0 if DEFS[key].higher_is_better else 1.0)
                if everything
                else known.get(key)
            )
            status = "ok" if value is not None else "no-data"
            out[key] = IndicatorValue(key, period.start, period.end, value, None, None, status,
                                      "hand-made" if value is not None else "capability not present")  # fmt: skip
        return out

    return values_for


def _report(known=FAILING, everything=False):
    request = AssessmentRequest(FW, DEFS, "west-midlands", "West Midlands Police",
                                parse_period("2026-Q3", UTC_ZONE), UTC_ZONE, trend_months=3)  # fmt: skip
    found = read_findings_file(bundled_findings_path(), known_forces(), DEFS)
    return assess(request, _values(known, everything), found, [], now=NOW)


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.svgs = 0

    def handle_starttag(self, tag, attrs):
        self.ids += [v for k, v in attrs if k == "id" and v]
        self.svgs += tag == "svg"


def _ids(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def test_the_html_report_has_every_section_a_peel_effectiveness_page_has():
    html = render_document(_report())
    ids = _ids(html)

    for section in SECTIONS:
        assert section in ids.ids, section
    for q in FW.questions:
        assert f"q-{q.key}" in ids.ids
    for key in FW.indicator_keys():  # the appendix defines every indicator used
        assert f"ind-{key}" in ids.ids
    assert ids.svgs >= 3  # attendance bars, monthly attendance, backlog
    for heading in ("However, we found:", "Cause of concern", "Recommendations", "Areas for improvement",
                    "Progress against earlier inspection findings", "Appendix: indicators and data period"):  # fmt: skip
        assert heading in html


def test_a_report_with_missing_capabilities_says_it_is_partial_and_names_what_is_missing():
    report = _report()
    html = render_document(report)

    assert not report.complete
    assert "partial-warning" in _ids(html).ids and "Partial report." in html
    assert "dash_completion_rate" in html.split('id="partial-warning"')[1].split("</div>")[0]
    assert "not assessed" in html.lower()


def test_a_report_with_data_for_every_indicator_is_complete_and_carries_no_warning():
    report = _report({}, everything=True)
    html = render_document(report)

    assert report.complete
    assert "partial-warning" not in _ids(html).ids
    assert "Positively, the force is:" in html


def test_every_statement_and_evidence_row_names_its_indicator_and_period():
    report = _report()
    for q in report.judgement.questions:
        for s in (*q.positives, *q.failings):
            assert s.evidence
            for e in s.evidence:
                assert e.period == "2026-Q3" and e.name and f"{e.name}: " in s.cited()
    body = str(render_body(report))
    cites = re.findall(r'<span class="cite">(.*?)</span>', body, flags=re.S)
    assert cites and all("2026-Q3" in c and 'href="#ind-' in c for c in cites)


def test_the_failing_force_raises_the_prompt_attendance_cause_of_concern_with_its_recommendations():
    j = _report().judgement
    concerns = j.raised("cause-of-concern")

    assert [c.criterion for c in concerns] == ["prompt-attendance-concern"]
    assert len(concerns[0].recommendations) == 2
    assert next(q for q in j.questions if q.question.key == "vulnerability").grade == "inadequate"


def test_the_json_report_carries_grades_evidence_findings_and_partiality():
    data = as_json(_report())

    assert data["complete"] is False and data["warning"]
    assert data["headline"]["grade"] in FW.scale
    assert [q["number"] for q in data["questions"]] == [1, 2, 3, 4, 5]
    vuln = next(q for q in data["questions"] if q["key"] == "vulnerability")
    assert vuln["evidence"][0]["period"] == "2026-Q3" and "citation" in vuln["evidence"][0]
    assert data["previous_period"] == "2026-Q2"
    assert vuln["evidence"][0]["previous"] == "62.0%"  # the same indicator over 2026-Q2
    missing = next(e for e in vuln["evidence"] if e["key"] == "dash_completion_rate")
    assert missing["value"] is None and missing["value_text"] == "no data"
    assert len(data["findings_progress"]) == 9
    assert {s["key"] for s in data["series"]} >= {
        "backlog_open_count",
        "emergency_attendance_within_target",
    }


@pytest.mark.slow
def test_the_pdf_renders_from_the_same_html_with_the_expected_sections():
    from pypdf import PdfReader

    pdf = render_pdf(_report())
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)

    assert pdf.startswith(b"%PDF") and len(reader.pages) >= 5
    for heading in ("How effective is the force at keeping people safe", "Partial report",
                    "Cause of concern", "Progress against earlier inspection findings", "Charts",
                    "Appendix: indicators and data period"):  # fmt: skip
        assert heading in text, heading
    assert "Page 2 of" in text  # running page numbers from the print stylesheet
