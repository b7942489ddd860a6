"""The Assessment page: the same report as the files, in the app; its PDF; its refusals."""

from __future__ import annotations

import sqlalchemy as sa

from watchkeeper.access.model import Role
from watchkeeper.persistence.tables import audit_log


def test_the_assessment_page_shows_the_report_sections_and_says_it_is_partial(
    signed_in, application
) -> None:
    client = signed_in(Role.ANALYST)
    page = client.get("/assessment?force=west-midlands&period=2026-Q1")

    assert page.status_code == 200
    html = page.text
    for section in (
        'id="headline"',
        'id="q-vulnerability"',
        'id="progress"',
        'id="charts"',
        'id="appendix"',
    ):
        assert section in html, section
    assert 'id="partial-warning"' in html  # an empty store: nothing is presented as complete
    assert '<link rel="stylesheet" href="/assessment/report.css">' in html
    assert 'aria-current="page">Assessment</a>' in html
    with application.engine.connect() as c:
        actions = c.execute(sa.select(audit_log.c.action, audit_log.c.username)).all()
    assert ("assessment.run", "analyst") in [tuple(a) for a in actions]


def test_the_pdf_and_stylesheet_are_served_to_readers(signed_in) -> None:
    client = signed_in(Role.AUDITOR)
    pdf = client.get("/assessment/pdf?period=2026-Q1")
    css = client.get("/assessment/report.css")

    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert (
        'filename="effectiveness-west-midlands-2026-Q1.pdf"' in pdf.headers["content-disposition"]
    )
    assert css.status_code == 200 and ".wk-report" in css.text


def test_a_bad_period_or_force_is_a_clear_refusal_page_not_a_crash(signed_in) -> None:
    client = signed_in(Role.SUPERVISOR)
    bad_period = client.get("/assessment?period=2026-Q5")
    bad_force = client.get("/assessment?force=gotham&period=2026-Q1")

    assert bad_period.status_code == 400 and "2026-Q5" in bad_period.text
    assert bad_force.status_code == 400 and "unknown force &#39;gotham&#39;" in bad_force.text


def test_the_nav_link_is_shown_only_to_roles_that_may_read_the_assessment(signed_in) -> None:
    assert 'href="/assessment"' in signed_in(Role.SUPERVISOR).get("/board").text
    assert 'href="/assessment"' not in signed_in(Role.DISPATCHER).get("/board").text
