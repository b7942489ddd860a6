"""An inspection framework as data: questions, their indicators, and grading criteria.

A framework file (TOML, ``resources/frameworks/*.toml``) names its grading scale (best
first), its questions, and its criteria. A *threshold* criterion grades one indicator's
value against per-grade thresholds; a *composite* criterion triggers when every criterion
it names is graded at or below a grade. Either may raise an area for improvement or a cause
of concern (with recommendations). A later framework (the 2021 five-point scale) is another
file, not new code. Every problem is a ``ConfigurationError`` naming the entry.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from watchkeeper.assessment.framework_checks import check_composites, check_thresholds
from watchkeeper.kernel.errors import ConfigurationError

NOT_ASSESSED = "not assessed"
UNGRADED = "ungraded"
BUNDLED = ("peel-2017-effectiveness", "peel-2021-five-point")


@dataclass(frozen=True, slots=True)
class Raise:
    """A finding a criterion raises when graded at or below ``at``."""

    kind: str  # "cause-of-concern" | "area-for-improvement"
    at: str  # a grade of the scale
    text: str
    recommendations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion: a threshold on an indicator, or a composite of other criteria."""

    id: str
    question: str
    indicator: str | None  # threshold criteria
    higher_is_better: bool
    thresholds: tuple[tuple[str, float], ...]  # (grade, threshold), best grade first
    all_of: tuple[str, ...]  # composite criteria
    at: str | None  # composite: triggers when all_of are graded at or below this
    weight: float
    positive: str
    failing: str
    raises: tuple[Raise, ...]
    source: str

    @property
    def composite(self) -> bool:
        return bool(self.all_of)


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    number: int
    title: str
    short: str
    graded: bool
    indicators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Framework:
    """A validated framework: every reference resolves, no cycle, no contradiction."""

    id: str
    version: str
    title: str
    headline: str
    scale: tuple[str, ...]  # best first
    cause_of_concern_caps_at: str
    headline_steps_above_worst: int
    positive_from: str  # grades at or above this give "positively, the force is:" statements
    failing_from: str  # grades at or below this give "however, we found:" statements
    source: str
    questions: tuple[Question, ...]
    criteria: tuple[Criterion, ...]

    def rank(self, grade: str) -> int:
        """0 for the best grade; higher is worse."""
        return self.scale.index(grade)

    def at_or_below(self, grade: str, bound: str) -> bool:
        return self.rank(grade) >= self.rank(bound)

    def criteria_for(self, question: str) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.question == question)

    def indicator_keys(self) -> tuple[str, ...]:
        keys: list[str] = []
        for q in self.questions:
            keys += [k for k in q.indicators if k not in keys]
        return tuple(keys)


def _text(body: Mapping[str, Any], key: str, where: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"framework: {where}: '{key}' must be non-empty text")
    return value.strip()


def _grade(value: Any, scale: tuple[str, ...], where: str) -> str:
    if value not in scale:
        raise ConfigurationError(f"framework: {where}: {value!r} is not a grade of {list(scale)}")
    return str(value)


def _raises(body: Mapping[str, Any], scale: tuple[str, ...], where: str) -> tuple[Raise, ...]:
    found: list[Raise] = []
    for kind in ("cause-of-concern", "area-for-improvement"):
        spec = body.get(kind)
        if spec is None:
            continue
        here = f"{where}.{kind}"
        if not isinstance(spec, dict):
            raise ConfigurationError(f"framework: {here}: must be a table")
        recs = spec.get("recommendations", [])
        if kind == "cause-of-concern" and not recs:
            # HMICFRS glossary: a cause of concern is always accompanied by recommendations.
            raise ConfigurationError(f"framework: {here}: a cause of concern needs recommendations")
        if not isinstance(recs, list) or not all(isinstance(r, str) and r for r in recs):
            raise ConfigurationError(f"framework: {here}.recommendations: must be a list of text")
        at = _grade(spec.get("at"), scale, f"{here}.at")
        found.append(Raise(kind, at, _text(spec, "text", here), tuple(recs)))
    return tuple(found)


def _thresholds(body: Any, scale: tuple[str, ...], where: str) -> tuple[tuple[str, float], ...]:
    if not isinstance(body, dict) or not body:
        raise ConfigurationError(f"framework: {where}.thresholds: must be a table of grades")
    pairs: list[tuple[str, float]] = []
    for grade in scale:
        if grade in body:
            value = body[grade]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigurationError(f"framework: {where}.thresholds.{grade}: not a number")
            pairs.append((grade, float(value)))
    for name in body:
        _grade(name, scale, f"{where}.thresholds")
    if scale[-1] in body:
        raise ConfigurationError(
            f"framework: {where}.thresholds: '{scale[-1]}' is what is left below every "
            "threshold; it takes none"
        )
    return tuple(pairs)


