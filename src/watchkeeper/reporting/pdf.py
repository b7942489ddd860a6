"""The assessment report as PDF: the same HTML document, laid out for A4 by WeasyPrint."""

from __future__ import annotations

from watchkeeper.assessment.report_model import Report
from watchkeeper.reporting.html import render_document


def render_pdf(report: Report) -> bytes:
    """A4 PDF bytes of the report (page numbers and a running title on every page)."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # no stubs; heavy import, only when asked

    pdf = HTML(string=render_document(report), base_url=".").write_pdf()
    if not isinstance(pdf, bytes):
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf
