"""The findings register's data and its status rules (evidence over a period + a decision)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import yaml

from watchkeeper.assessment.findings import (
    ADDRESSED,
    OPEN,
    PROGRESS,
    bundled_findings_path,
    check_decision,
    decision_evidence,
    known_forces,
    parse_findings,
    read_findings_file,
)
from watchkeeper.assessment.framework import load_framework
from watchkeeper.assessment.indicators import IndicatorValue, registry
from watchkeeper.assessment.periods import parse_period
from watchkeeper.kernel.errors import DomainRuleViolation, InputError

DEFS = registry()
FW = load_framework("peel-2017-effectiveness", DEFS)
QUESTIONS = [q.key for q in FW.questions]
AFTER_Q3 = datetime(2026, 11, 1, tzinfo=UTC)


def iv(key: str, value: float | None) -> IndicatorValue:
    start, end = datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)
    status = "ok" if value is not None else "no-data"
    return IndicatorValue(key, start, end, value, None, None, status, "hand-made")


def wmp():
    return read_findings_file(bundled_findings_path(), known_forces(), DEFS, QUESTIONS)


def by_ref(ref: str):
    return next(f for f in wmp() if f.ref == ref)


def test_the_2017_west_midlands_findings_ship_as_the_worked_example():
    found = wmp()
    kinds = [f.kind for f in found]

    assert kinds.count("cause-of-concern") == 1
    assert kinds.count("recommendation") == 2
    assert (
        kinds.count("area-for-improvement") == 6
    )  # missing children, supervision, RSOs, LROs, SCPOs, ARV
    concern = by_ref("wmp-2017-coc-prompt-attendance")
    assert "8930" in concern.public_reference
    assert concern.published == date(2018, 3, 22) and concern.year == 2017
    assert {f.parent for f in found if f.kind == "recommendation"} == {concern.ref}
    assert all(f.force == "west-midlands" and f.status == OPEN and f.indicators for f in found)


def _doc() -> dict:
    return yaml.safe_load(bundled_findings_path().read_text())


def test_a_finding_for_an_unknown_force_is_refused():
    doc = _doc() | {"force": "gotham"}
    with pytest.raises(InputError, match="unknown force 'gotham'"):
        parse_findings(doc, known_forces(), DEFS, QUESTIONS)


def test_a_finding_linked_to_an_unknown_indicator_is_refused_naming_it():
    doc = _doc()
    doc["findings"][3]["indicators"] = ["missing_kids_magic"]
    with pytest.raises(
        InputError,
        match="finding 'wmp-2017-afi-missing-children': unknown indicator 'missing_kids_magic'",
    ):
        parse_findings(doc, known_forces(), DEFS, QUESTIONS)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("type", "suggestion", "type 'suggestion' is not one of"), ("question", "q9", "unknown question 'q9'"),
     ("status", "done", "status 'done' is not one of"), ("colour", "red", "unknown field 'colour'"),
     ("paraphrase", "", "'paraphrase' must be non-empty"), ("parent", "nope", "unknown parent 'nope'")],
)  # fmt: skip
def test_bad_fields_are_refused_naming_the_finding_and_field(field, value, message):
    doc = _doc()
    doc["findings"][1][field] = value
    with pytest.raises(InputError, match=message):
        parse_findings(doc, known_forces(), DEFS, QUESTIONS)


def test_bad_yaml_names_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("force: west-midlands\nfindings: [\n  - ref: x\n")
    with pytest.raises(InputError, match=r"bad.yaml line \d+: not valid YAML"):
        read_findings_file(bad, known_forces(), DEFS)


def _decide(
    finding, target, values, *, period="2026-Q3", rationale="reviewed at board", now=AFTER_Q3
):
    evidence = decision_evidence(finding, values, FW) if target != OPEN else ()
    check_decision(finding, target, period=parse_period(period), evidence=evidence, framework=FW,
                   rationale=rationale, now=now)  # fmt: skip
    return evidence


def test_a_status_cannot_move_without_data_for_every_linked_indicator():
    afi = by_ref("wmp-2017-afi-sex-offenders")
    values = {"rso_visits_on_time": iv("v", 97), "rso_notifications_on_time": iv("n", None)}
    with pytest.raises(
        DomainRuleViolation, match="indicator 'rso_notifications_on_time' has no data"
    ):
        _decide(afi, PROGRESS, values)


def test_addressed_needs_every_linked_indicator_graded_good_or_better_over_the_period():
    rec = by_ref("wmp-2017-rec-backlog-risk")
    good = {"backlog_unreviewed_share": iv("u", 12), "backlog_age_p90_minutes": iv("a", 200)}
    evidence = _decide(rec, ADDRESSED, good)
    assert {e.key: e.grade for e in evidence} == {
        "backlog_unreviewed_share": "good",
        "backlog_age_p90_minutes": "good",
    }

    mixed = {"backlog_unreviewed_share": iv("u", 12), "backlog_age_p90_minutes": iv("a", 500)}
    with pytest.raises(
        DomainRuleViolation,
        match="cannot be addressed while indicator 'backlog_age_p90_minutes' is graded below 'good'",
    ):
        _decide(rec, ADDRESSED, mixed)


def test_evidence_of_progress_needs_at_least_one_indicator_out_of_the_failing_grades():
    rec = by_ref("wmp-2017-rec-backlog-risk")
    failing = {"backlog_unreviewed_share": iv("u", 50), "backlog_age_p90_minutes": iv("a", 900)}
    with pytest.raises(DomainRuleViolation, match="no linked indicator shows progress"):
        _decide(rec, PROGRESS, failing)
    _decide(
        rec,
        PROGRESS,
        {"backlog_unreviewed_share": iv("u", 12), "backlog_age_p90_minutes": iv("a", 900)},
    )


def test_a_decision_needs_a_rationale_and_a_period_that_has_ended_after_publication():
    rec = by_ref("wmp-2017-rec-backlog-risk")
    good = {"backlog_unreviewed_share": iv("u", 3), "backlog_age_p90_minutes": iv("a", 60)}
    with pytest.raises(InputError, match="needs a recorded rationale"):
        _decide(rec, ADDRESSED, good, rationale="  ")
    with pytest.raises(DomainRuleViolation, match="evidence period 2026-Q3 has not ended"):
        _decide(rec, ADDRESSED, good, now=datetime(2026, 9, 1, tzinfo=UTC))
    with pytest.raises(DomainRuleViolation, match="ends before the finding was published"):
        _decide(rec, ADDRESSED, good, period="2017-Q4")


def test_reopening_needs_only_a_reason_and_a_same_status_move_is_refused():
    rec = replace(by_ref("wmp-2017-rec-backlog-risk"), status=ADDRESSED)
    assert _decide(rec, OPEN, {}) == ()
    with pytest.raises(DomainRuleViolation, match="is already 'addressed'"):
        _decide(
            rec,
            ADDRESSED,
            {"backlog_unreviewed_share": iv("u", 3), "backlog_age_p90_minutes": iv("a", 60)},
        )
