"""``watchkeeper assess`` and ``watchkeeper findings``, run as a user runs them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watchkeeper.assessment.findings import bundled_findings_path

THIS_MONTH = datetime.now(UTC).strftime("%Y-%m")  # the demo holds the last few hours
AS_ANALYST = ("--as", "analyst")


@pytest.fixture(scope="module")
def assessed(demo_cli):
    demo_cli.ok(*AS_ANALYST, "findings", "import", str(bundled_findings_path()))
    return demo_cli


def test_importing_the_findings_twice_adds_them_once(assessed) -> None:
    again = assessed.ok(*AS_ANALYST, "findings", "import", str(bundled_findings_path()))
    assert "0 added, 0 updated, 9 unchanged" in again.stdout
    listed = assessed.ok(
        *AS_ANALYST, "findings", "list", "--force", "west-midlands", "--json"
    ).json()
    assert len(listed) == 9 and {f["status"] for f in listed} == {"open"}


def test_assess_prints_json_for_other_tools_with_grades_evidence_and_findings(assessed) -> None:
    data = assessed.ok(
        *AS_ANALYST, "assess", "--force", "west-midlands", "--period", THIS_MONTH,
        "--format", "json", "--trend-months", "1",
    ).json()  # fmt: skip

    assert data["force"] == {"code": "west-midlands", "name": "West Midlands Police"}
    assert data["period"]["label"] == THIS_MONTH
    assert [q["number"] for q in data["questions"]] == [1, 2, 3, 4, 5]
    assert data["complete"] is False and data["missing_indicators"]  # registers have no data
    assert any("has not ended" in n for n in data["notes"])
    attendance = next(
        e
        for q in data["questions"]
        for e in q["evidence"]
        if e["key"] == "emergency_attendance_within_target"
    )
    assert attendance["period"] == THIS_MONTH and attendance["citation"].startswith(
        "Emergency incidents"
    )
    assert len(data["findings_progress"]) == 9
    assert {a["key"] for a in data["appendix"]} >= {
        "emergency_attendance_within_target",
        "lro_caseload",
    }


def test_a_period_with_no_data_gives_a_partial_report_graded_not_assessed(cli) -> None:
    data = cli.ok(
        "assess", "--force", "west-midlands", "--period", "2019-Q1", "--format", "json",
        "--trend-months", "1",
    ).json()  # fmt: skip

    assert data["headline"]["grade"] == "not assessed"
    assert data["complete"] is False and "partial" in data["warning"]
    assert {q["grade"] for q in data["questions"]} == {"not assessed", "ungraded"}
    assert data["findings_progress"] == []  # nothing imported into this store


def test_assess_writes_html_and_pdf_files(assessed) -> None:
    html = assessed.cwd / "report.html"
    pdf = assessed.cwd / "report.pdf"
    for fmt, out in (("html", html), ("pdf", pdf)):
        done = assessed.ok(
            *AS_ANALYST, "assess", "--force", "west-midlands", "--period", THIS_MONTH,
            "--format", fmt, "--out", str(out), "--trend-months", "1",
        )  # fmt: skip
        assert "PARTIAL" in done.stderr and str(out) in done.stderr
    assert 'id="partial-warning"' in html.read_text()
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--force", "gotham", "--period", "2026-Q3"), "unknown force 'gotham'"),
        (("--force", "west-midlands", "--period", "2026-Q5"), "period '2026-Q5'"),
        (
            ("--force", "west-midlands", "--period", "2026-Q3", "--format", "pdf"),
            "--format pdf needs --out",
        ),
    ],
)
def test_bad_assess_inputs_are_one_clear_error_line(assessed, args, message) -> None:
    outcome = assessed.fails(*AS_ANALYST, "assess", *args)
    assert message in outcome.stderr


def test_a_framework_file_with_an_unknown_indicator_is_refused_naming_the_entry(assessed) -> None:
    src = bundled_findings_path().parent.parent / "frameworks" / "peel-2017-effectiveness.toml"
    bad = assessed.cwd / "bad-framework.toml"
    bad.write_text(
        src.read_text().replace('indicator = "lro_weighted_caseload"', 'indicator = "lro_workload"')
    )
    outcome = assessed.fails(*AS_ANALYST, "assess", "--force", "west-midlands", "--period", "2026-Q3",
                             "--framework", str(bad))  # fmt: skip
    assert "criterion 'lro-caseload': unknown indicator 'lro_workload'" in outcome.stderr


def test_a_findings_file_for_an_unknown_force_is_refused(assessed) -> None:
    bad = assessed.cwd / "gotham.yaml"
    bad.write_text(
        bundled_findings_path().read_text().replace("force: west-midlands", "force: gotham")
    )
    outcome = assessed.fails(*AS_ANALYST, "findings", "import", str(bad))
    assert "unknown force 'gotham'" in outcome.stderr


def test_roles_without_the_permission_are_refused(assessed) -> None:
    outcome = assessed.fails(
        "--as", "dispatcher", "assess", "--force", "west-midlands", "--period", "2026-Q3"
    )
    assert "may not assessment read" in outcome.stderr
    outcome = assessed.fails(*AS_ANALYST, "findings", "decide", "wmp-2017-afi-scpo", "--status",
                             "addressed", "--period", "2026-Q3", "--rationale", "x")  # fmt: skip
    assert "may not findings decide" in outcome.stderr
