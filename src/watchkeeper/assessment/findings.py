"""The findings register: published inspection findings and the rules for closing them.

A finding (cause of concern, recommendation, area for improvement) is held per force and
year, in the project's own words, with its public reference, date, question, owner, status
and the indicators that evidence it. Its status moves to "evidence of progress" or
"addressed" only with indicator evidence over a stated period plus a recorded human
decision (STANDARDS.md 9: recommendation tracking with owner, status history, evidence).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from watchkeeper.assessment.framework import Framework
from watchkeeper.assessment.indicators import IndicatorValue
from watchkeeper.assessment.judgements import grade_value
from watchkeeper.assessment.periods import Period
from watchkeeper.kernel.errors import DomainRuleViolation, InputError

KINDS = ("cause-of-concern", "recommendation", "area-for-improvement")
OPEN = "open"
PROGRESS = "evidence of progress"
ADDRESSED = "addressed"
STATUSES = (OPEN, PROGRESS, ADDRESSED)
_FIELDS = {"ref", "type", "question", "paraphrase", "public_reference", "date", "owner",
           "status", "indicators", "parent"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    ref: str
    force: str
    year: int
    inspection: str
    kind: str
    question: str
    paraphrase: str
    public_reference: str
    published: date
    owner: str
    status: str
    indicators: tuple[str, ...]
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionEvidence:
    """One indicator value over the stated period, and the grade it earned (if graded)."""

    key: str
    value: float
    numerator: float | None
    denominator: float | None
    grade: str | None


@dataclass(frozen=True, slots=True)
class StatusDecision:
    """A recorded human decision moving a finding's status, with the evidence behind it."""

    ref: str
    from_status: str
    to_status: str
    decided_by: str
    decided_at: datetime
    rationale: str
    period: str
    period_start: datetime
    period_end: datetime
    evidence: tuple[DecisionEvidence, ...]


def known_forces() -> dict[str, str]:
    """Force code -> force name, from the bundled ``forces.toml``."""
    text = resources.files("watchkeeper.resources.findings").joinpath("forces.toml")
    doc = tomllib.loads(text.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in doc["forces"].items()}


def _field(entry: Mapping[str, Any], name: str, where: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"findings: {where}: '{name}' must be non-empty text")
    return value.strip()


