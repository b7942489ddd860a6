"""Risk forms as versioned data (DASH, SafeLives, later DARA) and validated answers.

A form's questions, sections and contradiction rules live in a TOML file under
``resources/safeguarding``, so a wrong wording or numbering is corrected in data, not code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from watchkeeper.kernel.errors import ConfigurationError, InputError


class Answer(StrEnum):
    """An answer to one question; 'not known' is recorded as such and never counts as yes."""

    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not-known"

    @property
    def label(self) -> str:
        """How a person reads the answer ('not known', not the stored code)."""
        return self.value.replace("-", " ")


@dataclass(frozen=True, slots=True)
class Question:
    number: int
    key: str
    text: str
    high_risk_factor: bool
    unconfirmed: bool  # wording or numbering could not be checked (STANDARDS.md 3.2)


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    required: bool  # optional sections are answered whole or not at all
    scored: bool  # counts towards the yes-total that sets the risk level
    questions: tuple[Question, ...]
    considered_when: str | None  # key of the question whose 'yes' prompts this section


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Answering ``first`` with ``first_answer`` is impossible with ``second`` = ``second_answer``."""

    first: str
    first_answer: Answer
    second: str
    second_answer: Answer
    reason: str


@dataclass(frozen=True, slots=True)
class RiskForm:
    form_id: str
    version: str
    title: str
    source: str
    questions: tuple[Question, ...]
    sections: tuple[Section, ...]
    contradictions: tuple[Contradiction, ...]

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise InputError(f"form {self.form_id} {self.version} has no question {key!r}")

    def section_of(self, key: str) -> Section:
        return next(s for s in self.sections if any(q.key == key for q in s.questions))

    def label(self, key: str) -> str:
        """'Q11 (children-hurt)' — how refusals name a question."""
        question = self.question(key)
        section = self.section_of(key)
        prefix = "Q" if section.scored else f"{section.key} Q"
        return f"{prefix}{question.number} ({key})"


@dataclass(frozen=True, slots=True)
class DashAnswers:
    """Answers to one version of one form; build through ``record_answers``."""

    form_id: str
    version: str
    answers: dict[str, Answer]

    def yes_keys(self, form: RiskForm) -> tuple[str, ...]:
        """Keys answered yes in the scored sections, in form order."""
        scored = (q for s in form.sections if s.scored for q in s.questions)
        return tuple(q.key for q in scored if self.answers.get(q.key) is Answer.YES)


# --- answers --------------------------------------------------------------------------


def record_answers(form: RiskForm, raw: Mapping[str, str]) -> DashAnswers:
    """Validate answers against the form: refuses unknown keys, gaps and contradictions."""
    known = {q.key for q in form.questions}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InputError(f"{form.form_id} {form.version}: unknown question keys {unknown}")
    answers = {key: _answer(form, key, value) for key, value in raw.items()}
    for section in form.sections:
        _check_complete(form, section, answers)
    for rule in form.contradictions:
        if (
            answers.get(rule.first) is rule.first_answer
            and answers.get(rule.second) is rule.second_answer
        ):
            raise InputError(
                f"{form.form_id}: {form.label(rule.first)} = {rule.first_answer} contradicts "
                f"{form.label(rule.second)} = {rule.second_answer}: {rule.reason}"
            )
    return DashAnswers(form.form_id, form.version, answers)


def _answer(form: RiskForm, key: str, value: str) -> Answer:
    try:
        return Answer(value)
    except ValueError:
        allowed = ", ".join(a.value for a in Answer)
        raise InputError(
            f"{form.form_id}: {form.label(key)} answer {value!r} is not one of {allowed}"
        ) from None


def _check_complete(form: RiskForm, section: Section, answers: dict[str, Answer]) -> None:
    missing = [q for q in section.questions if q.key not in answers]
    if not missing or (not section.required and len(missing) == len(section.questions)):
        return
    names = ", ".join(form.label(q.key) for q in missing)
    kind = "every question must be answered" if section.required else "answer all or none"
    raise InputError(f"{form.form_id} section {section.key!r}: {kind}; missing {names}")


# --- parsing --------------------------------------------------------------------------


def _text(doc: Mapping[str, Any], key: str, where: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"risk form: '{where}{key}' must be non-empty text")
    return value.strip()


def _flag(doc: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
    value = doc.get(key, default)
    if not isinstance(value, bool):
        raise ConfigurationError(f"risk form: '{where}{key}' must be true or false")
    return value


def _question(doc: Mapping[str, Any], where: str) -> Question:
    number = doc.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ConfigurationError(f"risk form: '{where}number' must be a positive whole number")
    return Question(
        number,
        _text(doc, "key", where),
        _text(doc, "text", where),
        _flag(doc, "high_risk_factor", where, False),
        _flag(doc, "unconfirmed", where, False),
    )


def _section(doc: Mapping[str, Any], where: str) -> Section:
    questions = tuple(
        _question(q, f"{where}questions[{i}].") for i, q in enumerate(doc.get("questions", []))
    )
    numbers = [q.number for q in questions]
    if not questions or len(set(numbers)) != len(numbers):
        raise ConfigurationError(
            f"risk form: '{where}questions' must be non-empty and numbered once"
        )
    considered = doc.get("considered_when")
    return Section(
        _text(doc, "key", where),
        _text(doc, "title", where),
        _flag(doc, "required", where, True),
        _flag(doc, "scored", where, True),
        questions,
        str(considered) if considered else None,
    )


def _contradiction(doc: Mapping[str, Any], where: str, keys: set[str]) -> Contradiction:
    parts = [_text(doc, k, where) for k in ("first", "first_answer", "second", "second_answer")]
    for key in (parts[0], parts[2]):
        if key not in keys:
            raise ConfigurationError(f"risk form: '{where}' names unknown question {key!r}")
    try:
        return Contradiction(
            parts[0], Answer(parts[1]), parts[2], Answer(parts[3]), _text(doc, "reason", where)
        )
    except ValueError:
        raise ConfigurationError(f"risk form: '{where}' has an unknown answer value") from None


def parse_form(doc: Mapping[str, Any]) -> RiskForm:
    """Validate a form document; raises ConfigurationError naming the key."""
    head = doc.get("form")
    if not isinstance(head, dict):
        raise ConfigurationError("risk form: missing table 'form'")
    sections = tuple(_section(s, f"sections[{i}].") for i, s in enumerate(doc.get("sections", [])))
    questions = tuple(q for s in sections for q in s.questions)
    keys = [q.key for q in questions]
    if len(set(keys)) != len(keys):
        raise ConfigurationError("risk form: question keys must be unique across the form")
    if not any(s.scored for s in sections):
        raise ConfigurationError("risk form: 'sections' needs at least one scored section")
    for section in sections:
        if section.considered_when and section.considered_when not in keys:
            raise ConfigurationError(
                f"risk form: section {section.key!r} 'considered_when' names an unknown question"
            )
    contradictions = tuple(
        _contradiction(c, f"contradictions[{i}]", set(keys))
        for i, c in enumerate(doc.get("contradictions", []))
    )
    return RiskForm(
        _text(head, "id", "form."),
        _text(head, "version", "form."),
        _text(head, "title", "form."),
        _text(head, "source", "form."),
        questions,
        sections,
        contradictions,
    )


def bundled_form(filename: str) -> RiskForm:
    """A form shipped in ``resources/safeguarding`` (e.g. ``dash-police-2009.toml``)."""
    from watchkeeper.safeguarding.policy import bundled_document

    return parse_form(bundled_document(filename))