def _criterion(body: Any, scale: tuple[str, ...], index: int) -> Criterion:
    where = f"criterion[{index}]"
    if not isinstance(body, dict):
        raise ConfigurationError(f"framework: {where}: must be a table")
    cid = _text(body, "id", where)
    where = f"criterion '{cid}'"
    all_of = body.get("all_of", [])
    if not isinstance(all_of, list) or not all(isinstance(x, str) for x in all_of):
        raise ConfigurationError(f"framework: {where}.all_of: must be a list of criterion ids")
    has_indicator = "indicator" in body
    if has_indicator == bool(all_of):
        raise ConfigurationError(f"framework: {where}: give either 'indicator' or 'all_of'")
    better = body.get("better", "higher")
    if better not in ("higher", "lower"):
        raise ConfigurationError(f"framework: {where}.better: 'higher' or 'lower'")
    weight = body.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
        raise ConfigurationError(f"framework: {where}.weight: must be a positive number")
    return Criterion(
        id=cid,
        question=_text(body, "question", where),
        indicator=_text(body, "indicator", where) if has_indicator else None,
        higher_is_better=better == "higher",
        thresholds=_thresholds(body.get("thresholds"), scale, where) if has_indicator else (),
        all_of=tuple(all_of),
        at=_grade(body.get("at"), scale, f"{where}.at") if all_of else None,
        weight=float(weight),
        positive=_text(body, "positive", where) if has_indicator else "",
        failing=_text(body, "failing", where),
        raises=_raises(body, scale, where),
        source=_text(body, "source", where),
    )


def _question(body: Any, index: int) -> Question:
    where = f"question[{index}]"
    if not isinstance(body, dict):
        raise ConfigurationError(f"framework: {where}: must be a table")
    key = _text(body, "key", where)
    where = f"question '{key}'"
    indicators = body.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        raise ConfigurationError(f"framework: {where}.indicators: must list indicator keys")
    number = body.get("number")
    if not isinstance(number, int) or isinstance(number, bool):
        raise ConfigurationError(f"framework: {where}.number: must be a whole number")
    graded = body.get("graded", True)
    if not isinstance(graded, bool):
        raise ConfigurationError(f"framework: {where}.graded: must be true or false")
    return Question(
        key,
        number,
        _text(body, "title", where),
        _text(body, "short", where),
        graded,
        tuple(str(k) for k in indicators),
    )


def _check_references(fw: Framework, known_indicators: Iterable[str]) -> None:
    known = set(known_indicators)
    questions = {q.key: q for q in fw.questions}
    if len(questions) != len(fw.questions):
        raise ConfigurationError("framework: two questions share a key")
    for q in fw.questions:
        for key in q.indicators:
            if key not in known:
                raise ConfigurationError(
                    f"framework: question '{q.key}': unknown indicator '{key}'"
                )
    seen: set[str] = set()
    for c in fw.criteria:
        if c.id in seen:
            raise ConfigurationError(f"framework: criterion '{c.id}' is defined twice")
        seen.add(c.id)
        if c.question not in questions:
            raise ConfigurationError(
                f"framework: criterion '{c.id}': unknown question '{c.question}'"
            )
        if c.indicator is not None and c.indicator not in known:
            raise ConfigurationError(
                f"framework: criterion '{c.id}': unknown indicator '{c.indicator}'"
            )
        if c.indicator is not None and c.indicator not in questions[c.question].indicators:
            raise ConfigurationError(
                f"framework: criterion '{c.id}': indicator '{c.indicator}' is not listed "
                f"under question '{c.question}'"
            )


def parse_framework(doc: Mapping[str, Any], known_indicators: Iterable[str]) -> Framework:
    """Validate a framework document against the indicator keys that exist."""
    head = doc.get("framework")
    if not isinstance(head, dict):
        raise ConfigurationError("framework: missing the [framework] table")
    scale = head.get("scale")
    if not isinstance(scale, list) or len(scale) < 2 or len(set(scale)) != len(scale):
        raise ConfigurationError("framework: framework.scale: at least two distinct grades")
    grades = tuple(str(g) for g in scale)
    steps = head.get("headline_steps_above_worst", 1)
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 0:
        raise ConfigurationError("framework: framework.headline_steps_above_worst: whole >= 0")
    fw = Framework(
        id=_text(head, "id", "framework"),
        version=_text(head, "version", "framework"),
        title=_text(head, "title", "framework"),
        headline=_text(head, "headline", "framework"),
        scale=grades,
        cause_of_concern_caps_at=_grade(
            head.get("cause_of_concern_caps_at", grades[-1]),
            grades,
            "framework.cause_of_concern_caps_at",
        ),
        headline_steps_above_worst=steps,
        positive_from=_grade(
            head.get("positive_from", grades[1]), grades, "framework.positive_from"
        ),
        failing_from=_grade(head.get("failing_from", grades[-2]), grades, "framework.failing_from"),
        source=_text(head, "source", "framework"),
        questions=tuple(_question(q, i) for i, q in enumerate(doc.get("question", []))),
        criteria=tuple(_criterion(c, grades, i) for i, c in enumerate(doc.get("criterion", []))),
    )
    if fw.rank(fw.positive_from) >= fw.rank(fw.failing_from):
        raise ConfigurationError(
            "framework: framework.positive_from must be a better grade than failing_from"
        )
    if not fw.questions:
        raise ConfigurationError("framework: no [[question]] entries")
    _check_references(fw, known_indicators)
    check_thresholds(fw.criteria, fw.scale)
    check_composites(fw.criteria, fw.scale)
    return fw


def load_framework(name_or_path: str | Path, known_indicators: Iterable[str]) -> Framework:
    """A bundled framework by id (``peel-2017-effectiveness``) or a TOML file by path."""
    label = str(name_or_path)
    try:
        if isinstance(name_or_path, str) and name_or_path in BUNDLED:
            files = resources.files("watchkeeper.resources.frameworks")
            text = files.joinpath(f"{name_or_path}.toml").read_text(encoding="utf-8")
        else:
            text = Path(name_or_path).read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigurationError(f"framework file not found: {label}") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigurationError(f"framework {label} line {line}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"framework {label}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigurationError(f"framework {label}: nested too deeply") from None
    return parse_framework(doc, known_indicators)