def _finding(entry: Any, head: dict[str, Any], index: int, checks: _Checks) -> Finding:
    where = f"finding[{index}]"
    if not isinstance(entry, dict):
        raise InputError(f"findings: {where}: must be a mapping")
    ref = _field(entry, "ref", where)
    where = f"finding '{ref}'"
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise InputError(f"findings: {where}: unknown field '{unknown[0]}'")
    kind = _field(entry, "type", where)
    if kind not in KINDS:
        raise InputError(f"findings: {where}: type {kind!r} is not one of {list(KINDS)}")
    status = str(entry.get("status", OPEN))
    if status not in STATUSES:
        raise InputError(f"findings: {where}: status {status!r} is not one of {list(STATUSES)}")
    question = _field(entry, "question", where)
    checks.question(question, where)
    indicators = entry.get("indicators", [])
    if not isinstance(indicators, list) or not indicators:
        raise InputError(f"findings: {where}: 'indicators' must list the indicators evidencing it")
    for key in indicators:
        checks.indicator(str(key), where)
    published = entry.get("date", head["date"])
    if not isinstance(published, date):
        raise InputError(f"findings: {where}: 'date' must be a date (YYYY-MM-DD)")
    parent = entry.get("parent")
    return Finding(
        ref, head["force"], head["year"], head["inspection"], kind, question,
        _field(entry, "paraphrase", where), _field(entry, "public_reference", where),
        published, str(entry.get("owner") or "unassigned"), status,
        tuple(str(k) for k in indicators), str(parent) if parent else None,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Checks:
    indicators: frozenset[str]
    questions: frozenset[str] | None

    def indicator(self, key: str, where: str) -> None:
        if key not in self.indicators:
            raise InputError(f"findings: {where}: unknown indicator '{key}'")

    def question(self, key: str, where: str) -> None:
        if self.questions is not None and key not in self.questions:
            raise InputError(f"findings: {where}: unknown question '{key}'")


def parse_findings(
    doc: Any,
    forces: Mapping[str, str],
    indicators: Iterable[str],
    questions: Iterable[str] | None = None,
) -> tuple[Finding, ...]:
    """Validate a findings document (already parsed from YAML); InputError names the entry."""
    if not isinstance(doc, dict):
        raise InputError("findings: the file must be a mapping with 'force' and 'findings'")
    force = _field(doc, "force", "file")
    if force not in forces:
        raise InputError(f"findings: file: unknown force '{force}' (see forces.toml)")
    head = {
        "force": force,
        "inspection": _field(doc, "inspection", "file"),
        "date": doc.get("date"),
    }
    if not isinstance(head["date"], date):
        raise InputError("findings: file: 'date' must be a date (YYYY-MM-DD)")
    head["year"] = doc.get("year", head["date"].year)
    if not isinstance(head["year"], int) or isinstance(head["year"], bool):
        raise InputError("findings: file: 'year' (of the inspection) must be a whole number")
    entries = doc.get("findings")
    if not isinstance(entries, list) or not entries:
        raise InputError("findings: file: 'findings' must be a non-empty list")
    checks = _Checks(frozenset(indicators), frozenset(questions) if questions else None)
    found = tuple(_finding(e, head, i, checks) for i, e in enumerate(entries))
    refs = [f.ref for f in found]
    for f in found:
        if refs.count(f.ref) > 1:
            raise InputError(f"findings: finding '{f.ref}' appears twice")
        if f.parent is not None and f.parent not in refs:
            raise InputError(f"findings: finding '{f.ref}': unknown parent '{f.parent}'")
    return found


def read_findings_file(
    path: Path,
    forces: Mapping[str, str],
    indicators: Iterable[str],
    questions: Iterable[str] | None = None,
) -> tuple[Finding, ...]:
    """Read and validate a findings YAML file; InputError names the file, line or entry."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"findings file not found: {path}") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise InputError(f"findings file {path} line {line}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"findings file {path}{where}: not valid YAML") from None
    except ValueError as exc:  # a value YAML reads but Python refuses, e.g. 2017-13-01
        raise InputError(f"findings file {path}: a value is impossible ({exc})") from None
    except RecursionError:
        raise InputError(f"findings file {path}: nested too deeply to be findings") from None
    try:
        return parse_findings(doc, forces, indicators, questions)
    except InputError as exc:
        raise InputError(f"{path}: {exc.message}") from None


def bundled_findings_path(name: str = "west-midlands-2017.yaml") -> Path:
    """Where a bundled findings file is (the 2017 West Midlands worked example)."""
    return Path(str(resources.files("watchkeeper.resources.findings").joinpath(name)))


def decision_evidence(
    finding: Finding, values: Mapping[str, IndicatorValue], framework: Framework
) -> tuple[DecisionEvidence, ...]:
    """The finding's indicators over the period, each graded by the framework's criterion.

    Refuses (naming the finding and indicator) when any linked indicator has no data: a
    status is never moved on partial evidence.
    """
    out = []
    for key in finding.indicators:
        iv = values.get(key)
        if iv is None or iv.status != "ok" or iv.value is None:
            raise DomainRuleViolation(
                f"finding '{finding.ref}': indicator '{key}' has no data for the stated "
                "period, so its status cannot move"
            )
        graded = [grade_value(c, iv.value, framework.scale) for c in framework.criteria
                  if c.indicator == key]  # fmt: skip
        grade = max(graded, key=lambda g: framework.rank(g or framework.scale[0]), default=None)
        out.append(DecisionEvidence(key, iv.value, iv.numerator, iv.denominator, grade))
    return tuple(out)


def check_decision(
    finding: Finding,
    target: str,
    *,
    period: Period,
    evidence: tuple[DecisionEvidence, ...],
    framework: Framework,
    rationale: str,
    now: datetime,
) -> None:
    """The rules for a status move; DomainRuleViolation naming the finding otherwise."""
    name = f"finding '{finding.ref}'"
    if target not in STATUSES:
        raise InputError(f"{name}: status {target!r} is not one of {list(STATUSES)}")
    if target == finding.status:
        raise DomainRuleViolation(f"{name} is already '{target}'")
    if not rationale.strip():
        raise InputError(f"{name}: a status decision needs a recorded rationale")
    if target == OPEN:
        return  # reopening needs only the decision and its reason
    if period.end > now:
        raise DomainRuleViolation(f"{name}: the evidence period {period.label} has not ended")
    if period.end.date() <= finding.published:
        raise DomainRuleViolation(
            f"{name}: the evidence period {period.label} ends before the finding was published"
        )
    graded = [e for e in evidence if e.grade is not None]
    if target == PROGRESS and graded and all(_failing(framework, e) for e in graded):
        raise DomainRuleViolation(
            f"{name}: no linked indicator shows progress over {period.label} (all graded "
            f"'{framework.failing_from}' or worse)"
        )
    if target == ADDRESSED:
        short = [e.key for e in graded if _below_positive(framework, e)]
        if short:
            raise DomainRuleViolation(
                f"{name}: cannot be addressed while indicator '{short[0]}' is graded below "
                f"'{framework.positive_from}' over {period.label}"
            )


def _failing(framework: Framework, e: DecisionEvidence) -> bool:
    return framework.rank(e.grade or framework.scale[0]) >= framework.rank(framework.failing_from)


def _below_positive(framework: Framework, e: DecisionEvidence) -> bool:
    return framework.rank(e.grade or framework.scale[0]) > framework.rank(framework.positive_from)
